// What MemoryPhaseScheduler promises beyond the PhaseScheduler contract (test/contract/scheduler.contract.ts).
import { SystemClock } from '../../src/clock/system-clock';
import { VirtualClock } from '../../src/clock/virtual-clock';
import type { PhaseJob } from '../../src/ports/phase-scheduler';
import { MemoryPhaseScheduler } from '../../src/scheduler/memory-scheduler';

const T0 = Date.parse('2013-02-18T08:00:00Z');
const DAY = 24 * 3600 * 1000;
const job = (at: number): PhaseJob => ({ id: 'c.cat.phase.due.propose', campaignId: 'c', categoryId: 'cat', kind: 'phase.due', from: 'propose', version: 1, at });

describe('MemoryPhaseScheduler', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('fires a phase end weeks away on the system clock', async () => {
    jest.useFakeTimers({ now: T0 });
    const fired: number[] = [];
    const scheduler = new MemoryPhaseScheduler({ clock: new SystemClock() });
    await scheduler.start(async () => void fired.push(Date.now()));
    await scheduler.schedule(job(T0 + 35 * DAY));
    await jest.advanceTimersByTimeAsync(35 * DAY);
    expect(fired).toEqual([T0 + 35 * DAY]);
    await scheduler.close();
  });

  it('refuses to start twice', async () => {
    const scheduler = new MemoryPhaseScheduler({ clock: new VirtualClock(T0) });
    await scheduler.start(async () => {});
    await expect(scheduler.start(async () => {})).rejects.toThrow(/already started/);
  });

  it('logs a failing handler when no onError is given', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const clock = new VirtualClock(T0);
    const scheduler = new MemoryPhaseScheduler({ clock });
    await scheduler.start(() => Promise.reject(new Error('boom')));
    await scheduler.schedule(job(T0 + 10));
    await clock.runUntil(T0 + 20);
    expect(error).toHaveBeenCalledWith(expect.stringContaining('c.cat.phase.due.propose'), expect.any(Error));
    error.mockRestore();
  });

  it('fires nothing scheduled after close', async () => {
    const clock = new VirtualClock(T0);
    const scheduler = new MemoryPhaseScheduler({ clock });
    const handler = jest.fn(async () => {});
    await scheduler.start(handler);
    await scheduler.close();
    await scheduler.schedule(job(T0 + 10));
    await clock.runUntil(T0 + 20);
    expect(handler).not.toHaveBeenCalled();
  });

  it('keeps the jobs not fired listed after close', async () => {
    const scheduler = new MemoryPhaseScheduler({ clock: new VirtualClock(T0) });
    await scheduler.schedule(job(T0 + 10));
    await scheduler.close();
    expect(await scheduler.pending()).toEqual([job(T0 + 10)]);
  });

  it('tells when the handlers it fired have finished, slow ones included', async () => {
    const clock = new VirtualClock(T0);
    const scheduler = new MemoryPhaseScheduler({ clock });
    const done: number[] = [];
    await scheduler.start(async (j) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      done.push(j.at);
    });
    await scheduler.idle();
    await scheduler.schedule(job(T0 + 10));
    await clock.runUntil(T0 + 20);
    expect(done).toEqual([]);
    await scheduler.idle();
    expect(done).toEqual([T0 + 10]);
    await scheduler.close();
  });
});
