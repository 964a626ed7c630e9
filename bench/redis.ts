/**
 * The Redis section of `npm run bench` (bench/run.ts calls `benchRedis`): figures, not tests.
 *
 * Everything runs against two private `redis-server`s this script starts on free ports of
 * 127.0.0.1 (no RDB, no AOF, server defaults otherwise) and stops by pid at the end, also on
 * error or Ctrl-C: one for the engine (so its memory figure is clean), one for the raw
 * `redis-benchmark` runs. The shared Redis is never touched.
 *
 * Measured, in one run:
 * - ballots/s through `Engine.execute` on the Redis store, 100 ballots in flight, in this
 *   process alone, then in this process and a child process at once (each its own connection
 *   and its own fans; the rates are summed), with p50/p99 latency per ballot;
 * - the raw `redis-benchmark` EVALSHA rate of the same ballot script (-c 50 -P 64, a new voter
 *   on each call), run in segments interleaved with the engine's, each segment casting as many
 *   ballots as the engine segment it is compared with (so the ballot hashes fill up alike and
 *   both see the same moments of a shared machine); the engine's rate as a percentage of it;
 * - Redis memory per ballot once `--ballots` (default 1,000,000) ballots are in;
 * - the reveal at that many ballots (close the vote, count from the incremental tally, publish);
 * - proposals/s through the engine, 100 in flight;
 * - phase-transition lateness with the BullMQ scheduler (200 categories due within 3 s);
 * - where the CPU goes (Node and Redis CPU per ballot, Redis commandstats) and how much CPU
 *   other processes of the machine took meanwhile (from /proc/stat);
 * - how many ballots waited on one of Node's garbage-collection pauses (each pause holds every
 *   ballot in flight), and the latency of the others.
 *
 * The child process is this file run again with COCREATE_BENCH_CHILD=1 (see `childMain`).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { VirtualClock } from '../src/clock/virtual-clock';
import { SystemClock } from '../src/clock/system-clock';
import { redisRuntime, type Runtime } from '../src/cli/runtime';
import type { Engine } from '../src/engine/engine';
import { SYSTEM_ACTOR, type CampaignSpec, type CategorySpec } from '../src/model/campaign';
import type { TransitionRequest } from '../src/ports/campaign-store';
import { createRedisConnection } from '../src/stores/redis/connection';
import { BALLOT_BUCKETS } from '../src/stores/redis/redis-store';
import { luaScripts } from '../src/stores/redis/scripts';
import { CampaignKeys, DEFAULT_PREFIX } from '../src/stores/redis/keys';
import { startRedisServer, type RedisServer } from '../test/helpers/redis-servers';

const HOUR = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);
/** The engine's clock while ballots and proposals are cast: the vote and the propose phase are open. */
const NOW = T0 + HOUR;
const IN_FLIGHT = 100;
/** The one-process figure is taken in this many rounds, each after its raw segment. */
const ROUNDS = 3;
const CHILD_ENV = 'COCREATE_BENCH_CHILD';
const PROPOSALS = 20_000;
const LATENESS_JOBS = 200;
const LATENESS_SPREAD_MS = 3_000;
const RAW_CLIENTS = 50;
const RAW_PIPELINE = 64;

/** The store targets on this 2-core machine. */
export const TARGETS = {
  ratio: 0.6,
  p99Ms: 5,
  bytesPerBallot: 100,
  latenessP99Ms: 250,
} as const;

export interface RedisBenchOptions {
  /** Ballots in the store when memory and reveal are measured. */
  readonly ballots: number;
  /** Progress lines go here (stderr by default); the figures are returned. */
  readonly log?: (line: string) => void;
}

/** A timed segment: its rate, and the CPU of the machine's other processes meanwhile. */
export interface Segment {
  readonly count: number;
  readonly seconds: number;
  readonly perSec: number;
  /** Average cores busy with processes other than this bench's (NaN without /proc). */
  readonly otherCores: number;
}

export interface RedisFigures {
  readonly redisVersion: string;
  readonly redisConfig: string;
  readonly ballots: number;
  readonly oneProcess: {
    readonly rounds: readonly { readonly engine: Segment; readonly raw: Segment }[];
    readonly engine: Segment;
    readonly raw: Segment;
    readonly p50Ms: number;
    readonly p99Ms: number;
    /** Garbage-collection pauses of this process during the rounds, and the ballots they held. */
    readonly gc: GcFigures;
    /** Node CPU of this process (all threads), µs per ballot. */
    readonly nodeUs: number;
    /** The engine's redis-server CPU, µs per ballot. */
    readonly redisUs: number;
    /** Time inside EVALSHA (the script with its calls) by INFO commandstats, µs per ballot. */
    readonly scriptUs: number;
    readonly evalshaPerBallot: number;
    /** The raw run's redis-server CPU, µs per call. */
    readonly rawRedisUs: number;
    readonly rawScriptUs: number;
    /** redis-benchmark's own CPU, µs per call. */
    readonly rawClientUs: number;
  };
  readonly twoProcesses: {
    readonly ballots: number;
    readonly perSec: readonly [number, number];
    readonly sumPerSec: number;
    readonly wallPerSec: number;
    readonly otherCores: number;
    readonly raw: Segment;
    readonly p50Ms: number;
    readonly p99Ms: number;
  };
  readonly rawCommand: string;
  readonly memory: { readonly usedDelta: number; readonly keysBytes: number; readonly buckets: number; readonly encodings: string };
  readonly revealMs: number;
  readonly proposals: { readonly count: number; readonly perSec: number; readonly p50Ms: number; readonly p99Ms: number };
  readonly lateness: { readonly jobs: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number };
}

