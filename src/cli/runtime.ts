/**
 * The composition root's building block: an engine wired to the embedded default (memory
 * store, memory scheduler, memory outbox) on a given clock. `cocreate run`, `simulate`,
 * `results`, `recount` and the benchmarks all start from here.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Engine } from '../engine/engine';
import type { CampaignSpec } from '../model/campaign';
import type { Clock } from '../ports/clock';
import type { CampaignStore } from '../ports/campaign-store';
import type { Outbox } from '../ports/outbox';
import type { PhaseScheduler } from '../ports/phase-scheduler';
import { MemoryCampaignStore, type CampaignSnapshot } from '../stores/memory/memory-store';
import { MemoryOutbox, type MemoryOutboxOptions } from '../outbox/memory-outbox';
import { MemoryPhaseScheduler } from '../scheduler/memory-scheduler';
import { RedisCampaignStore } from '../stores/redis/redis-store';
import { connectEndpoint, type RedisEndpoint } from '../stores/redis/connection';
import { WriteAcknowledger, type AckPolicy } from '../stores/redis/ack';
import { assessDurability, readDurability, type DurabilityAssessment } from '../stores/redis/durability';
import type { AckMode, DurabilityStatus } from '../model/durability';
import { DEFAULT_PREFIX } from '../stores/redis/keys';
import { BullmqOutbox, type BullmqOutboxOptions } from '../outbox/bullmq-outbox';
import { BullmqPhaseScheduler } from '../scheduler/bullmq-scheduler';
import { observeOutbox, observeScheduler, type Metrics } from '../observe/metrics';
import type { Cluster, Redis } from 'ioredis';

/** An engine and the port implementations it runs on. */
export interface Runtime<S extends CampaignStore = CampaignStore, O extends Outbox = Outbox, P extends PhaseScheduler = PhaseScheduler> {
  readonly engine: Engine;
  readonly store: S;
  readonly outbox: O;
  readonly scheduler: P;
  /** Stops the scheduler, lets the outbox deliver what it can, closes connections. */
  close(): Promise<void>;
  /** Null when the store answers, else why not (for `/healthz`). */
  health(): Promise<string | null>;
  /**
   * What an acknowledgement means here and the warning when acknowledged data can be lost, as
   * last read from the servers (at start, at each `health()` and every 30 s); null for the
   * embedded store.
   */
  durability(): DurabilityReport | null;
}

/** The durability of a running store, for `/healthz` and logs. */
export interface DurabilityReport extends DurabilityStatus {
  readonly warning: string | null;
}

export type EmbeddedRuntime = Runtime<MemoryCampaignStore, MemoryOutbox, MemoryPhaseScheduler>;

export interface RuntimeOptions {
  readonly campaigns: readonly CampaignSpec[];
  readonly clock: Clock;
  readonly outbox?: MemoryOutboxOptions;
  readonly onError?: (error: unknown, context: string) => void;
  /** Counts outbox deliveries, backlog and phase-job lateness. */
  readonly metrics?: Metrics;
}

/** An engine on the embedded default. Call `engine.start()` once adapters have registered. */
export function embeddedRuntime(options: RuntimeOptions): EmbeddedRuntime {
  const onError = options.onError ?? logError;
  const memoryOutbox = new MemoryOutbox({ onError, ...options.outbox });
  const store = new MemoryCampaignStore({ outbox: memoryOutbox });
  const scheduler = new MemoryPhaseScheduler({ clock: options.clock, onError: (e, job) => onError(e, `job ${job.id}`) });
  const { metrics } = options;
  metrics?.watchBacklog(memoryOutbox);
  const outbox = metrics ? observeOutbox(memoryOutbox, metrics) : memoryOutbox;
  const engine = new Engine({ campaigns: options.campaigns, store, scheduler: metrics ? observeScheduler(scheduler, options.clock, metrics) : scheduler, outbox, clock: options.clock, onError });
  return {
    engine, store, outbox, scheduler,
    health: () => Promise.resolve(null),
    durability: () => null,
    close: async () => {
      await scheduler.close();
      await engine.idle(); // a seal under way (the ballots digest) finishes before the store closes
      await outbox.idle();
      await outbox.close();
      await store.close();
    },
  };
}

function logError(error: unknown, context: string): void {
  process.stderr.write(`cocreate: ${context}: ${error instanceof Error ? error.message : String(error)}\n`);
}

