/**
 * The durability section of `npm run bench` (`--only durability`): what each ack mode costs,
 * in one run. Figures, not tests.
 *
 * For each COCREATE_ACK mode, a private topology this script starts on free ports of 127.0.0.1
 * and stops by pid (also on error):
 * - `redis`: one `redis-server` without persistence (Redis's reply is the acknowledgement);
 * - `aof`: one `redis-server --appendonly yes --appendfsync always` (Redis 7.0 has no WAITAOF:
 *   its reply follows the fsync; from 7.2 the store waits with WAITAOF 1 0 instead);
 * - `replica`: a master without persistence and one replica (the store sends WAIT 1 <timeout>
 *   once per group of batches).
 * Ballots go through `Engine.execute` (100 in flight, a new fan each, single choice) and count
 * once the engine answered them; the modes take turns, ROUNDS times, so that a busy moment of a
 * shared machine does not fall on one mode only. Printed: ballots/s, p50/p99 per ballot, and the
 * WAITs per ballot (commandstats) for `replica`.
 */
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { redisRuntime, type Runtime } from '../src/cli/runtime';
import { VirtualClock } from '../src/clock/virtual-clock';
import type { CampaignSpec } from '../src/model/campaign';
import type { AckMode } from '../src/model/durability';
import { createRedisConnection } from '../src/stores/redis/connection';
import { startRedisServer, type RedisServer } from '../test/helpers/redis-servers';

const HOUR = 3_600_000;
const T0 = Date.UTC(2030, 0, 1);
const IN_FLIGHT = 100;
const ROUNDS = 3;
const MODES: readonly AckMode[] = ['redis', 'aof', 'replica'];

const SPEC: CampaignSpec = {
  id: 'bench-ack', title: 'Bench', locale: 'en', channels: { discord: [], telegram: [] },
  roles: { curators: { discord: [], telegram: [] }, managers: { discord: [], telegram: [] } },
  categories: [{
    id: 'vote', title: 'Vote', options: Array.from({ length: 10 }, (_, i) => `Option ${i}`),
    phases: [{ phase: 'vote', start: T0, end: T0 + 24 * HOUR }], revealAt: T0 + 24 * HOUR,
    proposals: { minLength: 1, maxLength: 100, perFan: 1 }, shortlist: { by: 'curators', size: 10 },
    vote: { method: 'single', allowChange: false }, reveal: { winners: 1, tieBreak: 'earliest' },
  }],
};

export interface AckFigures {
  readonly ack: AckMode;
  readonly ballots: number;
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** WAIT (or WAITAOF) calls per ballot on the master. */
  readonly waitsPerBallot: number;
}

export interface DurabilityFigures {
  readonly redisVersion: string;
  /** The filesystem the AOF was fsynced on (fsync costs differ widely). */
  readonly aofFilesystem: string;
  readonly modes: readonly AckFigures[];
}

interface Topology {
  readonly ack: AckMode;
  readonly master: RedisServer;
  readonly servers: readonly RedisServer[];
  readonly runtime: Runtime;
  readonly options: readonly string[];
  latencies: number[];
  ballots: number;
  ms: number;
  nextFan: number;
}

async function info(server: RedisServer, section: string): Promise<string> {
  const redis = await createRedisConnection(server.url);
  try {
    return String(await redis.call('INFO', section));
  } finally {
    redis.disconnect();
  }
}

async function waitCalls(server: RedisServer): Promise<number> {
  const text = await info(server, 'commandstats');
  return ['wait', 'waitaof'].reduce((n, c) => n + Number(new RegExp(`^cmdstat_${c}:calls=(\\d+)`, 'm').exec(text)?.[1] ?? 0), 0);
}

async function topology(ack: AckMode): Promise<Topology> {
  const servers: RedisServer[] = [];
  try {
    const master = await startRedisServer({ args: ack === 'aof' ? ['--appendonly', 'yes', '--appendfsync', 'always'] : [] });
    servers.push(master);
    if (ack === 'replica') {
      servers.push(await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(master.port)] }));
      for (const deadline = Date.now() + 20_000; !/^slave0:.*state=online/m.test(await info(master, 'replication'));) {
        if (Date.now() > deadline) throw new Error('the replica did not come online');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    const runtime = await redisRuntime({ campaigns: [SPEC], clock: new VirtualClock(T0 + HOUR), url: master.url, prefix: 'bench:', scheduler: 'memory', drainMs: 0, ack });
    await runtime.engine.start();
    const options = (await runtime.store.getShortlist(SPEC.id, 'vote')).map((p) => p.id);
    return { ack, master, servers, runtime, options, latencies: [], ballots: 0, ms: 0, nextFan: 0 };
  } catch (error) {
    await Promise.all(servers.map((s) => s.stop()));
    throw error;
  }
}

