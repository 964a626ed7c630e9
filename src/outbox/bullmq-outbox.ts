import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { CampaignEvent } from '../model/events';
import type { Platform } from '../model/campaign';
import { RateLimitedError, type Deliver, type DeliveryTarget, type Outbox } from '../ports/outbox';
import { workerCopy, bullmqPrefix, hashTagged } from '../scheduler/bullmq-scheduler';
import { CampaignKeys, DEFAULT_PREFIX } from '../stores/redis/keys';
import type { DeliveryFailure } from './memory-outbox';
import { appendEvents, countBusyLanes, OUTBOX_SCRIPTS, reserveSend, takeNext, type LaneEntry } from './outbox-scripts';

export type { DeliveryFailure } from './memory-outbox';

/** At most `limit` sends in any window of `windowMs`. */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/** How fast the outbox may send on one platform (shared by every process on the same Redis). */
export interface PlatformPacing {
  /** Per target: a Discord channel, a Telegram chat. */
  readonly perChannel?: RateWindow;
  /** For the whole bot on the platform. */
  readonly global?: RateWindow;
  /** Added to each window, for the time between reserving a send and the platform receiving it. Default 100 ms. */
  readonly marginMs?: number;
}

/** The platforms' published limits (PLATFORMS.md); the local terminal is not paced. */
export const DEFAULT_PACING: Readonly<Record<Platform, PlatformPacing | null>> = {
  discord: { perChannel: { limit: 5, windowMs: 5_000 }, global: { limit: 50, windowMs: 1_000 } },
  telegram: { perChannel: { limit: 20, windowMs: 60_000 }, global: { limit: 30, windowMs: 1_000 } },
  local: null,
};

export interface BullmqOutboxOptions {
  /** Shared with the queues and the relay; the workers get their own copies. */
  readonly connection: Redis | Cluster;
  /** The deployment's key prefix, as the store's (it finds the campaigns' event streams). Default `cocreate:`. */
  readonly prefix?: string;
  /** Campaigns whose event streams are relayed; a campaign enqueued through this outbox is added. */
  readonly campaignIds: readonly string[];
  /** Overrides DEFAULT_PACING per platform; `null` turns pacing off. */
  readonly pacing?: Partial<Record<Platform, PlatformPacing | null>>;
  /** Attempts per (event, target) before giving up; "too many requests" answers do not count. Default 5. */
  readonly maxAttempts?: number;
  /** Wait before the first retry; each further retry waits twice as long. Default 1000 ms. */
  readonly baseDelayMs?: number;
  /** Called, in the process that tried last, when a delivery gives up. Default: reported through `onError`. */
  readonly onGiveUp?: (failure: DeliveryFailure) => void;
  /**
   * Called with what goes wrong around the deliveries: the queues' and workers' errors (Redis
   * going away), a lane that cannot be opened or relayed, a stream entry that is not an event.
   * The outbox carries on (it retries once Redis is back). Default: logged with console.error.
   */
  readonly onError?: (error: unknown, context: string) => void;
  /** Deliveries run at once per platform by this process. Default 16. */
  readonly concurrency?: number;
  /** How often the relay looks for events appended by other processes. Default 200 ms. */
  readonly pollMs?: number;
  /** An event a relay took but has not acknowledged for this long is taken over. Default 30 s. */
  readonly claimIdleMs?: number;
  /** How long a delivered job id is kept, so that a relay retrying it cannot deliver twice. Default one day. */
  readonly keepDeliveredSec?: number;
}

/** One BullMQ job: one event to one target, read from one lane. */
interface DeliveryJob {
  readonly campaignId: string;
  /** The stream entry, acknowledged once the delivery succeeded or gave up. */
  readonly entryId: string;
  readonly event: CampaignEvent;
  readonly target: DeliveryTarget;
}

/** A campaign's event stream as read for one target: a consumer group, at most one entry in flight. */
interface Lane {
  readonly campaignId: string;
  readonly target: DeliveryTarget;
  readonly stream: string;
  readonly group: string;
  pumping: boolean;
  again: boolean;
}

interface Registration {
  readonly deliver: Deliver;
  readonly targets: (campaignId: string) => readonly DeliveryTarget[];
  readonly queue: Queue<DeliveryJob>;
  readonly worker: Worker<DeliveryJob>;
}