export interface RedisRuntimeOptions {
  readonly campaigns: readonly CampaignSpec[];
  readonly clock: Clock;
  /** `redis://…` of the server, or of seed nodes when `cluster` is true. Ignored when `endpoint` is given. */
  readonly url?: string;
  readonly cluster?: boolean;
  /** Where Redis is: one server, a Cluster, or Sentinel's master (see config/env.ts `redisEndpointOf`). */
  readonly endpoint?: RedisEndpoint;
  /** How each write is confirmed before it is acknowledged (COCREATE_ACK). Default `redis`. */
  readonly ack?: AckMode;
  /** How long a replica (WAIT) or the AOF (WAITAOF) may take to confirm. Default 500 ms. */
  readonly ackTimeoutMs?: number;
  /** COCREATE_DURABILITY=strict: refuse to start when the ack mode cannot be honoured or acknowledged data can be lost. */
  readonly strict?: boolean;
  /** Told the durability warning at start, and again when it changes, with the durability it describes. */
  readonly onWarning?: (message: string, durability: DurabilityReport) => void;
  /** Key prefix separating deployments sharing one Redis (default `cocreate:`). */
  readonly prefix?: string;
  /**
   * The scheduler: BullMQ (durable, shared by every process) by default; `memory` runs phases
   * on `clock` in this process only (for `simulate`, whose clock is virtual).
   */
  readonly scheduler?: 'bullmq' | 'memory';
  readonly outbox?: Omit<BullmqOutboxOptions, 'connection' | 'prefix' | 'campaignIds'>;
  /** How long `close()` waits for the outbox to deliver what is due (default 5 s). */
  readonly drainMs?: number;
  readonly onError?: (error: unknown, context: string) => void;
  /** Counts outbox deliveries, backlog and phase-job lateness. */
  readonly metrics?: Metrics;
}

/**
 * An engine on Redis: the Redis store (atomic Lua scripts), the BullMQ scheduler and the
 * BullMQ outbox, on one fail-fast connection (a cluster when asked). Several processes may run
 * it at once on the same Redis. Rejects with a clear message when Redis cannot be reached.
 */
