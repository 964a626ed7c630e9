import type { Clock } from '../ports/clock';
import type { JobHandler, PhaseJob, PhaseScheduler } from '../ports/phase-scheduler';

export interface MemoryPhaseSchedulerOptions {
  /** Fires the jobs: a SystemClock for the bot, a VirtualClock for tests and `cocreate simulate`. */
  readonly clock: Clock;
  /** Called when a handler rejects; the scheduler carries on. Default: logged with console.error. */
  readonly onError?: (error: unknown, job: PhaseJob) => void;
}

interface Entry {
  readonly job: PhaseJob;
  cancelTimer?: () => void;
}

const logError = (error: unknown, job: PhaseJob): void => {
  console.error(`scheduler: job ${job.id} failed`, error);
};

/**
 * A PhaseScheduler kept in the process, on top of a Clock. Each job fires once, at or after
 * its time, through the handler given to `start` (jobs already due fire as soon as the clock
 * runs); scheduling an id again replaces the pending job. A handler that rejects is reported
 * and does not stop later jobs. Jobs do not survive a restart: the engine reschedules them
 * from the store's state when it starts.
 */
export class MemoryPhaseScheduler implements PhaseScheduler {
  private readonly clock: Clock;
  private readonly onError: (error: unknown, job: PhaseJob) => void;
  private readonly jobs = new Map<string, Entry>();
  private handler: JobHandler | null = null;
  /** Handlers fired and not finished yet. */
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(options: MemoryPhaseSchedulerOptions) {
    this.clock = options.clock;
    this.onError = options.onError ?? logError;
  }

  async schedule(job: PhaseJob): Promise<void> {
    this.disarm(job.id);
    const entry: Entry = { job: { ...job } };
    this.jobs.set(job.id, entry);
    this.arm(entry);
  }

  async cancel(jobId: string): Promise<void> {
    this.disarm(jobId);
    this.jobs.delete(jobId);
  }

  async start(handler: JobHandler): Promise<void> {
    if (this.handler) throw new Error('MemoryPhaseScheduler already started');
    this.handler = handler;
    for (const entry of this.jobs.values()) this.arm(entry);
  }

  async pending(): Promise<PhaseJob[]> {
    return [...this.jobs.values()].map((e) => ({ ...e.job })).sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }

  /** Stops firing; jobs not fired yet stay listed by `pending`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.jobs.keys()) this.disarm(id);
  }

  private arm(entry: Entry): void {
    if (!this.handler || this.closed) return;
    entry.cancelTimer = this.clock.setTimer(entry.job.at, () => this.fire(entry));
  }

  private disarm(jobId: string): void {
    this.jobs.get(jobId)?.cancelTimer?.();
  }

  private fire(entry: Entry): void {
    // Removed before the handler runs, so the handler may schedule the same id again.
    this.jobs.delete(entry.job.id);
    const handler = this.handler!;
    const job = { ...entry.job };
    const running: Promise<void> = Promise.resolve()
      .then(() => handler(job))
      .catch((error: unknown) => this.onError(error, job))
      .finally(() => this.running.delete(running));
    this.running.add(running);
  }

  /** Resolves once no handler is running (handlers started meanwhile included). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
