import { DelayedError, Job, Queue, Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { JobHandler, PhaseJob, PhaseScheduler } from '../ports/phase-scheduler';
import { DEFAULT_PREFIX } from '../stores/redis/keys';

export interface BullmqPhaseSchedulerOptions {
  /**
   * Shared with the queue (fail-fast options are fine). The worker gets its own connections,
   * copied from this one with the options BullMQ needs (see workerCopy).
   */
  readonly connection: Redis | Cluster;
  /** The deployment's key prefix, as the store's. Default `cocreate:`. */
  readonly prefix?: string;
  /** Default `phases`. The queue's keys are `<prefix>{<queueName>}:…`: one Redis Cluster slot. */
  readonly queueName?: string;
  /** Called when a handler rejects; the job is not retried. Default: logged with console.error. */
  readonly onError?: (error: unknown, job: PhaseJob) => void;
  /** Called with the queue's and worker's errors (Redis going away); they carry on. Default: logged with console.error. */
  readonly onQueueError?: (error: unknown, context: string) => void;
  /**
   * Jobs fired at once by this process. Default DEFAULT_CONCURRENCY: a handler mostly waits on
   * Redis (the transition, the results, the next jobs), so a few slow handlers must not hold
   * back the jobs falling due behind them.
   */
  readonly concurrency?: number;
  /** How long a fired job's id is kept (its record only: scheduling the id again still works). Default one day. */
  readonly keepFiredSec?: number;
}

/** What a job id being fired by this process was asked meanwhile. */
interface Firing {
  next?: PhaseJob | undefined;
}

const JOB_NAME = 'phase';
/** How long `schedule` waits for another process to finish firing the same id. */
const WAIT_FOR_OTHER_MS = 90_000;
/** The default number of jobs fired at once by one process. */
export const DEFAULT_CONCURRENCY = 32;
/** The longest a wake-up timer is set for (Node's timers take at most about 24 days). */
const MAX_TIMER_MS = 3_600_000;

const logError = (error: unknown, job: PhaseJob): void => {
  console.error(`scheduler: job ${job.id} failed`, error);
};

/**
 * A PhaseScheduler on BullMQ: each PhaseJob is a delayed BullMQ job whose id is the PhaseJob id,
 * so jobs survive restarts and are shared by every process on the same Redis. A job fires
 * once, at or after its time, in whichever process's worker takes it (jobs that fell due
 * while every process was down fire when a worker starts). Scheduling an id again replaces
 * the job not fired yet, a fired one kept in the completed set, and one being fired right
 * now (it then fires again at the new time). A handler that rejects is reported and not
 * retried: the engine's compare-and-set makes any duplicate or late firing harmless.
 *
 * On time: BullMQ's worker waits for a delayed job with a blocking command whose timeout
 * Redis only notices on its next event, at worst one server tick later (100 ms at the default
 * `hz 10`). So each process also keeps a timer for the jobs it scheduled, and when one falls
 * due it promotes it (`Job.promote`, which wakes a worker at once). That only brings a due
 * job forward: a job promoted early (re-timed meanwhile by another process) is put back to
 * wait for its time by the worker, and a wake-up that fails changes nothing but the delay.
 */
export class BullmqPhaseScheduler implements PhaseScheduler {
  private readonly queue: Queue<PhaseJob>;
  private readonly connection: Redis | Cluster;
  private readonly prefix: string;
  private readonly queueName: string;
  private readonly onError: (error: unknown, job: PhaseJob) => void;
  private readonly onQueueError: (error: unknown, context: string) => void;
  private readonly concurrency: number;
  private readonly keepFiredSec: number;
  /** Ids whose handler runs in this process now. */
  private readonly firing = new Map<string, Firing>();
  private worker: Worker<PhaseJob> | null = null;
  private workerConnection: Redis | Cluster | null = null;
  private closed = false;
  /** When the jobs this process scheduled fall due (see the class comment). */
  private readonly wakeUps: WakeUps<PhaseJob>;

  constructor(options: BullmqPhaseSchedulerOptions) {
    this.connection = options.connection;
    this.prefix = bullmqPrefix(options.prefix ?? DEFAULT_PREFIX);
    this.queueName = hashTagged(options.queueName ?? 'phases');
    this.onError = options.onError ?? logError;
    this.onQueueError = options.onQueueError ?? ((error, context) => console.error(context, error));
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.keepFiredSec = options.keepFiredSec ?? 86_400;
    this.queue = new Queue<PhaseJob>(this.queueName, { connection: this.connection, prefix: this.prefix });
    this.queue.on('error', (error) => this.onQueueError(error, 'scheduler: queue'));
    this.wakeUps = new WakeUps<PhaseJob>((jobs) => this.promoteDue(jobs));
  }

  async schedule(job: PhaseJob): Promise<void> {
    const data = phaseJob(job);
    const firing = this.firing.get(data.id);
    if (firing) {
      firing.next = data; // fired again once its handler returns (see process)
      this.wakeUps.set(data.id, data.at, data);
      return;
    }
    await this.removeWhenNotFiring(data.id);
    await this.queue.add(JOB_NAME, data, { jobId: data.id, delay: Math.max(0, data.at - Date.now()) });
    if (!this.closed) this.wakeUps.set(data.id, data.at, data);
  }

  async cancel(jobId: string): Promise<void> {
    const firing = this.firing.get(jobId);
    if (firing) firing.next = undefined;
    this.wakeUps.delete(jobId);
    await this.queue.remove(jobId); // 0 when being fired elsewhere: too late to cancel
  }

  async start(handler: JobHandler): Promise<void> {
    if (this.worker) throw new Error('BullmqPhaseScheduler already started');
    if (this.closed) throw new Error('BullmqPhaseScheduler is closed');
    this.workerConnection = workerCopy(this.connection);
    this.worker = new Worker<PhaseJob>(this.queueName, (job, token) => this.process(job, token, handler), {
      connection: this.workerConnection ?? this.connection,
      prefix: this.prefix,
      concurrency: this.concurrency,
      removeOnComplete: { age: this.keepFiredSec },
      removeOnFail: { age: this.keepFiredSec },
    });
    this.worker.on('error', (error) => this.onQueueError(error, 'scheduler: worker'));
    await this.worker.waitUntilReady();
  }

  async pending(): Promise<PhaseJob[]> {
    const jobs = await this.queue.getJobs(['delayed', 'waiting', 'prioritized']);
    return jobs
      .filter((j): j is Job<PhaseJob> => Boolean(j?.data))
      .map((j) => phaseJob(j.data))
      .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }

  /** Stops firing in this process (a handler running is awaited); jobs stay in Redis. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUps.clear();
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
  }

  private async process(job: Job<PhaseJob>, token: string | undefined, handler: JobHandler): Promise<void> {
    // A job can come early: moved by a process whose clock runs ahead, or re-timed below and
    // interrupted between updateData and moveToDelayed. It never fires before its time.
    if (job.data.at > Date.now()) await this.delay(job, job.data.at, token);
    this.wakeUps.delete(job.data.id, job.data.at);
    const firing: Firing = {};
    this.firing.set(job.data.id, firing);
    try {
      await handler(phaseJob(job.data));
    } catch (error) {
      this.onError(error, phaseJob(job.data));
    } finally {
      this.firing.delete(job.data.id);
    }
    // Scheduled again while its handler ran: the same BullMQ job waits for the new time.
    if (firing.next) {
      await job.updateData(firing.next);
      await this.delay(job, firing.next.at, token);
    }
  }

  private async delay(job: Job<PhaseJob>, at: number, token: string | undefined): Promise<never> {
    await job.moveToDelayed(at, token);
    throw new DelayedError();
  }

  /**
   * Moves the jobs, now due by this process's clock, from delayed to waiting, which wakes a
   * worker at once (this process's or another's). Best effort: a job already taken or removed
   * is left alone ("not in the delayed state"), one re-timed meanwhile by another process goes
   * back to wait for its time when a worker takes it (see process), and any failure only leaves
   * the job to BullMQ's own, later, wake-up.
   */
  private async promoteDue(jobs: readonly PhaseJob[]): Promise<void> {
    if (this.closed) return;
    await Promise.all(jobs.map(async (data) => {
      try {
        // promote() needs only the id: no read of the job first.
        await new Job<PhaseJob>(this.queue, JOB_NAME, data, {}, data.id).promote();
      } catch {
        // Taken by a worker meanwhile, removed, or Redis away: nothing to do.
      }
    }));
  }

  /** Removes the job `id` (pending or fired); waits while another process fires it. */
  private async removeWhenNotFiring(id: string): Promise<void> {
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    while ((await this.queue.remove(id)) === 0) {
      if (Date.now() > deadline) throw new Error(`scheduler: job ${id} is still being fired elsewhere`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Due times of ids (each with a value), and one timer for the earliest: when it fires, `due`
 * gets the value of every id whose time has come (once each), and the timer is set for the
 * next. Setting an id again replaces its time and value; the timer never keeps the process alive.
 */
export class WakeUps<T> {
  private readonly at = new Map<string, number>();
  private readonly values = new Map<string, T>();
  /** (time, id) pairs, earliest first; a pair whose id has another time now is skipped. */
  private heap: [number, string][] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;

  constructor(private readonly due: (values: T[]) => void | Promise<void>, private readonly now: () => number = Date.now) {}

  /** Hands `value` over at `at` (epoch ms, or at once if past), replacing what `id` had. */
  set(id: string, at: number, value: T): void {
    this.at.set(id, at);
    this.values.set(id, value);
    this.push([at, id]);
    if (at < this.timerAt) this.arm();
  }

  /** Forgets `id` (only if its time is `at`, when given). */
  delete(id: string, at?: number): void {
    if (at !== undefined && this.at.get(id) !== at) return;
    this.at.delete(id);
    this.values.delete(id);
  }

  /** Forgets every id and stops the timer. */
  clear(): void {
    this.at.clear();
    this.values.clear();
    this.heap = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  /** Ids waiting for their time. */
  get size(): number {
    return this.at.size;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    while (this.heap.length > 0 && this.at.get(this.heap[0]![1]) !== this.heap[0]![0]) this.pop();
    const next = this.heap[0];
    if (!next) return;
    this.timerAt = next[0];
    // A millisecond past the due time: a timer fires at or after its delay, never before.
    const delay = Math.min(Math.max(0, next[0] - this.now()) + 1, MAX_TIMER_MS);
    this.timer = setTimeout(() => this.fire(), delay);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = this.now();
    const values: T[] = [];
    while (this.heap.length > 0 && this.heap[0]![0] <= now) {
      const [at, id] = this.pop();
      if (this.at.get(id) !== at) continue;
      values.push(this.values.get(id)!);
      this.delete(id);
    }
    if (values.length > 0) void Promise.resolve(this.due(values)).catch(() => {});
    this.arm();
  }

  private push(entry: [number, string]): void {
    const heap = this.heap;
    heap.push(entry);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (heap[parent]![0] <= heap[i]![0]) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): [number, string] {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let min = i;
        if (l < heap.length && heap[l]![0] < heap[min]![0]) min = l;
        if (r < heap.length && heap[r]![0] < heap[min]![0]) min = r;
        if (min === i) break;
        [heap[min], heap[i]] = [heap[i]!, heap[min]!];
        i = min;
      }
    }
    return top;
  }
}

/** A plain copy with exactly the PhaseJob fields (what the handler and `pending` see). */
function phaseJob(j: PhaseJob): PhaseJob {
  return {
    id: j.id, campaignId: j.campaignId, categoryId: j.categoryId, kind: j.kind, from: j.from, version: j.version, at: j.at,
    ...(typeof j.beforeMs === 'number' ? { beforeMs: j.beforeMs } : {}),
  };
}

/** BullMQ's prefix: the deployment prefix without its trailing `:` (BullMQ adds one). */
export function bullmqPrefix(prefix: string): string {
  const trimmed = prefix.replace(/:+$/, '');
  if (!trimmed) throw new Error('a non-empty key prefix is required');
  return trimmed;
}

/** `name` as a Redis Cluster hash tag, unless it already holds one. */
export function hashTagged(name: string): string {
  return /\{[^}]+\}/.test(name) ? name : `{${name}}`;
}

/**
 * A lazily connecting copy of `connection` for a BullMQ Worker, which copies it again for its
 * own connections: `maxRetriesPerRequest: null` (BullMQ refuses other values), the offline
 * queue on and no `commandTimeout` (a worker waits out disconnections, and blocks on Redis for
 * seconds), whatever fail-fast options the shared connection has. Null when it already
 * qualifies. The caller disconnects the copy on close.
 */
export function workerCopy(connection: Redis | Cluster): Redis | Cluster | null {
  if ('isCluster' in connection && connection.isCluster) {
    const cluster = connection as Cluster;
    const override = {
      enableOfflineQueue: true,
      lazyConnect: true,
      redisOptions: { ...cluster.options.redisOptions, maxRetriesPerRequest: null, commandTimeout: undefined },
    };
    return cluster.duplicate(undefined, override as Parameters<Cluster['duplicate']>[1]);
  }
  const redis = connection as Redis;
  const { maxRetriesPerRequest, enableOfflineQueue, commandTimeout } = redis.options;
  if (maxRetriesPerRequest === null && enableOfflineQueue !== false && commandTimeout === undefined) return null;
  return redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true, commandTimeout: undefined, lazyConnect: true });
}