export async function redisRuntime(options: RedisRuntimeOptions): Promise<Runtime> {
  const onError = options.onError ?? logError;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const endpoint = options.endpoint ?? legacyEndpoint(options);
  const redis = await connectEndpoint(endpoint);
  redis.on('error', (error: Error) => onError(error, 'redis'));
  let durability: DurabilityGuard;
  try {
    durability = await DurabilityGuard.start(redis, endpoint, options);
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const store = new RedisCampaignStore({ redis, prefix, ack: durability.acknowledger });
  const bullmqOutbox = new BullmqOutbox({ onError, ...options.outbox, connection: redis, prefix, campaignIds: options.campaigns.map((c) => c.id) });
  const scheduler = options.scheduler === 'memory'
    ? new MemoryPhaseScheduler({ clock: options.clock, onError: (e, job) => onError(e, `job ${job.id}`) })
    : new BullmqPhaseScheduler({ connection: redis, prefix, onError: (e, job) => onError(e, `job ${job.id}`), onQueueError: onError });
  const { metrics } = options;
  metrics?.watchBacklog(bullmqOutbox);
  const outbox = metrics ? observeOutbox(bullmqOutbox, metrics) : bullmqOutbox;
  const engine = new Engine({
    campaigns: options.campaigns, store, scheduler: metrics ? observeScheduler(scheduler, options.clock, metrics) : scheduler, outbox, clock: options.clock, onError,
    durability: () => durability.status(),
  });
  return {
    engine, store, outbox, scheduler,
    health: async () => {
      if (redis.status !== 'ready') return `redis is ${redis.status}`;
      const answer = await redis.ping().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
      if (answer !== 'PONG') return `redis: ${answer}`;
      await durability.refresh();
      return durability.latest.impossible;
    },
    durability: () => durability.report(),
    close: async () => {
      durability.stop();
      await scheduler.close();
      await engine.idle(); // a seal under way (the ballots digest) finishes before the store closes
      // Deliver what is due (bounded: what is left stays queued in Redis for the next start).
      await Promise.race([outbox.idle(), new Promise((resolve) => setTimeout(resolve, options.drainMs ?? 5_000).unref())]);
      await outbox.close();
      await store.close();
      redis.disconnect();
    },
  };
}

function legacyEndpoint(options: RedisRuntimeOptions): RedisEndpoint {
  if (options.url === undefined) throw new Error('redisRuntime needs `endpoint` or `url`');
  return options.cluster ? { kind: 'cluster', seeds: [options.url] } : { kind: 'standalone', url: options.url };
}

/** How often the servers' durability is read again while running. */
const DURABILITY_REFRESH_MS = 30_000;

/**
 * The ack mode of a running Redis store: checked against the servers at start (refusing what
 * cannot be honoured), the acknowledger the store confirms its writes with, and the servers'
 * durability read again while running, so that the warning, `/healthz` and managers' `/status`
 * follow a replica going away or AOF being turned off.
 */
class DurabilityGuard {
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly redis: Redis | Cluster,
    private readonly endpoint: RedisEndpoint,
    private readonly ack: AckMode,
    readonly acknowledger: WriteAcknowledger,
    public latest: DurabilityAssessment,
    private readonly onWarning: (message: string, durability: DurabilityReport) => void,
  ) {}

  static async start(redis: Redis | Cluster, endpoint: RedisEndpoint, options: RedisRuntimeOptions): Promise<DurabilityGuard> {
    const ack = options.ack ?? 'redis';
    const assessment = await assess(redis, endpoint, ack);
    // The engine's start writes (and confirms) campaign state: an ack mode that cannot be honoured now refuses to start.
    if (assessment.impossible) throw new Error(assessment.impossible);
    if (options.strict && assessment.warning) throw new Error(`COCREATE_DURABILITY=strict refuses to start: ${assessment.warning}`);
    const timeoutMs = options.ackTimeoutMs ?? 500;
    const policy: AckPolicy = ack === 'replica' ? { kind: 'replica', timeoutMs } : ack === 'aof' && assessment.waitAof ? { kind: 'waitaof', timeoutMs } : { kind: 'reply' };
    const onWarning = options.onWarning ?? (() => undefined);
    const guard = new DurabilityGuard(redis, endpoint, ack, new WriteAcknowledger(redis, policy), assessment, onWarning);
    if (assessment.warning) onWarning(assessment.warning, guard.report());
    guard.timer = setInterval(() => void guard.refresh(), DURABILITY_REFRESH_MS).unref();
    return guard;
  }

  /** Reads the servers again; a read that fails (Redis away) keeps the last assessment. */
  async refresh(): Promise<void> {
    let next: DurabilityAssessment;
    try {
      next = await assess(this.redis, this.endpoint, this.ack);
    } catch {
      return;
    }
    const previous = this.latest;
    this.latest = next;
    // `aof` without WAITAOF relies on `appendfsync always`: should it be turned off, stop acknowledging.
    if (this.ack === 'aof' && !next.waitAof) this.acknowledger.suspend(next.impossible);
    if (next.warning !== previous.warning) {
      this.onWarning(next.warning ?? `the earlier warning no longer applies (COCREATE_ACK=${this.ack})`, this.report());
    }
  }

  status(): DurabilityStatus {
    return { ack: this.latest.ack, risk: this.latest.risk };
  }

  report(): DurabilityReport {
    return { ack: this.latest.ack, risk: this.latest.risk, warning: this.latest.warning };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

async function assess(redis: Redis | Cluster, endpoint: RedisEndpoint, ack: AckMode): Promise<DurabilityAssessment> {
  const servers = await readDurability(redis, endpoint.kind === 'sentinel' ? `the master "${endpoint.name}"` : undefined);
  const failover = endpoint.kind === 'sentinel' || (endpoint.kind === 'cluster' && servers.some((s) => s.connectedReplicas > 0));
  return assessDurability(ack, servers, { failover });
}

/**
 * Where the embedded store keeps a campaign between runs: `cocreate run` and `simulate`
 * save it there, `results` and `recount` read it. (With Redis, the store itself is durable.)
 */
export function statePath(campaignId: string, dataDir: string): string {
  return join(dataDir, `${campaignId}.json`);
}

interface SavedState {
  readonly spec: CampaignSpec;
  readonly store: CampaignSnapshot;
}

/** Writes a campaign (its resolved spec and its store state) atomically: write, then rename. */
export async function saveState(store: MemoryCampaignStore, spec: CampaignSpec, path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const saved: SavedState = { spec, store: store.snapshot(spec.id) };
  await writeFile(tmp, JSON.stringify(saved));
  await rename(tmp, path);
  return path;
}

/** Loads a saved campaign into the store and returns its spec; null when none was saved. */
export async function loadState(store: MemoryCampaignStore, campaignId: string, path: string): Promise<CampaignSpec | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const saved = JSON.parse(text) as SavedState;
  store.restore(campaignId, saved.store);
  return saved.spec;
}
