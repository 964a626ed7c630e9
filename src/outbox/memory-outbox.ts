import type { CampaignEvent } from '../model/events';
import type { Platform } from '../model/campaign';
import { RateLimitedError, type Deliver, type DeliveryTarget, type Outbox } from '../ports/outbox';

/** A delivery that failed `maxAttempts` times in a row; the outbox moves on to the target's next event. */
export interface DeliveryFailure {
  readonly event: CampaignEvent;
  readonly target: DeliveryTarget;
  readonly attempts: number;
  readonly error: unknown;
}

export interface MemoryOutboxOptions {
  /** Attempts per (event, target) before giving up. Default 5. */
  readonly maxAttempts?: number;
  /** Wait before the first retry; each further retry waits twice as long. Default 200 ms. */
  readonly baseDelayMs?: number;
  /** Called when a delivery gives up. Default: reported through `onError`. */
  readonly onGiveUp?: (failure: DeliveryFailure) => void;
  /** Called with a delivery's give-up when `onGiveUp` is not set. Default: logged with console.error. */
  readonly onError?: (error: unknown, context: string) => void;
}

interface Registration {
  readonly deliver: Deliver;
  readonly targets: (campaignId: string) => readonly DeliveryTarget[];
}

/** The events waiting for one target, delivered one at a time in enqueue order. */
interface Lane {
  readonly target: DeliveryTarget;
  readonly queue: CampaignEvent[];
  running: boolean;
}

const logError = (error: unknown, context: string): void => {
  console.error(context, error);
};

function laneKey(target: DeliveryTarget): string {
  return `${target.platform}/${target.channel}`;
}

/**
 * An Outbox kept in the process (the embedded default, and the reference for the contract
 * tests). Each event is delivered at most once to each target of each registered platform,
 * in enqueue order per target, retried with exponential backoff; a target that keeps
 * failing does not hold up the others. Nothing survives a restart.
 */
export class MemoryOutbox implements Outbox {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly onGiveUp: (failure: DeliveryFailure) => void;

  private readonly platforms = new Map<Platform, Registration>();
  /** Every event recorded, in enqueue order, so a platform registering late receives them. */
  private readonly log: CampaignEvent[] = [];
  /** Ids of the events recorded: an id enqueued again is ignored. */
  private readonly seen = new Set<string>();
  /** `${event.id}|${platform}/${channel}` of every delivery ever queued: at most once each. */
  private readonly routed = new Set<string>();
  private readonly lanes = new Map<string, Lane>();
  private readonly sleeps = new Map<NodeJS.Timeout, () => void>();
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(options: MemoryOutboxOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    const onError = options.onError ?? logError;
    this.onGiveUp = options.onGiveUp
      ?? ((f) => onError(f.error, `outbox: gave up delivering ${f.event.id} to ${laneKey(f.target)} after ${f.attempts} attempts`));
  }

  enqueue(events: readonly CampaignEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('MemoryOutbox is closed'));
    for (const event of events) {
      if (this.seen.has(event.id)) continue;
      const copy = structuredClone(event);
      this.seen.add(copy.id);
      this.log.push(copy);
      for (const [platform, registration] of this.platforms) this.route(copy, platform, registration);
    }
    return Promise.resolve();
  }

  register(platform: Platform, deliver: Deliver, targets: (campaignId: string) => readonly DeliveryTarget[]): void {
    const registration = { deliver, targets };
    this.platforms.set(platform, registration);
    for (const event of this.log) this.route(event, platform, registration);
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Deliveries waiting or running, over every target (the metrics' outbox backlog). */
  backlog(): Promise<number> {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.queue.length;
    return Promise.resolve(n);
  }

  /** Stops delivering: waits in progress are cut short, queued deliveries are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [timer, wake] of this.sleeps) {
      clearTimeout(timer);
      wake();
    }
    this.sleeps.clear();
    for (const lane of this.lanes.values()) lane.queue.length = 0;
    this.settle();
  }

  private route(event: CampaignEvent, platform: Platform, registration: Registration): void {
    if (this.closed) return;
    for (const target of registration.targets(event.campaignId)) {
      if (target.platform !== platform) continue; // only this platform's deliver can reach it
      const key = `${event.id}|${laneKey(target)}`;
      if (this.routed.has(key)) continue;
      this.routed.add(key);
      const lane = this.laneFor(target);
      lane.queue.push(event);
      if (!lane.running) void this.drain(lane);
    }
  }

  private laneFor(target: DeliveryTarget): Lane {
    const key = laneKey(target);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { target: { platform: target.platform, channel: target.channel }, queue: [], running: false };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private async drain(lane: Lane): Promise<void> {
    lane.running = true;
    await Promise.resolve(); // deliver after the enqueue (or register) call returns, never inside it
    for (let event = lane.queue[0]; event && !this.closed; event = lane.queue[0]) {
      await this.deliverWithRetries(event, lane.target);
      lane.queue.shift();
    }
    lane.running = false;
    this.settle();
  }

  private async deliverWithRetries(event: CampaignEvent, target: DeliveryTarget): Promise<void> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        // Looked up at each attempt: a platform that registers again takes over its retries.
        await this.platforms.get(target.platform)!.deliver(event, target);
        return;
      } catch (error) {
        // "Too many requests": wait as long as the platform asked, without counting an attempt.
        if (error instanceof RateLimitedError) {
          attempt--;
          await this.sleep(error.retryAfterMs);
          continue;
        }
        if (attempt >= this.maxAttempts) {
          this.onGiveUp({ event, target, attempts: attempt, error });
          return;
        }
        await this.sleep(this.baseDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        resolve();
      }, ms);
      this.sleeps.set(timer, resolve);
    });
  }

  private isIdle(): boolean {
    for (const lane of this.lanes.values()) if (lane.running || lane.queue.length > 0) return false;
    return true;
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
