/**
 * Where a thread's CPU goes: V8 CPU profiles (the `.cpuprofile` format `node --cpu-prof` and the
 * inspector's `Profiler.stop` write) summarized per function (self and total time) and per
 * layer of the project (discord.js, undici, telegraf, the engine, the Redis client, our adapter
 * code, GC…). `cocreate rehearse --profile DIR` profiles each thread during the surge only;
 * `npm run bench -- --only profile` runs it and publishes the summary.
 *
 * Sampled time is wall time while the thread was running JavaScript or native code on its
 * behalf: on a busy machine a preempted thread's samples land on whatever it was doing, so
 * absolute times stretch with the load while shares stay meaningful.
 */
import { Session } from 'node:inspector';

/** The parts of the `.cpuprofile` format read here (Chrome DevTools protocol `Profiler.Profile`). */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber?: number };
    readonly children?: readonly number[];
  }[];
  /** µs */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  /** µs between consecutive samples (the first from startTime). */
  readonly timeDeltas?: readonly number[];
}

/** The layers a sample is charged to, by the script its function comes from (see `layerOf`). */
export const LAYERS = [
  'discord.js (objects, client, gateway handlers)',
  '@discordjs/rest (REST queue, buckets)',
  '@discordjs/ws (gateway shards)',
  'undici (HTTP client)',
  'ws (WebSocket frames)',
  'telegraf',
  'node-fetch (telegraf\'s HTTP client)',
  'our adapter code (adapters/)',
  'engine (src/engine)',
  'store, outbox, scheduler (src/stores, src/outbox, src/scheduler)',
  'render, i18n (src/render, src/i18n)',
  'metrics, logs (src/observe, prom-client, pino)',
  'Redis client (ioredis)',
  'BullMQ',
  'zod',
  'stand-ins and crowd (rehearsal/)',
  'Node core: HTTP (node:_http_*, http parser)',
  'Node core: net, streams, TLS',
  'Node core: timers, promises, events, other',
  'socket reads and writes (syscalls)',
  'TCP connections opened and closed (syscalls)',
  'native code called from JS (bindings, builtins)',
  'other npm packages',
  'garbage collector',
  '(program): V8 and libuv outside JS',
] as const;
export type Layer = (typeof LAYERS)[number];

/** Node's native stream functions that make the read and write system calls. */
const SOCKET_IO = new Set(['writev', 'writeUtf8String', 'writeBuffer', 'writeLatin1String', 'writeAsciiString', 'writeUcs2String', 'readStart', 'readStop', 'onStreamRead']);
/** Node's native TCP functions that open and close connections. */
const TCP_CONNECTIONS = new Set(['connect', 'close', 'shutdown', 'bind', 'listen']);