// ----------------------------------------------------------------------------- campaigns

const NO_CHANNELS = { discord: [], telegram: [] };
const NO_ROLES = { curators: { discord: [], telegram: [] }, managers: { discord: [], telegram: [] } };

/** One category voting among 10 fixed options, single choice, one ballot per fan (no change). */
function voteCampaign(id: string): CampaignSpec {
  const category: CategorySpec = {
    id: 'vote', title: 'Vote', options: Array.from({ length: 10 }, (_, i) => `Option ${i}`),
    phases: [{ phase: 'vote', start: T0, end: T0 + 24 * HOUR }], revealAt: T0 + 24 * HOUR,
    proposals: { minLength: 1, maxLength: 100, perFan: 1 },
    shortlist: { by: 'curators', size: 10 }, vote: { method: 'single', allowChange: false },
    reveal: { winners: 3, tieBreak: 'earliest' },
  };
  return { id, title: id, locale: 'en', channels: NO_CHANNELS, roles: NO_ROLES, categories: [category] };
}

/** One category open for proposals, one per fan. */
function proposeCampaign(id: string): CampaignSpec {
  const category: CategorySpec = {
    id: 'ideas', title: 'Ideas',
    phases: [{ phase: 'propose', start: T0, end: T0 + 24 * HOUR }, { phase: 'vote', start: T0 + 24 * HOUR, end: T0 + 48 * HOUR }],
    revealAt: T0 + 48 * HOUR,
    proposals: { minLength: 1, maxLength: 100, perFan: 1 },
    shortlist: { by: 'likes', size: 10 }, vote: { method: 'single', allowChange: false },
    reveal: { winners: 3, tieBreak: 'earliest' },
  };
  return { id, title: id, locale: 'en', channels: NO_CHANNELS, roles: NO_ROLES, categories: [category] };
}

/** One category per deadline, in its vote, closing at that deadline (wall-clock time). */
function latenessCampaign(id: string, deadlines: readonly number[]): CampaignSpec {
  const categories = deadlines.map((end, i): CategorySpec => ({
    id: `c${i}`, title: `C${i}`, options: ['A', 'B'],
    phases: [{ phase: 'vote', start: end - HOUR, end }], revealAt: end,
    proposals: { minLength: 1, maxLength: 100, perFan: 1 },
    shortlist: { by: 'curators', size: 2 }, vote: { method: 'single', allowChange: false },
    reveal: { winners: 1, tieBreak: 'earliest' },
  }));
  return { id, title: id, locale: 'en', channels: NO_CHANNELS, roles: NO_ROLES, categories };
}

const VOTE = voteCampaign('bench');
const RAW = voteCampaign('bench-raw');
const PROPOSE = proposeCampaign('bench-ideas');

// ----------------------------------------------------------------------------- loops

interface LoopResult {
  readonly count: number;
  readonly ms: number;
  /** Latency of each call, ms (execute called → answered). */
  readonly latencies: Float64Array;
  /** When each call started (performance.now()). */
  readonly starts: Float64Array;
}

/**
 * Runs `count` commands through `engine.execute`, `inFlight` at a time (a new one starts as
 * soon as one is answered), and times each. Any refusal is an error: the figures would lie.
 */
async function closedLoop(engine: Engine, count: number, inFlight: number, command: (i: number) => Parameters<Engine['execute']>): Promise<LoopResult> {
  const latencies = new Float64Array(count);
  const starts = new Float64Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const [cmd, actor] = command(i);
      const t = performance.now();
      starts[i] = t;
      const result = await engine.execute(cmd, actor);
      latencies[i] = performance.now() - t;
      if (!result.ok) throw new Error(`${cmd.type} ${i} refused: ${result.code}`);
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return { count, ms: performance.now() - t, latencies, starts };
}

export interface GcFigures {
  readonly pauses: number;
  readonly pauseP50Ms: number;
  readonly pauseMaxMs: number;
  /** Share of the ballots whose call spanned (part of) a pause. */
  readonly heldShare: number;
  /** p99 latency of the ballots no pause held. */
  readonly othersP99Ms: number;
}

/** Records this process's garbage-collection pauses (performance 'gc' entries) as [start, end] ms. */
class GcPauses {
  readonly pauses: [number, number][] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) this.pauses.push([entry.startTime, entry.startTime + entry.duration]);
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** The pauses within the loops' time and the share of their calls that spanned one. */
  async figures(loops: readonly LoopResult[]): Promise<GcFigures> {
    await new Promise((resolve) => setTimeout(resolve, 50)); // entries arrive asynchronously
    this.observer.disconnect();
    const spans = loops.map((l) => {
      let from = Infinity;
      let to = -Infinity;
      for (let i = 0; i < l.count; i++) {
        from = Math.min(from, l.starts[i]!);
        to = Math.max(to, l.starts[i]! + l.latencies[i]!);
      }
      return [from, to] as const;
    });
    const pauses = this.pauses.filter(([a, b]) => spans.some(([from, to]) => a < to && b > from)).sort((x, y) => x[0] - y[0]);
    let held = 0;
    let total = 0;
    const others: number[] = [];
    for (const l of loops) {
      for (let i = 0; i < l.count; i++) {
        const start = l.starts[i]!;
        const end = start + l.latencies[i]!;
        total++;
        // Pauses are sorted and few: a linear scan is fine.
        if (pauses.some(([a, b]) => a < end && b > start)) held++;
        else others.push(l.latencies[i]!);
      }
    }
    const durations = Float64Array.from(pauses.map(([a, b]) => b - a));
    return {
      pauses: pauses.length,
      pauseP50Ms: percentile(durations, 0.5),
      pauseMaxMs: durations.length === 0 ? NaN : Math.max(...durations),
      heldShare: total === 0 ? 0 : held / total,
      othersP99Ms: percentile(Float64Array.from(others), 0.99),
    };
  }
}