const logError = (error: unknown, context: string): void => {
  console.error(context, error);
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An Outbox on Redis streams and BullMQ, shared by every bot process on the same Redis.
 * Events are appended to their campaign's event stream (where the store's scripts append
 * them too), each id once. A relay reads each stream with one consumer group per target, so
 * that each (event, target) becomes exactly one BullMQ delivery job (its id is the
 * idempotency key) whichever process reads it, and a target new to a platform's registration
 * receives the events recorded before. Each target gets its events in order, one at a time;
 * failed deliveries are retried with exponential backoff, "too many requests" answers wait
 * as told without counting as attempts, and sends are paced under each platform's limits.
 * Delivery is at least once in the face of a crash mid-delivery, exactly once otherwise.
 */
export class BullmqOutbox implements Outbox {
  private readonly connection: Redis | Cluster;
  private readonly prefix: string;
  private readonly bullPrefix: string;
  private readonly pacing: Readonly<Record<Platform, PlatformPacing | null>>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly onGiveUp: (failure: DeliveryFailure) => void;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly claimIdleMs: number;
  private readonly keepDeliveredSec: number;
  private readonly consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

  private readonly campaigns: Set<string>;
  private readonly platforms = new Map<Platform, Registration>();
  /** Lanes relayed by this process, by `campaignId|group`. */
  private lanes = new Map<string, Lane>();
  private readonly pumps = new Set<Promise<void>>();
  /** Lanes being opened (consumer groups created); awaited before relaying and by idle. */
  private opening: Promise<void> = Promise.resolve();
  private workerConnection: Redis | Cluster | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: BullmqOutboxOptions) {
    this.connection = options.connection;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.bullPrefix = bullmqPrefix(this.prefix);
    this.pacing = { ...DEFAULT_PACING, ...options.pacing };
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.onError = options.onError ?? logError;
    this.onGiveUp = options.onGiveUp
      ?? ((f) => this.onError(f.error, `outbox: gave up delivering ${f.event.id} to ${laneName(f.target)} after ${f.attempts} attempts`));
    this.concurrency = options.concurrency ?? 16;
    this.pollMs = options.pollMs ?? 200;
    this.claimIdleMs = options.claimIdleMs ?? 30_000;
    this.keepDeliveredSec = options.keepDeliveredSec ?? 86_400;
    this.campaigns = new Set(options.campaignIds);
    OUTBOX_SCRIPTS.define(this.connection);
  }

  async enqueue(events: readonly CampaignEvent[]): Promise<void> {
    if (this.closed) throw new Error('BullmqOutbox is closed');
    const byCampaign = new Map<string, CampaignEvent[]>();
    for (const e of events) byCampaign.set(e.campaignId, [...(byCampaign.get(e.campaignId) ?? []), e]);
    for (const [campaignId, list] of byCampaign) {
      const keys = new CampaignKeys(this.prefix, campaignId);
      await appendEvents(this.connection, keys, list.map((e) => [e.id, JSON.stringify(e)] as const));
      if (!this.campaigns.has(campaignId)) {
        this.campaigns.add(campaignId);
        await this.openLanes([...this.platforms.keys()], [campaignId]);
      }
    }
    await this.opening;
    for (const lane of this.lanes.values()) if (byCampaign.has(lane.campaignId)) this.pump(lane);
  }

  register(platform: Platform, deliver: Deliver, targets: (campaignId: string) => readonly DeliveryTarget[]): void {
    if (this.closed) throw new Error('BullmqOutbox is closed');
    const previous = this.platforms.get(platform);
    const { queue, worker } = previous ?? this.createQueue(platform);
    this.platforms.set(platform, { deliver, targets, queue, worker });
    // Lanes no longer listed stop being relayed; new ones start from the stream's beginning.
    this.lanes = new Map([...this.lanes].filter(([, lane]) => lane.target.platform !== platform));
    void this.openLanes([platform], [...this.campaigns]).then(() => this.pumpAll());
    this.timer ??= setTimeout(() => this.poll(), this.pollMs).unref();
  }

  async idle(): Promise<void> {
    while (!this.closed && (await this.busy())) await sleep(20);
  }

  /**
   * Deliveries waiting, over every lane this process relays: stream entries not yet read by a
   * lane plus delivery jobs queued, delayed or running (shared by every process on this Redis).
   */
  async backlog(): Promise<number> {
    await this.opening;
    const groups = new Map<string, Set<string>>();
    for (const lane of this.lanes.values()) groups.set(lane.stream, (groups.get(lane.stream) ?? new Set()).add(lane.group));
    let n = 0;
    for (const [stream, names] of groups) {
      const infos = (await this.connection.xinfo('GROUPS', stream).catch(() => [])) as unknown[][];
      for (const info of infos) {
        const f = new Map<string, unknown>();
        for (let i = 0; i + 1 < info.length; i += 2) f.set(String(info[i]), info[i + 1]);
        if (names.has(String(f.get('name')))) n += Number(f.get('lag') ?? 0) || 0;
      }
    }
    for (const { queue } of this.platforms.values()) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      n += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    return n;
  }

  /** Stops relaying and delivering in this process (deliveries running are awaited); nothing is lost. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.opening;
    for (const { worker } of this.platforms.values()) await worker.close();
    await Promise.allSettled([...this.pumps]);
    for (const { queue } of this.platforms.values()) await queue.close();
    this.workerConnection?.disconnect();
  }

  // ---- relay --------------------------------------------------------------------------

  private createQueue(platform: Platform): Pick<Registration, 'queue' | 'worker'> {
    const name = hashTagged(`outbox-${platform}`);
    const queue = new Queue<DeliveryJob>(name, { connection: this.connection, prefix: this.bullPrefix });
    this.workerConnection ??= workerCopy(this.connection);
    const worker = new Worker<DeliveryJob>(name, (job, token) => this.deliver(job, token), {
      connection: this.workerConnection ?? this.connection,
      prefix: this.bullPrefix,
      concurrency: this.concurrency,
      removeOnComplete: { age: this.keepDeliveredSec },
      removeOnFail: { age: 7 * 86_400 },
    });
    queue.on('error', (error) => this.onError(error, `outbox: ${platform} queue`));
    worker.on('error', (error) => this.onError(error, `outbox: ${platform} worker`));
    return { queue, worker };
  }

  /** Creates the consumer groups of the lanes of `platforms` × `campaignIds` (a new group reads from the start). */
  private openLanes(platforms: readonly Platform[], campaignIds: readonly string[]): Promise<void> {
    const open = async (): Promise<void> => {
      for (const platform of platforms) {
        const registration = this.platforms.get(platform);
        if (!registration) continue;
        for (const campaignId of campaignIds) {
          for (const target of registration.targets(campaignId)) {
            if (target.platform !== platform) continue; // only this platform's deliver can reach it
            const group = laneName(target);
            const key = `${campaignId}|${group}`;
            if (this.lanes.has(key)) continue;
            const stream = new CampaignKeys(this.prefix, campaignId).events;
            await this.connection.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch((error: unknown) => {
              if (!String(error).includes('BUSYGROUP')) throw error;
            });
            this.lanes.set(key, { campaignId, target: { platform, channel: target.channel }, stream, group, pumping: false, again: false });
          }
        }
      }
    };
    this.opening = this.opening.then(open).catch((error: unknown) => this.onError(error, 'outbox: could not open lanes'));
    return this.opening;
  }

  private poll(): void {
    if (this.closed) return;
    this.pumpAll();
    this.timer = setTimeout(() => this.poll(), this.pollMs).unref();
  }

  private pumpAll(): void {
    for (const lane of this.lanes.values()) this.pump(lane);
  }

  /** Turns the lane's next entry into a delivery job, unless one is in flight. */
  private pump(lane: Lane): void {
    if (this.closed) return;
    if (lane.pumping) {
      lane.again = true;
      return;
    }
    lane.pumping = true;
    const run = (async () => {
      do {
        lane.again = false;
        await this.relayNext(lane);
      } while (lane.again && !this.closed);
    })()
      .catch((error: unknown) => {
        if (!this.closed) this.onError(error, `outbox: relaying ${lane.campaignId} to ${lane.group} failed`);
      })
      .finally(() => {
        lane.pumping = false;
        this.pumps.delete(run);
      });
    this.pumps.add(run);
  }

  private async relayNext(lane: Lane): Promise<void> {
    const queue = this.platforms.get(lane.target.platform)?.queue;
    for (let next = await this.takeNext(lane); next && queue && !this.closed; next = await this.takeNext(lane)) {
      const [entryId, json, claimed] = next;
      const event = parseEvent(json);
      if (!event) {
        this.onError(new Error(`not an event: ${json.slice(0, 200)}`), `outbox: skipped entry ${entryId} of ${lane.stream}`);
        await this.connection.xack(lane.stream, lane.group, entryId);
        continue;
      }
      const data: DeliveryJob = { campaignId: lane.campaignId, entryId, event, target: lane.target };
      const jobId = deliveryJobId(event.id, lane.target);
      // Added again when taken over from a silent relay: the job id makes it a no-op if it exists.
      await queue.add('deliver', data, { jobId, attempts: this.maxAttempts, backoff: { type: 'exponential', delay: this.baseDelayMs } });
      if (!claimed) return;
      const state = await queue.getJobState(jobId);
      if (state !== 'completed' && state !== 'failed') return;
      await this.connection.xack(lane.stream, lane.group, entryId); // done, its relay died before acknowledging
    }
  }

  private takeNext(lane: Lane): Promise<LaneEntry | null> {
    return takeNext(this.connection, lane.stream, lane.group, this.consumer, this.claimIdleMs);
  }

  // ---- delivery -----------------------------------------------------------------------

  private async deliver(job: Job<DeliveryJob>, token: string | undefined): Promise<void> {
    const { event, target } = job.data;
    const wait = await this.pace(target);
    if (wait > 0) await delay(job, wait, token);
    try {
      await this.platforms.get(target.platform)!.deliver(event, target);
    } catch (error) {
      if (isRateLimited(error)) await delay(job, error.retryAfterMs, token);
      const attempts = job.attemptsMade + 1;
      if (attempts < this.maxAttempts) throw error; // retried by BullMQ after its backoff
      try {
        this.onGiveUp({ event, target, attempts, error });
      } finally {
        await this.finish(job.data);
      }
      throw new UnrecoverableError(`gave up after ${attempts} attempts: ${String(error)}`);
    }
    await this.finish(job.data);
  }

  /** Acknowledges the delivery's entry and relays the lane's next one. */
  private async finish({ campaignId, entryId, target }: DeliveryJob): Promise<void> {
    const group = laneName(target);
    await this.connection.xack(new CampaignKeys(this.prefix, campaignId).events, group, entryId);
    const lane = this.lanes.get(`${campaignId}|${group}`);
    if (lane) this.pump(lane);
  }

  /** 0 when a send to `target` may go now (and it is counted), else the ms to wait. */
  private async pace(target: DeliveryTarget): Promise<number> {
    const pacing = this.pacing[target.platform];
    if (!pacing) return 0;
    const margin = pacing.marginMs ?? 100;
    const base = `${this.bullPrefix}:${hashTagged(`outbox-${target.platform}`)}:pace`;
    const window = (key: string, w: RateWindow | undefined) => ({ key, limit: w?.limit ?? 0, windowMs: w ? w.windowMs + margin : 0 });
    return reserveSend(this.connection, window(`${base}:channel:${target.channel}`, pacing.perChannel), window(`${base}:all`, pacing.global), randomUUID());
  }

  private async busy(): Promise<boolean> {
    await this.opening;
    for (const lane of this.lanes.values()) if (lane.pumping) return true;
    const groups = new Map<string, string[]>();
    for (const lane of this.lanes.values()) groups.set(lane.stream, [...(groups.get(lane.stream) ?? []), lane.group]);
    for (const [stream, names] of groups) if ((await countBusyLanes(this.connection, stream, names)) > 0) return true;
    for (const { queue } of this.platforms.values()) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).some((n) => n > 0)) return true;
    }
    return false;
  }
}

/** Moves an active job back to the delayed set for `ms` without counting an attempt. */
async function delay(job: Job<DeliveryJob>, ms: number, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}

function parseEvent(json: string): CampaignEvent | null {
  try {
    const event = JSON.parse(json) as Partial<CampaignEvent> | null;
    return typeof event?.id === 'string' && typeof event.kind === 'string' ? (event as CampaignEvent) : null;
  } catch {
    return null;
  }
}

function isRateLimited(error: unknown): error is RateLimitedError {
  return error instanceof RateLimitedError || (error instanceof Error && error.name === 'RateLimitedError' && typeof (error as RateLimitedError).retryAfterMs === 'number');
}

function laneName(target: DeliveryTarget): string {
  return `${target.platform}/${target.channel}`;
}

/** The idempotency key of one delivery, as a BullMQ job id (which may not contain `:`). */
export function deliveryJobId(eventId: string, target: DeliveryTarget): string {
  return `${eventId}|${laneName(target)}`.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}