/** `count` ballots of new fans, IN_FLIGHT at a time (a closed loop). */
async function castBallots(t: Topology, count: number): Promise<void> {
  let issued = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (issued < count) {
      issued++;
      const fan = t.nextFan++;
      const sent = performance.now();
      const result = await t.runtime.engine.execute(
        { type: 'vote', campaignId: SPEC.id, categoryId: 'vote', choice: [t.options[fan % t.options.length]!] },
        { platform: 'telegram', userId: `f${fan}`, displayName: 'fan' },
      );
      if (!result.ok) throw new Error(`${t.ack}: ballot refused: ${result.code}`);
      t.latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  t.ms += performance.now() - started;
  t.ballots += count;
}

function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

/** Runs every mode, `ballots` each (in ROUNDS turns), on private servers it stops afterwards. */
export async function benchDurability(options: { ballots: number; log?: (line: string) => void }): Promise<DurabilityFigures> {
  const log = options.log ?? ((line: string) => process.stderr.write(`bench durability: ${line}\n`));
  const topologies: Topology[] = [];
  try {
    for (const ack of MODES) topologies.push(await topology(ack));
    // A warm-up, not measured.
    for (const t of topologies) await castBallots(t, Math.min(2_000, options.ballots));
    for (const t of topologies) { t.latencies = []; t.ballots = 0; t.ms = 0; }
    const warmWaits = await Promise.all(topologies.map((t) => waitCalls(t.master)));
    const perRound = Math.ceil(options.ballots / ROUNDS);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const t of topologies) {
        await castBallots(t, perRound);
        log(`round ${round}/${ROUNDS}: ${t.ack} ${t.ballots} ballots`);
      }
    }
    const waitsAfter = await Promise.all(topologies.map((t) => waitCalls(t.master)));
    const redisVersion = /^redis_version:(.*)$/m.exec(await info(topologies[0]!.master, 'server'))?.[1]?.trim() ?? '?';
    let aofFilesystem = '?';
    try {
      aofFilesystem = execFileSync('stat', ['-f', '-c', '%T', '/tmp'], { encoding: 'utf8' }).trim();
    } catch {
      // no stat(1): left unknown
    }
    return {
      redisVersion,
      aofFilesystem,
      modes: topologies.map((t, i) => ({
        ack: t.ack, ballots: t.ballots, perSec: t.ballots / (t.ms / 1000),
        p50Ms: percentile(t.latencies, 0.5), p99Ms: percentile(t.latencies, 0.99),
        waitsPerBallot: (waitsAfter[i]! - warmWaits[i]!) / t.ballots,
      })),
    };
  } finally {
    for (const t of topologies) await t.runtime.close().catch(() => undefined);
    await Promise.all(topologies.flatMap((t) => t.servers.map((s) => s.stop())));
  }
}

const MEANING: Record<AckMode, string> = {
  redis: 'Redis answered (memory; no persistence on this server)',
  aof: 'fsynced to the AOF (`appendfsync always`: the reply follows the fsync)',
  replica: 'a replica has it (`WAIT 1 500` per group of batches)',
};

/** The section of BENCHMARKS.md. */
export function durabilitySection(f: DurabilityFigures, context: { machine: string; command: string; date: string }): string {
  const int = (n: number) => Math.round(n).toLocaleString('en');
  const ms = (n: number) => `${n.toFixed(2)} ms`;
  return [
    '<!-- bench:durability -->',
    '## What each acknowledgement costs (`COCREATE_ACK`)',
    '',
    `- machine: ${context.machine}`,
    `- Redis: ${f.redisVersion}, private \`redis-server\`s the bench starts on free ports and stops; the AOF on ${f.aofFilesystem}`,
    `- command: \`${context.command}\``,
    `- date: ${context.date}`,
    '',
    '| `COCREATE_ACK` | an acknowledgement means | ballots | ballots/s, 100 in flight | p50 / p99 per ballot | waits per ballot |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...f.modes.map((m) => `| \`${m.ack}\` | ${MEANING[m.ack]} | ${int(m.ballots)} | ${int(m.perSec)} | ${ms(m.p50Ms)} / ${ms(m.p99Ms)} | ${m.waitsPerBallot.toFixed(3)} |`),
    '',
    `Each ballot goes through \`Engine.execute\` on the Redis store and counts once the engine answered it; the three`,
    `modes take turns, ${ROUNDS} rounds each, after a warm-up. \`replica\` runs on a master and one replica on the same`,
    'machine (so its WAIT costs a loopback round trip and the replica\'s CPU, not a network); `aof` pays an fsync per',
    'event loop of Redis, so its cost depends on the disk. See docs/durability.md.',
    '<!-- /bench:durability -->',
  ].join('\n');
}