/** Ballots of fans `${fans}${i}` for i in [0, count): single choice, options in turn. */
function castBallots(engine: Engine, options: readonly string[], fans: string, count: number): Promise<LoopResult> {
  return closedLoop(engine, count, IN_FLIGHT, (i) => [
    { type: 'vote', campaignId: VOTE.id, categoryId: 'vote', choice: [options[i % options.length]!] },
    { platform: 'telegram', userId: `${fans}${i}`, displayName: `fan ${i}` },
  ]);
}

function percentile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return all;
}

// ----------------------------------------------------------------------------- CPU accounting

/** Clock ticks per second of /proc (USER_HZ: 100 on every Linux that matters). */
const TICKS = 100;

/** CPU seconds (user + system) the machine spent busy, from /proc/stat; NaN without /proc. */
function machineBusySeconds(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields; // not idle, iowait, steal
    return (user + nice + system + irq + softirq) / TICKS;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) process `pid` has used so far; NaN when it cannot be read. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

/**
 * Takes the CPU used by the machine and by each of our processes around a segment, so that
 * the CPU of everything else (other processes on a shared machine) can be told apart.
 */
class CpuMeter {
  constructor(private readonly pids: () => readonly number[]) {}

  async around<T>(run: () => Promise<{ value: T; count: number; extraCpu?: number }>): Promise<{ value: T; segment: Segment; cpu: Map<number, number> }> {
    const pids = this.pids();
    const before = pids.map(processCpuSeconds);
    const busy = machineBusySeconds();
    const t = performance.now();
    const { value, count, extraCpu = 0 } = await run();
    const seconds = (performance.now() - t) / 1000;
    const busyDelta = machineBusySeconds() - busy;
    const cpu = new Map(pids.map((pid, i) => [pid, processCpuSeconds(pid) - before[i]!]));
    let ours = extraCpu;
    for (const used of cpu.values()) ours += Number.isNaN(used) ? 0 : used;
    const otherCores = Math.max(0, (busyDelta - ours) / seconds);
    return { value, segment: { count, seconds, perSec: count / seconds, otherCores }, cpu };
  }
}

// ----------------------------------------------------------------------------- Redis helpers

function infoField(info: string, field: string): string {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  if (!match) throw new Error(`INFO has no ${field}`);
  return match[1]!.trim();
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(infoField(await redis.info('memory'), 'used_memory'));
}

/** Calls and µs of EVALSHA since the last CONFIG RESETSTAT, from INFO commandstats. */
async function evalshaStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const match = /^cmdstat_evalsha:calls=(\d+),usec=(\d+)/m.exec(await redis.info('commandstats'));
  return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
}

/**
 * The ballot script as redis-benchmark can drive it: cast-ballot's own text (includes
 * resolved), except that the fan's bucket is computed in Lua from the voter key's number
 * (the store computes it in Node, FNV-1a modulo the same BALLOT_BUCKETS) — redis-benchmark
 * can put a new random number in an argument but cannot hash it into a key name.
 * KEYS[3] is the bucket key prefix.
 */
export function rawBallotScript(): string {
  const script = luaScripts().get('castBallot');
  if (!script) throw new Error('no castBallot script');
  const body = script.lua.replace(/KEYS\[3\]/g, 'bucket');
  return `local bucket = KEYS[3] .. (tonumber(string.sub(ARGV[3], -12)) % ${BALLOT_BUCKETS})\n${body}`;
}

/**
 * Runs redis-benchmark with `args`; answers its requests per second (from --csv) and the CPU
 * seconds it used (sampled from /proc every 50 ms while it runs: it is gone once it exits).
 */
function redisBenchmark(args: readonly string[]): Promise<{ perSec: number; cpu: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let cpu = 0;
    const sampler = setInterval(() => {
      const used = child.pid === undefined ? NaN : processCpuSeconds(child.pid);
      if (!Number.isNaN(used)) cpu = used;
    }, 50);
    child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearInterval(sampler);
      reject(error.code === 'ENOENT' ? new Error('redis-benchmark is not on the PATH (apt-get install redis-tools)') : error);
    });
    child.once('close', (code) => {
      clearInterval(sampler);
      // --csv: a header line, then "<command>","<rps>",…
      const row = out.trim().split('\n').find((line) => !line.startsWith('"test"'));
      const perSec = Number(row?.split('","')[1]);
      if (code !== 0 || !Number.isFinite(perSec) || perSec <= 0) reject(new Error(`redis-benchmark failed (code ${code}):\n${out}${err}`));
      else resolve({ perSec, cpu });
    });
  });
}

// ----------------------------------------------------------------------------- the child process