/** The layer of a function, from its script's URL (and its name for native and V8's pseudo-functions). */
export function layerOf(functionName: string, url: string): Layer | 'idle' {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)' || functionName === '(root)') return '(program): V8 and libuv outside JS';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (pkg !== undefined) {
    if (pkg === 'discord.js' || pkg === '@discordjs/collection' || pkg === '@discordjs/util' || pkg === '@discordjs/builders'
      || pkg === '@discordjs/formatters' || pkg === 'discord-api-types' || pkg === '@sapphire/snowflake' || pkg === '@vladfrangu/async_event_emitter') {
      return 'discord.js (objects, client, gateway handlers)';
    }
    if (pkg === '@discordjs/rest' || pkg === '@sapphire/async-queue' || pkg === 'magic-bytes.js') return '@discordjs/rest (REST queue, buckets)';
    if (pkg === '@discordjs/ws') return '@discordjs/ws (gateway shards)';
    if (pkg === 'undici') return 'undici (HTTP client)';
    if (pkg === 'ws') return 'ws (WebSocket frames)';
    if (pkg === 'telegraf' || pkg === 'sandwich-stream' || pkg === 'p-timeout' || pkg === 'safe-compare' || pkg === 'mri') return 'telegraf';
    if (pkg === 'node-fetch' || pkg === 'whatwg-url' || pkg === 'tr46' || pkg === 'webidl-conversions') return 'node-fetch (telegraf\'s HTTP client)';
    if (pkg === 'ioredis' || pkg === '@ioredis/commands' || pkg === 'redis-parser' || pkg === 'redis-errors' || pkg === 'denque' || pkg === 'cluster-key-slot' || pkg === 'standard-as-callback') {
      return 'Redis client (ioredis)';
    }
    if (pkg === 'bullmq' || pkg === 'msgpackr' || pkg === 'cron-parser' || pkg === 'uuid' || pkg === 'semver') return 'BullMQ';
    if (pkg === 'zod') return 'zod';
    if (pkg === 'prom-client' || pkg === 'pino' || pkg === 'tdigest' || pkg === 'bintrees' || pkg === 'sonic-boom' || pkg === 'thread-stream' || pkg === 'fast-redact') {
      return 'metrics, logs (src/observe, prom-client, pino)';
    }
    return 'other npm packages';
  }
  const own = /\/(adapters|rehearsal|src\/[a-z0-9-]+)\//.exec(url)?.[1];
  if (own !== undefined) {
    if (own === 'adapters') return 'our adapter code (adapters/)';
    if (own === 'rehearsal') return 'stand-ins and crowd (rehearsal/)';
    if (own === 'src/engine' || own === 'src/model') return 'engine (src/engine)';
    if (own === 'src/stores' || own === 'src/outbox' || own === 'src/scheduler' || own === 'src/ports') return 'store, outbox, scheduler (src/stores, src/outbox, src/scheduler)';
    if (own === 'src/render' || own === 'src/i18n') return 'render, i18n (src/render, src/i18n)';
    if (own === 'src/observe') return 'metrics, logs (src/observe, prom-client, pino)';
    return 'other npm packages';
  }
  if (url.startsWith('node:internal/deps/undici')) return 'undici (HTTP client)';
  if (/^node:(internal\/)?(_?http|https|_http_)/.test(url) || url.startsWith('node:internal/http')) return 'Node core: HTTP (node:_http_*, http parser)';
  if (/^node:(internal\/)?(net|stream|streams|tls|_tls|dns|internal\/stream_base|internal\/streams|internal\/webstreams)/.test(url)) return 'Node core: net, streams, TLS';
  if (url.startsWith('node:')) return 'Node core: timers, promises, events, other';
  if (url === '' && SOCKET_IO.has(functionName)) return 'socket reads and writes (syscalls)';
  if (url === '' && TCP_CONNECTIONS.has(functionName)) return 'TCP connections opened and closed (syscalls)';
  return 'native code called from JS (bindings, builtins)';
}

/** One function's share of the samples. */
export interface FunctionTime {
  readonly name: string;
  /** `file:line`, shortened to the package or the project path. */
  readonly where: string;
  readonly layer: Layer;
  /** ms where the function itself was on top of the stack. */
  readonly selfMs: number;
  /** ms where it was anywhere on the stack (each sample once, recursion included). */
  readonly totalMs: number;
}

export interface ProfileSummary {
  /** ms sampled while busy (idle excluded). */
  readonly busyMs: number;
  /** ms sampled as idle (waiting in the event loop). */
  readonly idleMs: number;
  /** Busy ms per layer, largest first (self time: each sample charged to the function on top). */
  readonly layers: readonly { readonly layer: Layer; readonly ms: number; readonly share: number }[];
  /** Functions by self time, largest first. */
  readonly bySelf: readonly FunctionTime[];
  /** Functions by total time, largest first (V8's pseudo-functions left out). */
  readonly byTotal: readonly FunctionTime[];
}

function shortWhere(url: string, line: number): string {
  if (url === '') return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg) return `${pkg[1]}/${pkg[2]}:${line + 1}`;
  const own = /\/((?:adapters|rehearsal|src|bench)\/.*)$/.exec(url);
  if (own) return `${own[1]}:${line + 1}`;
  return `${url}:${line + 1}`;
}

/**
 * Per function and per layer, the time of the samples of `profiles` (several threads' profiles
 * may be summed: the Discord bot's, the Telegram bot's…). `top` functions are kept per list.
 */
