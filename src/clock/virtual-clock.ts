import type { Clock } from '../ports/clock';

// Taken at load time, so that `runUntil` still yields to the event loop when a test has
// installed fake timers (which replace the global setImmediate).
const realSetImmediate = setImmediate;
const yieldMacrotask = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

interface Timer {
  readonly at: number;
  /** Order of `setTimer` calls: timers due at the same time fire in the order they were set. */
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * Time that moves only when told to, for tests and `cocreate simulate`. Timers fire only
 * inside `advanceTo`, `advanceBy` or `runUntil`, in time order (ties: the order they were
 * set), with `now()` reading each timer's time while it runs; a timer set by a timer fires
 * in the same call when it is due. A timer set for a time already past is due at once: it
 * fires on the next advance, even `advanceBy(0)`. Time never goes back.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly queue = new TimerHeap();
  private setCount = 0;

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(at: number, fn: () => void): () => void {
    const timer: Timer = { at, order: this.setCount++, fn, cancelled: false };
    this.queue.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** When the earliest pending timer is due, or null when none is pending. */
  nextTimerAt(): number | null {
    return this.peekLive()?.at ?? null;
  }

  /** Fires every timer due up to `t`, synchronously, then sets the clock to `t`. */
  advanceTo(t: number): void {
    this.checkForward(t);
    for (let timer = this.takeDue(t); timer; timer = this.takeDue(t)) this.fire(timer);
    this.current = t;
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /**
   * Like `advanceTo`, but yields a macrotask after each timer, so that the promises an
   * async handler started settle (and may set timers) before the next timer fires.
   */
  async runUntil(t: number): Promise<void> {
    this.checkForward(t);
    for (let timer = this.takeDue(t); timer; timer = this.takeDue(t)) {
      this.fire(timer);
      await yieldMacrotask();
    }
    this.current = t;
  }

  private fire(timer: Timer): void {
    this.current = Math.max(this.current, timer.at);
    timer.fn();
  }

  private takeDue(t: number): Timer | undefined {
    const next = this.peekLive();
    return next && next.at <= t ? this.queue.pop() : undefined;
  }

  private peekLive(): Timer | undefined {
    while (this.queue.peek()?.cancelled) this.queue.pop();
    return this.queue.peek();
  }

  private checkForward(t: number): void {
    if (t < this.current) throw new RangeError(`VirtualClock cannot go back from ${this.current} to ${t}`);
  }
}

/** A binary min-heap of timers by (at, order): simulate may hold one timer per fan. */
class TimerHeap {
  private readonly items: Timer[] = [];

  peek(): Timer | undefined {
    return this.items[0];
  }

  push(timer: Timer): void {
    this.items.push(timer);
    this.siftUp(this.items.length - 1);
  }

  pop(): Timer | undefined {
    const top = this.items[0];
    const last = this.items.pop();
    if (top !== last && last) {
      this.items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < this.items.length && this.before(left, first)) first = left;
      if (right < this.items.length && this.before(right, first)) first = right;
      if (first === i) return;
      this.swap(i, first);
      i = first;
    }
  }

  private before(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.at < y.at || (x.at === y.at && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const x = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = x;
  }
}