interface ChildStart {
  readonly type: 'start';
  readonly url: string;
  readonly fans: string;
  readonly warm: number;
  readonly count: number;
}

type ToParent =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly count: number; readonly ms: number }
  | { readonly type: 'error'; readonly message: string };

/**
 * The second process: the same engine on its own connection, casting `count` ballots of its
 * own fans, 100 in flight, on the parent's 'go'. It warms up (JIT) with `warm` ballots first.
 */
async function childMain(): Promise<void> {
  const send = (message: ToParent): void => void process.send?.(message);
  const orphaned = (): never => process.exit(1); // the parent is gone
  process.on('disconnect', orphaned);
  const start = await new Promise<ChildStart>((resolve) => process.once('message', (m) => resolve(m as ChildStart)));
  let runtime: Runtime | undefined;
  try {
    runtime = await redisRuntime({ campaigns: [VOTE], clock: new VirtualClock(NOW), url: start.url, scheduler: 'memory', drainMs: 100 });
    await runtime.engine.start();
    const options = (await runtime.store.getShortlist(VOTE.id, 'vote')).map((p) => p.id);
    await castBallots(runtime.engine, options, `${start.fans}w`, start.warm);
    const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
    send({ type: 'ready' });
    await go;
    const result = await castBallots(runtime.engine, options, start.fans, start.count);
    send({ type: 'done', count: result.count, ms: result.ms });
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
  } finally {
    await runtime?.close();
    process.off('disconnect', orphaned);
    process.disconnect?.();
  }
}

