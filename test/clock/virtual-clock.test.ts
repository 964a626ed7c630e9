import { MAX_TIMEOUT_MS, SystemClock, type TimerApi } from '../../src/clock/system-clock';
import { VirtualClock } from '../../src/clock/virtual-clock';

const T0 = Date.parse('2013-02-18T08:00:00Z');
const DAY = 24 * 3600 * 1000;

describe('VirtualClock', () => {
  it('starts at the given time and moves only when advanced', () => {
    const clock = new VirtualClock(T0);
    expect(clock.now()).toBe(T0);
    clock.advanceBy(500);
    expect(clock.now()).toBe(T0 + 500);
    clock.advanceTo(T0 + 2000);
    expect(clock.now()).toBe(T0 + 2000);
  });

  it('fires due timers in time order, reading each timer’s time while it runs', () => {
    const clock = new VirtualClock(T0);
    const seen: [string, number][] = [];
    clock.setTimer(T0 + 300, () => seen.push(['c', clock.now()]));
    clock.setTimer(T0 + 100, () => seen.push(['a', clock.now()]));
    clock.setTimer(T0 + 200, () => seen.push(['b', clock.now()]));
    clock.setTimer(T0 + 900, () => seen.push(['late', clock.now()]));
    clock.advanceTo(T0 + 500);
    expect(seen).toEqual([
      ['a', T0 + 100],
      ['b', T0 + 200],
      ['c', T0 + 300],
    ]);
    expect(clock.now()).toBe(T0 + 500);
  });

  it('fires timers due at the same time in the order they were set', () => {
    const clock = new VirtualClock(T0);
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) clock.setTimer(T0 + 10, () => seen.push(i));
    clock.advanceBy(10);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('fires a timer set by a timer when it is due within the same advance', () => {
    const clock = new VirtualClock(T0);
    const seen: string[] = [];
    clock.setTimer(T0 + 100, () => {
      seen.push('first');
      clock.setTimer(T0 + 150, () => seen.push('chained'));
      clock.setTimer(T0 + 5000, () => seen.push('too late'));
    });
    clock.advanceBy(1000);
    expect(seen).toEqual(['first', 'chained']);
  });

  it('fires a timer set in the past on the next advance, without moving back', () => {
    const clock = new VirtualClock(T0);
    const seen: number[] = [];
    clock.setTimer(T0 - 1000, () => seen.push(clock.now()));
    expect(seen).toEqual([]);
    clock.advanceBy(0);
    expect(seen).toEqual([T0]);
  });

  it('never fires a cancelled timer', () => {
    const clock = new VirtualClock(T0);
    const fn = jest.fn();
    const cancel = clock.setTimer(T0 + 10, fn);
    cancel();
    clock.advanceBy(100);
    expect(fn).not.toHaveBeenCalled();
  });

  it('tells when the next live timer is due', () => {
    const clock = new VirtualClock(T0);
    expect(clock.nextTimerAt()).toBeNull();
    const cancel = clock.setTimer(T0 + 10, () => {});
    clock.setTimer(T0 + 20, () => {});
    expect(clock.nextTimerAt()).toBe(T0 + 10);
    cancel();
    expect(clock.nextTimerAt()).toBe(T0 + 20);
    clock.advanceBy(50);
    expect(clock.nextTimerAt()).toBeNull();
  });

  it('refuses to go back in time', () => {
    const clock = new VirtualClock(T0);
    expect(() => clock.advanceTo(T0 - 1)).toThrow(RangeError);
  });

  it('runs thousands of timers in order', () => {
    const clock = new VirtualClock(T0);
    const seen: number[] = [];
    const times = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    for (const t of times) clock.setTimer(T0 + t, () => seen.push(clock.now() - T0));
    clock.advanceBy(5000);
    expect(seen).toEqual([...times].sort((a, b) => a - b));
  });

  describe('runUntil', () => {
    it('lets the async work a timer started settle before the next timer fires', async () => {
      const clock = new VirtualClock(T0);
      const seen: string[] = [];
      clock.setTimer(T0 + 100, () => {
        void (async () => {
          for (let i = 0; i < 5; i++) await Promise.resolve();
          seen.push('first settled');
        })();
      });
      clock.setTimer(T0 + 100, () => seen.push('second'));
      await clock.runUntil(T0 + 1000);
      expect(seen).toEqual(['first settled', 'second']);
      expect(clock.now()).toBe(T0 + 1000);
    });

    it('fires timers set by async handlers after an await', async () => {
      const clock = new VirtualClock(T0);
      const seen: number[] = [];
      clock.setTimer(T0 + 100, () => {
        void Promise.resolve().then(() => clock.setTimer(clock.now() + 100, () => seen.push(clock.now())));
      });
      await clock.runUntil(T0 + 500);
      expect(seen).toEqual([T0 + 200]);
    });

    it('refuses to go back in time', async () => {
      const clock = new VirtualClock(T0);
      await expect(clock.runUntil(T0 - 1)).rejects.toThrow(RangeError);
    });

    it('still runs when a test has faked the global timers', async () => {
      jest.useFakeTimers();
      try {
        const clock = new VirtualClock(T0);
        const fn = jest.fn();
        clock.setTimer(T0 + 10, fn);
        await clock.runUntil(T0 + 20);
        expect(fn).toHaveBeenCalledTimes(1);
      } finally {
        jest.useRealTimers();
      }
    });
  });
});

describe('SystemClock', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('reads the wall clock, faked or not, at each call', () => {
    const clock = new SystemClock();
    jest.useFakeTimers({ now: T0 });
    expect(clock.now()).toBe(T0);
    jest.useRealTimers();
    expect(clock.now()).toBeGreaterThan(T0);
  });

  it('reads the wall clock', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('fires a timer at its time, not before', () => {
    jest.useFakeTimers({ now: T0 });
    const clock = new SystemClock();
    const fn = jest.fn();
    clock.setTimer(T0 + 1000, fn);
    jest.advanceTimersByTime(999);
    expect(fn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('fires a timer set in the past at once, asynchronously', () => {
    jest.useFakeTimers({ now: T0 });
    const fn = jest.fn();
    new SystemClock().setTimer(T0 - 1000, fn);
    expect(fn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('fires a timer five weeks away after five weeks', () => {
    jest.useFakeTimers({ now: T0 });
    const fn = jest.fn();
    new SystemClock().setTimer(T0 + 35 * DAY, fn);
    jest.advanceTimersByTime(35 * DAY - 1);
    expect(fn).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('never asks setTimeout for more than 2^31-1 ms', () => {
    let now = T0;
    const delays: number[] = [];
    let pending: (() => void) | undefined;
    const timers: TimerApi = {
      setTimeout: (fn, ms) => {
        delays.push(ms);
        pending = () => {
          now += ms;
          fn();
        };
        return delays.length;
      },
      clearTimeout: () => {},
    };
    const fn = jest.fn();
    new SystemClock({ timers, now: () => now }).setTimer(T0 + 60 * DAY, fn);
    while (!fn.mock.calls.length) pending!();
    expect(delays).toEqual([MAX_TIMEOUT_MS, MAX_TIMEOUT_MS, 60 * DAY - 2 * MAX_TIMEOUT_MS]);
    expect(now).toBe(T0 + 60 * DAY);
  });

  it('sleeps again when setTimeout wakes it up before its time', () => {
    let now = T0;
    const delays: number[] = [];
    let pending: (() => void) | undefined;
    const timers: TimerApi = {
      setTimeout: (fn, ms) => {
        delays.push(ms);
        pending = () => {
          now += delays.length === 1 ? ms - 5 : ms; // the first wake-up comes 5 ms early
          fn();
        };
        return 0;
      },
      clearTimeout: () => {},
    };
    const fn = jest.fn();
    new SystemClock({ timers, now: () => now }).setTimer(T0 + 100, fn);
    pending!();
    expect(fn).not.toHaveBeenCalled();
    expect(delays).toEqual([100, 5]);
    pending!();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(now).toBe(T0 + 100);
  });

  it('never fires a cancelled timer, even mid-chunk', () => {
    jest.useFakeTimers({ now: T0 });
    const fn = jest.fn();
    const cancel = new SystemClock().setTimer(T0 + 40 * DAY, fn);
    jest.advanceTimersByTime(30 * DAY);
    cancel();
    jest.advanceTimersByTime(30 * DAY);
    expect(fn).not.toHaveBeenCalled();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps the process alive by default and unrefs its timers when asked', () => {
    const unref = jest.fn();
    const timers: TimerApi = { setTimeout: () => ({ unref }), clearTimeout: () => {} };
    new SystemClock({ timers }).setTimer(Date.now() + 10, () => {});
    expect(unref).not.toHaveBeenCalled();
    new SystemClock({ timers, unref: true }).setTimer(Date.now() + 10, () => {});
    expect(unref).toHaveBeenCalledTimes(1);
  });
});