export function summarizeProfiles(profiles: readonly CpuProfile[], top = 25): ProfileSummary {
  const self = new Map<string, { name: string; where: string; layer: Layer; selfUs: number; totalUs: number }>();
  const layerUs = new Map<Layer, number>();
  let idleUs = 0;
  let busyUs = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const keyOf = new Map<number, string>();
    const layerById = new Map<number, Layer | 'idle'>();
    for (const n of profile.nodes) {
      const { functionName, url, lineNumber } = n.callFrame;
      const name = functionName || '(anonymous)';
      const key = `${name}\n${url}\n${lineNumber}`;
      keyOf.set(n.id, key);
      const layer = layerOf(functionName, url);
      layerById.set(n.id, layer);
      if (layer !== 'idle' && !self.has(key)) self.set(key, { name, where: shortWhere(url, lineNumber), layer, selfUs: 0, totalUs: 0 });
    }
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      // A sample's time is the gap to the next sample (the last one: to the profile's end).
      const next = i + 1 < deltas.length ? deltas[i + 1]! : 0;
      const us = Math.max(0, next);
      const id = samples[i]!;
      const layer = layerById.get(id);
      if (layer === undefined) continue;
      if (layer === 'idle') {
        idleUs += us;
        continue;
      }
      busyUs += us;
      layerUs.set(layer, (layerUs.get(layer) ?? 0) + us);
      const top = self.get(keyOf.get(id)!);
      if (top) top.selfUs += us;
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const key = keyOf.get(at)!;
        if (seen.has(key)) continue;
        seen.add(key);
        const fn = self.get(key);
        if (fn && byId.get(at)!.callFrame.functionName !== '(root)') fn.totalUs += us;
      }
    }
  }
  const fns = [...self.values()].map((f): FunctionTime => ({ name: f.name, where: f.where, layer: f.layer, selfMs: f.selfUs / 1000, totalMs: f.totalUs / 1000 }));
  const pseudo = (f: FunctionTime) => /^\((program|garbage collector|root|idle)\)$/.test(f.name);
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    layers: [...layerUs].map(([layer, us]) => ({ layer, ms: us / 1000, share: busyUs > 0 ? us / busyUs : 0 })).sort((a, b) => b.ms - a.ms),
    bySelf: fns.filter((f) => f.selfMs > 0).sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
    byTotal: fns.filter((f) => !pseudo(f) && f.totalMs > 0).sort((a, b) => b.totalMs - a.totalMs).slice(0, top),
  };
}

/**
 * The calling thread's V8 CPU profiler (through the inspector, so a worker thread profiles
 * itself): `start` begins sampling every `intervalUs`, `stop` ends it and answers the profile.
 */
export class ThreadProfiler {
  private session: Session | null = null;

  async start(intervalUs = 250): Promise<void> {
    if (this.session) throw new Error('the profiler is already running');
    const session = new Session();
    session.connect();
    this.session = session;
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
    await post(session, 'Profiler.start');
  }

  async stop(): Promise<CpuProfile> {
    const session = this.session;
    if (!session) throw new Error('the profiler is not running');
    this.session = null;
    try {
      const { profile } = (await post(session, 'Profiler.stop')) as { profile: CpuProfile };
      return profile;
    } finally {
      session.disconnect();
    }
  }
}

function post(session: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const fixed = (n: number, digits = 1) => n.toFixed(digits);

/**
 * The summary as text lines: layers with their share of the busy time and, given the thread's
 * measured CPU per fan, their part of it in µs; then the top functions by self and total time.
 */
export function formatSummary(title: string, s: ProfileSummary, cpuMsPerFan: number | null, top = 15): string[] {
  const perFan = (share: number) => (cpuMsPerFan === null ? '' : ` · ${fixed(share * cpuMsPerFan * 1000, 0)} µs/fan`);
  const lines = [
    `${title}: ${fixed(s.busyMs, 0)} ms busy, ${fixed(s.idleMs, 0)} ms idle in the profile${cpuMsPerFan === null ? '' : `; measured CPU ${fixed(cpuMsPerFan * 1000, 0)} µs per fan`}`,
    '  by layer (self time):',
    ...s.layers.map((l) => `    ${fixed(l.share * 100).padStart(5)} %  ${l.layer}${perFan(l.share)}`),
    '  top functions by self time:',
    ...s.bySelf.slice(0, top).map((f) => `    ${fixed((f.selfMs / s.busyMs) * 100).padStart(5)} %  ${f.name}  ${f.where}  [${f.layer}]`),
    '  top functions by total time:',
    ...s.byTotal.slice(0, top).map((f) => `    ${fixed((f.totalMs / s.busyMs) * 100).padStart(5)} %  ${f.name}  ${f.where}`),
  ];
  return lines;
}