/** Forks the child, hands it its work, and resolves once it has warmed up. */
async function startChild(start: ChildStart, started: (child: ChildProcess) => void): Promise<{ child: ChildProcess; go(): Promise<{ count: number; ms: number }> }> {
  const child = fork(__filename, [], { env: { ...process.env, [CHILD_ENV]: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  started(child);
  const messages: ToParent[] = [];
  const waiters: (() => void)[] = [];
  let exited = false;
  child.on('message', (m) => {
    messages.push(m as ToParent);
    waiters.splice(0).forEach((w) => w());
  });
  child.once('exit', () => {
    exited = true;
    waiters.splice(0).forEach((w) => w());
  });
  const next = async <T extends ToParent['type']>(type: T): Promise<Extract<ToParent, { type: T }>> => {
    for (;;) {
      const i = messages.findIndex((m) => m.type === type || m.type === 'error');
      if (i >= 0) {
        const m = messages.splice(i, 1)[0]!;
        if (m.type === 'error') throw new Error(`bench child process: ${m.message}`);
        return m as Extract<ToParent, { type: T }>;
      }
      if (exited) throw new Error(`bench child process exited (code ${child.exitCode}) before '${type}'`);
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  child.send(start);
  await next('ready');
  return {
    child,
    go: async () => {
      child.send({ type: 'go' });
      return next('done');
    },
  };
}

/** Waits for the child's exit (`graceful`: it is finishing on its own) or kills it; SIGKILL after 10 s. */
async function stopChild(child: ChildProcess | undefined, graceful = false): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  if (!graceful) child.kill('SIGTERM');
  await exited;
  clearTimeout(timer);
}

// ----------------------------------------------------------------------------- the bench

interface Servers {
  /** The engine's Redis. */
  readonly main: RedisServer;
  /** redis-benchmark's Redis. */
  readonly raw: RedisServer;
}

/**
 * Runs every Redis figure against private redis-servers (started here, stopped here, also on
 * error and on SIGINT/SIGTERM). Resolves with the figures; throws when a figure could not be
 * taken (a refused ballot, a wrong count at reveal), never because a target is missed.
 */
export async function benchRedis(options: RedisBenchOptions): Promise<RedisFigures> {
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  if (!Number.isInteger(options.ballots) || options.ballots < 1_000) throw new Error('--ballots must be an integer of at least 1000');
  const started: RedisServer[] = [];
  let child: ChildProcess | undefined;
  const stopAll = async (): Promise<void> => {
    await stopChild(child);
    await Promise.all(started.map((server) => server.stop()));
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const main = await startRedisServer();
    started.push(main);
    const raw = await startRedisServer();
    started.push(raw);
    return await benchOn({ main, raw }, options.ballots, log, (c) => void (child = c));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopAll();
  }
}

async function benchOn(servers: Servers, ballots: number, log: (line: string) => void, setChild: (child: ChildProcess) => void): Promise<RedisFigures> {
  const admin = await createRedisConnection(servers.main.url, { commandTimeout: 60_000 });
  const rawAdmin = await createRedisConnection(servers.raw.url, { commandTimeout: 60_000 });
  const errors: unknown[] = [];
  const onError = (error: unknown, context: string): void => {
    if (errors.push(error) <= 3) log(`bench: ${context}: ${error instanceof Error ? error.message : String(error)}`);
  };
  let runtime: Runtime | undefined;
  let child: ChildProcess | undefined;
  const meter = new CpuMeter(() => [process.pid, servers.main.pid, servers.raw.pid, ...(child?.pid === undefined ? [] : [child.pid])]);
  try {
    const redisVersion = infoField(await admin.info('server'), 'redis_version');
    const [, hz] = (await admin.config('GET', 'hz')) as [string, string];
    const [, listpack] = (await admin.config('GET', 'hash-max-listpack-entries')) as [string, string];
    const redisConfig = `hz ${hz}, hash-max-listpack-entries ${listpack}, ${infoField(await admin.info('memory'), 'mem_allocator')}`;
    log(`bench: Redis ${redisVersion}: the engine's on ${servers.main.url} (pid ${servers.main.pid}), redis-benchmark's on ${servers.raw.url} (pid ${servers.raw.pid})`);

    // --- the raw campaign, set up by the engine itself on the raw server; its script loaded.
    const rawSetup = await redisRuntime({ campaigns: [RAW], clock: new VirtualClock(NOW), url: servers.raw.url, scheduler: 'memory', drainMs: 100, onError });
    await rawSetup.engine.start();
    const rawOption = (await rawSetup.store.getShortlist(RAW.id, 'vote')).map((p) => p.id)[3]!;
    await rawSetup.close();
    const sha = (await rawAdmin.script('LOAD', rawBallotScript())) as string;
    const rk = new CampaignKeys(DEFAULT_PREFIX, RAW.id);
    const rawArgs = [
      'EVALSHA', sha, '5',
      rk.key('cat', 'vote', 'state'), rk.key('cat', 'vote', 'shortlist'), rk.key('cat', 'vote', 'ballots', ''), rk.key('cat', 'vote', 'tally'), rk.key('meta'),
      'vote', String(NOW), 'telegram:__rand_int__', '0', '1', rawOption,
    ];
    let rawCalls = 0;
    /** A raw segment: `calls` EVALSHA by redis-benchmark (each a new voter). */
    const rawSegment = async (calls: number) => {
      const { value, segment, cpu } = await meter.around(async () => {
        const run = await redisBenchmark([
          '-h', '127.0.0.1', '-p', String(servers.raw.port), '-c', String(RAW_CLIENTS), '-P', String(RAW_PIPELINE),
          '-n', String(calls), '-r', '2147483647', '--csv', ...rawArgs,
        ]);
        return { value: run, count: calls, extraCpu: run.cpu };
      });
      rawCalls += calls;
      return { segment, cpu, clientCpu: value.cpu };
    };

    // --- the engine's runtime on the main server.
    runtime = await redisRuntime({ campaigns: [VOTE, PROPOSE], clock: new VirtualClock(NOW), url: servers.main.url, scheduler: 'memory', drainMs: 100, onError });
    const { engine, store } = runtime;
    await engine.start();
    const options = (await store.getShortlist(VOTE.id, 'vote')).map((p) => p.id);

    const warm = Math.min(5_000, Math.floor(ballots / 50));
    const one = Math.floor(ballots * 0.3);
    const two = ballots - 2 * warm - one;
    const mineCount = Math.floor(two / 2);
    const childCount = two - mineCount;

    // --- warm-ups (JIT, connections), counted as ballots; the memory baseline before them.
    global.gc?.();
    const memoryBefore = await usedMemory(admin);
    log(`bench: warming up (${warm.toLocaleString('en')} ballots, ${warm.toLocaleString('en')} raw calls)…`);
    await castBallots(engine, options, 'w', warm);
    await rawSegment(warm);

    // --- one process, in rounds: a raw segment, then as many ballots through the engine.
    log(`bench: ${one.toLocaleString('en')} ballots through the engine, 1 process, ${IN_FLIGHT} in flight, in ${ROUNDS} rounds after as many raw calls…`);
    await admin.config('RESETSTAT');
    await rawAdmin.config('RESETSTAT');
    const rounds: { engine: Segment; raw: Segment }[] = [];
    const latencies: Float64Array[] = [];
    const loops: LoopResult[] = [];
    const gcPauses = new GcPauses();
    let nodeCpu = 0;
    let redisCpu = 0;
    let rawRedisCpu = 0;
    let rawClientCpu = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const count = r < ROUNDS - 1 ? Math.floor(one / ROUNDS) : one - (ROUNDS - 1) * Math.floor(one / ROUNDS);
      const raw = await rawSegment(count);
      rawRedisCpu += raw.cpu.get(servers.raw.pid) ?? NaN;
      const measured = await meter.around(async () => {
        const result = await castBallots(engine, options, `a${r}_`, count);
        return { value: result, count };
      });
      rounds.push({ engine: measured.segment, raw: raw.segment });
      latencies.push(measured.value.latencies);
      loops.push(measured.value);
      nodeCpu += measured.cpu.get(process.pid) ?? NaN;
      redisCpu += measured.cpu.get(servers.main.pid) ?? NaN;
      rawClientCpu += raw.clientCpu;
    }
    const script = await evalshaStats(admin);
    const rawScript = await evalshaStats(rawAdmin);
    const oneLatencies = concat(latencies);
    const gc = await gcPauses.figures(loops);

    // --- two processes: a raw segment, then this process and a child at once.
    log(`bench: ${two.toLocaleString('en')} ballots, 2 processes, ${IN_FLIGHT} in flight each, after as many raw calls…`);
    const raw2 = await rawSegment(two);
    const second = await startChild({ type: 'start', url: servers.main.url, fans: 'c', warm, count: childCount }, (c) => {
      child = c;
      setChild(c);
    });
    const both = await meter.around(async () => {
      const [mine, theirs] = await Promise.all([castBallots(engine, options, 'b', mineCount), second.go()]);
      return { value: { mine, theirs }, count: two };
    });
    await stopChild(second.child, true);
    const { mine, theirs } = both.value;

    // --- memory at `ballots` ballots.
    const counted = Number(await admin.hget(new CampaignKeys(DEFAULT_PREFIX, VOTE.id).key('cat', 'vote', 'state'), 'ballots'));
    if (counted !== ballots) throw new Error(`the store counts ${counted} ballots, ${ballots} were acknowledged`);
    const memoryAfter = await usedMemory(admin);
    const memory = await keysMemory(admin);
    const rawCounted = Number(await rawAdmin.hget(rk.key('cat', 'vote', 'state'), 'ballots'));
    if (rawCounted < rawCalls * 0.99) throw new Error(`redis-benchmark's ballots were not counted (${rawCounted} of ${rawCalls}): the raw script is not doing the work`);

    // --- reveal: a manager closes the vote; the engine counts from the tally and publishes.
    log('bench: reveal…');
    const t = performance.now();
    const revealed = await engine.execute({ type: 'advance', campaignId: VOTE.id, categoryId: 'vote', from: 'vote' }, SYSTEM_ACTOR);
    const revealMs = performance.now() - t;
    if (!revealed.ok) throw new Error(`reveal refused: ${revealed.code}`);
    const results = await store.getResults(VOTE.id, 'vote');
    if (results?.ballots !== ballots) throw new Error(`reveal counted ${results?.ballots} ballots, expected ${ballots}`);

    // --- proposals.
    log(`bench: ${PROPOSALS.toLocaleString('en')} proposals…`);
    const proposals = await closedLoop(engine, PROPOSALS, IN_FLIGHT, (i) => [
      { type: 'propose', campaignId: PROPOSE.id, categoryId: 'ideas', text: `Idea number ${i}: a name for the mascot` },
      { platform: 'telegram', userId: `p${i}`, displayName: `fan ${i}` },
    ]);
    await runtime.close();
    runtime = undefined;

    // --- lateness with the BullMQ scheduler, on the wall clock.
    log(`bench: ${LATENESS_JOBS} phase transitions due within ${LATENESS_SPREAD_MS / 1000} s (BullMQ)…`);
    const lateness = await measureLateness(servers.main.url, onError);

    if (errors.length > 0) throw new Error(`${errors.length} errors while benchmarking (first: ${String(errors[0])})`);
    const sum = (segments: readonly Segment[]): Segment => {
      const count = segments.reduce((n, s) => n + s.count, 0);
      const seconds = segments.reduce((n, s) => n + s.seconds, 0);
      const otherCores = segments.reduce((n, s) => n + s.otherCores * s.seconds, 0) / seconds;
      return { count, seconds, perSec: count / seconds, otherCores };
    };
    const minePerSec = mine.count / (mine.ms / 1000);
    const theirsPerSec = theirs.count / (theirs.ms / 1000);
    return {
      redisVersion,
      redisConfig,
      ballots,
      oneProcess: {
        rounds,
        engine: sum(rounds.map((r) => r.engine)),
        raw: sum(rounds.map((r) => r.raw)),
        p50Ms: percentile(oneLatencies, 0.5),
        p99Ms: percentile(oneLatencies, 0.99),
        gc,
        nodeUs: (nodeCpu * 1e6) / one,
        redisUs: (redisCpu * 1e6) / one,
        scriptUs: script.usec / one,
        evalshaPerBallot: script.calls / one,
        rawRedisUs: (rawRedisCpu * 1e6) / one,
        rawScriptUs: rawScript.usec / one,
        rawClientUs: (rawClientCpu * 1e6) / one,
      },
      twoProcesses: {
        ballots: two,
        perSec: [minePerSec, theirsPerSec],
        sumPerSec: minePerSec + theirsPerSec,
        wallPerSec: both.segment.perSec,
        otherCores: both.segment.otherCores,
        raw: raw2.segment,
        p50Ms: percentile(mine.latencies, 0.5),
        p99Ms: percentile(mine.latencies, 0.99),
      },
      rawCommand: `redis-benchmark -c ${RAW_CLIENTS} -P ${RAW_PIPELINE} -n <calls> -r 2147483647 EVALSHA <sha> 5 <state> <shortlist> <bucket prefix> <tally> <meta> vote <now> telegram:__rand_int__ 0 1 <option>`,
      memory: { usedDelta: (memoryAfter - memoryBefore) / ballots, keysBytes: memory.bytes / ballots, buckets: memory.buckets, encodings: memory.encodings },
      revealMs,
      proposals: { count: proposals.count, perSec: proposals.count / (proposals.ms / 1000), p50Ms: percentile(proposals.latencies, 0.5), p99Ms: percentile(proposals.latencies, 0.99) },
      lateness,
    };
  } finally {
    await runtime?.close();
    admin.disconnect();
    rawAdmin.disconnect();
  }
}

/** MEMORY USAGE (exact) of the vote category's ballot buckets, tally and state, and the buckets' encodings. */
async function keysMemory(admin: Redis): Promise<{ bytes: number; buckets: number; encodings: string }> {
  const k = new CampaignKeys(DEFAULT_PREFIX, VOTE.id);
  const keys = [k.key('cat', 'vote', 'tally'), k.key('cat', 'vote', 'state')];
  for (let n = 0; n < BALLOT_BUCKETS; n++) keys.push(k.key('cat', 'vote', 'ballots', String(n)));
  const pipeline = admin.pipeline();
  for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0').object('ENCODING', key);
  const replies = (await pipeline.exec()) ?? [];
  let bytes = 0;
  let buckets = 0;
  const encodings = new Map<string, number>();
  keys.forEach((key, i) => {
    const usage = replies[2 * i]?.[1];
    const encoding = replies[2 * i + 1]?.[1];
    if (typeof usage !== 'number') return;
    bytes += usage;
    if (key.includes(':ballots:')) {
      buckets++;
      encodings.set(String(encoding), (encodings.get(String(encoding)) ?? 0) + 1);
    }
  });
  return { bytes, buckets, encodings: [...encodings].map(([e, n]) => `${n} ${e}`).join(', ') };
}

/**
 * 200 categories whose vote closes at deadlines spread over 3 s of wall-clock time, starting
 * 5 s from now (the engine schedules them in the meantime). The lateness of each is the time
 * the vote → reveal transition was confirmed by Redis minus its deadline.
 */
async function measureLateness(url: string, onError: (error: unknown, context: string) => void): Promise<RedisFigures['lateness']> {
  const first = Date.now() + 5_000;
  const deadlines = Array.from({ length: LATENESS_JOBS }, (_, i) => Math.round(first + (i * LATENESS_SPREAD_MS) / LATENESS_JOBS));
  const campaign = latenessCampaign('bench-late', deadlines);
  const runtime = await redisRuntime({ campaigns: [campaign], clock: new SystemClock(), url, prefix: 'late:', drainMs: 100, onError });
  try {
    const lateness = new Map<string, number>();
    let resolveAll!: () => void;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    const store = runtime.store;
    const transition = store.transition.bind(store);
    store.transition = async (req: TransitionRequest): Promise<boolean> => {
      const applied = await transition(req);
      if (applied && req.to === 'reveal') {
        lateness.set(req.categoryId, Date.now() - deadlines[Number(req.categoryId.slice(1))]!);
        if (lateness.size === LATENESS_JOBS) resolveAll();
      }
      return applied;
    };
    await runtime.engine.start();
    const startedLate = Date.now() - first;
    if (startedLate > 0) throw new Error(`the engine took ${startedLate} ms too long to schedule the lateness jobs`);
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, deadlines.at(-1)! - Date.now() + 20_000).unref());
    await Promise.race([all, timeout]);
    if (lateness.size !== LATENESS_JOBS) throw new Error(`only ${lateness.size} of ${LATENESS_JOBS} transitions happened within 20 s of their deadline`);
    const values = Float64Array.from(lateness.values());
    return { jobs: LATENESS_JOBS, p50Ms: percentile(values, 0.5), p99Ms: percentile(values, 0.99), maxMs: Math.max(...values) };
  } finally {
    await runtime.close();
  }
}

// ----------------------------------------------------------------------------- the section

const int = (n: number): string => Math.round(n).toLocaleString('en');
const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 1)} ms`;
const pct = (n: number): string => `${(n * 100).toFixed(0)} %`;
const cores = (n: number): string => (Number.isNaN(n) ? 'n/a' : n.toFixed(2));
const mark = (met: boolean): string => (met ? 'met' : '**not met**');

/**
 * What the CPU costs per ballot allow on 2 free cores: each side is bounded by its busiest
 * single thread (Node's event loop, redis-server's main thread) and by 2 cores in all.
 */
function cpuBound(o: RedisFigures['oneProcess']): { engine: number; engineBy: string; raw: number; rawBy: string } {
  const lowest = (bounds: readonly [number, string][]): [number, string] => bounds.reduce((a, b) => (b[0] < a[0] ? b : a));
  const [engine, engineBy] = lowest([[1e6 / o.nodeUs, "Node's thread"], [1e6 / o.redisUs, "redis-server's thread"], [2e6 / (o.nodeUs + o.redisUs), 'the 2 cores']]);
  const [raw, rawBy] = lowest([[1e6 / o.rawRedisUs, "redis-server's thread"], [2e6 / (o.rawRedisUs + o.rawClientUs), 'the 2 cores']]);
  return { engine, engineBy, raw, rawBy };
}

/** The BENCHMARKS.md section (between `<!-- bench:redis -->` markers) for `figures`. */
export function redisSection(f: RedisFigures, context: { machine: string; command: string; date: string }): string {
  const o = f.oneProcess;
  const t = f.twoProcesses;
  const ratio1 = o.engine.perSec / o.raw.perSec;
  const ratio2 = t.sumPerSec / t.raw.perSec;
  const roundRatios = o.rounds.map((r) => pct(r.engine.perSec / r.raw.perSec)).join(', ');
  const bound = cpuBound(o);
  return [
    '<!-- bench:redis -->',
    '## Engine on the Redis store',
    '',
    `- machine: ${context.machine}`,
    `- Redis: ${f.redisVersion}, private \`redis-server\`s the bench starts on free ports (\`--save "" --appendonly no\`, ${f.redisConfig}) and stops`,
    `- command: \`${context.command}\``,
    `- date: ${context.date}`,
    '',
    '| figure | value | target | |',
    '| --- | ---: | --- | --- |',
    `| ballots/s through \`Engine.execute\`, 1 process, ${IN_FLIGHT} in flight (${int(o.engine.count)} ballots in ${o.rounds.length} rounds) | ${int(o.engine.perSec)} | | |`,
    `| raw \`redis-benchmark\` EVALSHA of the same script, same number of calls, each right before its round | ${int(o.raw.perSec)} | | |`,
    `| engine / raw, 1 process (rounds: ${roundRatios}) | ${pct(ratio1)} | ≥ ${pct(TARGETS.ratio)} | ${mark(ratio1 >= TARGETS.ratio)} |`,
    `| ballots/s, 2 processes, ${IN_FLIGHT} in flight each (${int(t.ballots)} ballots; ${int(t.perSec[0])} + ${int(t.perSec[1])}) | ${int(t.sumPerSec)} | | |`,
    `| raw \`redis-benchmark\`, same number of calls, right before | ${int(t.raw.perSec)} | | |`,
    `| engine / raw, 2 processes | ${pct(ratio2)} | ≥ ${pct(TARGETS.ratio)} | ${mark(ratio2 >= TARGETS.ratio)} |`,
    `| latency per ballot, ${IN_FLIGHT} in flight, 1 process: p50 / p99 | ${ms(o.p50Ms)} / ${ms(o.p99Ms)} | p99 < ${TARGETS.p99Ms} ms | ${mark(o.p99Ms < TARGETS.p99Ms)} |`,
    `| of which ballots held by one of Node's ${o.gc.pauses} garbage-collection pauses (p50 ${ms(o.gc.pauseP50Ms)}, max ${ms(o.gc.pauseMaxMs)}); p99 of the others | ${(o.gc.heldShare * 100).toFixed(1)} %; ${ms(o.gc.othersP99Ms)} | | |`,
    `| latency per ballot, ${IN_FLIGHT} in flight, while 2 processes vote: p50 / p99 | ${ms(t.p50Ms)} / ${ms(t.p99Ms)} | | |`,
    `| Redis memory per ballot at ${int(f.ballots)} ballots (INFO used_memory delta) | ${f.memory.usedDelta.toFixed(1)} B | ≤ ${TARGETS.bytesPerBallot} B | ${mark(f.memory.usedDelta <= TARGETS.bytesPerBallot)} |`,
    `| same, MEMORY USAGE of the category's ${int(f.memory.buckets)} ballot hashes (${f.memory.encodings}) + tally + state | ${f.memory.keysBytes.toFixed(1)} B | | |`,
    `| reveal at ${int(f.ballots)} ballots (close the vote, count from the tally, publish) | ${ms(f.revealMs)} | | |`,
    `| proposals/s through \`Engine.execute\`, ${IN_FLIGHT} in flight (${int(f.proposals.count)}; p50 / p99 ${ms(f.proposals.p50Ms)} / ${ms(f.proposals.p99Ms)}) | ${int(f.proposals.perSec)} | | |`,
    `| phase-transition lateness, BullMQ scheduler, ${f.lateness.jobs} transitions due within ${LATENESS_SPREAD_MS / 1000} s: p50 / p99 (max) | ${ms(f.lateness.p50Ms)} / ${ms(f.lateness.p99Ms)} (${ms(f.lateness.maxMs)}) | p99 < ${TARGETS.latenessP99Ms} ms | ${mark(f.lateness.p99Ms < TARGETS.latenessP99Ms)} |`,
    '',
    `CPU per ballot, 1 process at ${IN_FLIGHT} in flight: Node ${o.nodeUs.toFixed(1)} µs, the engine's redis-server ${o.redisUs.toFixed(1)} µs`,
    `(${o.evalshaPerBallot.toFixed(2)} EVALSHA per ballot; commandstats: ${o.scriptUs.toFixed(1)} µs of wall time inside the script, preemptions included);`,
    `raw: redis-server ${o.rawRedisUs.toFixed(1)} µs per call (commandstats ${o.rawScriptUs.toFixed(1)} µs), redis-benchmark ${o.rawClientUs.toFixed(1)} µs per call.`,
    `On 2 otherwise idle cores these costs would allow at most about ${int(bound.engine)} ballots/s for the engine (bound by ${bound.engineBy})`,
    `and ${int(bound.raw)} calls/s raw (bound by ${bound.rawBy}): ${pct(bound.engine / bound.raw)} at best.`,
    `Other processes on this shared machine kept ${cores(o.engine.otherCores)} of its cores busy on average during the engine rounds,`,
    `${cores(o.raw.otherCores)} during the raw ones, ${cores(t.otherCores)} while 2 processes voted (from /proc/stat, minus the bench's own`,
    'processes): rates move with that, and the engine, which needs two busy threads, loses more than the raw run.',
    '',
    'Each ballot goes through `Engine.execute` (permission check, ballot shape, the store\'s gated',
    'one-ballot-per-fan cast with its incremental tally) and counts once Redis has answered it; a',
    'new voter each time (single choice among 10, no change allowed). The raw figure runs',
    '`src/stores/redis/lua/cast-ballot-5.lua` itself (includes resolved; the fan\'s bucket computed in',
    'Lua from the voter number instead of in Node) on a second private server, in segments of as',
    'many calls as the engine segment they are compared with, so both fill their ballot hashes',
    `alike: \`${f.rawCommand}\`.`,
    'Memory is measured on the engine\'s server after all ballots against a baseline taken before the',
    'first; the two-process figure adds each process\'s rate over its own window. Lateness: the time',
    'the vote → reveal compare-and-set was confirmed minus its deadline, BullMQ delayed jobs on the',
    'wall clock. Figures, not assertions: targets are marked, never enforced.',
    '<!-- /bench:redis -->',
  ].join('\n');
}

if (process.env[CHILD_ENV] === '1') {
  void childMain();
}
