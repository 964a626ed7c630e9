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
import { createClusterConnection, createRedisConnection } from '../stores/redis/connection';
import { DEFAULT_PREFIX } from '../stores/redis/keys';
import { BullmqOutbox, type BullmqOutboxOptions } from '../outbox/bullmq-outbox';
import { BullmqPhaseScheduler } from '../scheduler/bullmq-scheduler';
import { observeOutbox, observeScheduler, type Metrics } from '../observe/metrics';

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
  /** `redis://…` of the server, or of seed nodes when `cluster` is true. */
  readonly url: string;
  readonly cluster?: boolean;
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
  const redis = options.cluster ? await createClusterConnection([options.url]) : await createRedisConnection(options.url);
  redis.on('error', (error: Error) => onError(error, 'redis'));
  const store = new RedisCampaignStore({ redis, prefix });
  const bullmqOutbox = new BullmqOutbox({ onError, ...options.outbox, connection: redis, prefix, campaignIds: options.campaigns.map((c) => c.id) });
  const scheduler = options.scheduler === 'memory'
    ? new MemoryPhaseScheduler({ clock: options.clock, onError: (e, job) => onError(e, `job ${job.id}`) })
    : new BullmqPhaseScheduler({ connection: redis, prefix, onError: (e, job) => onError(e, `job ${job.id}`), onQueueError: onError });
  const { metrics } = options;
  metrics?.watchBacklog(bullmqOutbox);
  const outbox = metrics ? observeOutbox(bullmqOutbox, metrics) : bullmqOutbox;
  const engine = new Engine({ campaigns: options.campaigns, store, scheduler: metrics ? observeScheduler(scheduler, options.clock, metrics) : scheduler, outbox, clock: options.clock, onError });
  return {
    engine, store, outbox, scheduler,
    health: async () => {
      if (redis.status !== 'ready') return `redis is ${redis.status}`;
      const answer = await redis.ping().catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
      return answer === 'PONG' ? null : `redis: ${answer}`;
    },
    close: async () => {
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
