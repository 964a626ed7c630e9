import type { Clock } from '../ports/clock';

/** The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** The timer functions SystemClock uses; injectable so tests can watch the delays it asks for. */
export interface TimerApi {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SystemClockOptions {
  /** Timers do not keep the process alive (one-shot CLI commands). Default false: the bot wants them to. */
  readonly unref?: boolean;
  /** Defaults to the global timers, looked up at each call (so jest fake timers apply). */
  readonly timers?: TimerApi;
  /** Defaults to `Date.now`. */
  readonly now?: () => number;
}

const globalTimers: TimerApi = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * The wall clock. A timer fires once the clock has reached its time, never before, however
 * far away it is: waits longer than `setTimeout` allows are taken in chunks, and a timer
 * that wakes up early (wall clock moved) sleeps again.
 */
export class SystemClock implements Clock {
  private readonly timers: TimerApi;
  private readonly unref: boolean;
  private readonly clockNow: () => number;

  constructor(options: SystemClockOptions = {}) {
    this.timers = options.timers ?? globalTimers;
    this.unref = options.unref ?? false;
    this.clockNow = options.now ?? (() => Date.now());
  }

  now(): number {
    return this.clockNow();
  }

  setTimer(at: number, fn: () => void): () => void {
    let handle: unknown;
    let cancelled = false;
    const wake = (): void => {
      if (cancelled) return;
      if (this.now() >= at) fn();
      else arm();
    };
    const arm = (): void => {
      const wait = Math.min(Math.max(at - this.now(), 0), MAX_TIMEOUT_MS);
      handle = this.timers.setTimeout(wake, wait);
      if (this.unref) (handle as { unref?: () => void }).unref?.();
    };
    arm();
    return () => {
      cancelled = true;
      this.timers.clearTimeout(handle);
    };
  }
}
