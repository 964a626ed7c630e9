// WakeUps: the timer the BullMQ scheduler keeps for the jobs it scheduled, so that a due job
// is handed to a worker at its time rather than at Redis's next server tick. Here each id's
// value is the id itself.
import { WakeUps } from '../../src/scheduler/bullmq-scheduler';

describe('WakeUps', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  function recording(): { due: string[][]; wakeUps: WakeUps<string> } {
    const due: string[][] = [];
    return { due, wakeUps: new WakeUps<string>((ids) => void due.push(ids)) };
  }

  it('hands over each id once, when its time has come, earliest first', () => {
    const { due, wakeUps } = recording();
    const t = Date.now();
    wakeUps.set('late', t + 300, 'late');
    wakeUps.set('early', t + 100, 'early');
    wakeUps.set('middle', t + 200, 'middle');
    jest.advanceTimersByTime(99);
    expect(due).toEqual([]);
    jest.advanceTimersByTime(2);
    expect(due).toEqual([['early']]);
    jest.advanceTimersByTime(300);
    expect(due).toEqual([['early'], ['middle'], ['late']]);
    jest.advanceTimersByTime(10_000);
    expect(due).toHaveLength(3);
    expect(wakeUps.size).toBe(0);
  });

  it('hands over together the ids due at the same time', () => {
    const { due, wakeUps } = recording();
    const t = Date.now();
    for (const id of ['a', 'b', 'c']) wakeUps.set(id, t + 50, id);
    jest.advanceTimersByTime(51);
    expect(due.map((ids) => [...ids].sort())).toEqual([['a', 'b', 'c']]);
  });

  it('keeps only the latest time of an id, earlier or later', () => {
    const { due, wakeUps } = recording();
    const t = Date.now();
    wakeUps.set('later', t + 100, 'later');
    wakeUps.set('later', t + 500, 'later');
    wakeUps.set('sooner', t + 400, 'sooner');
    wakeUps.set('sooner', t + 50, 'sooner');
    jest.advanceTimersByTime(60);
    expect(due).toEqual([['sooner']]);
    jest.advanceTimersByTime(100);
    expect(due).toEqual([['sooner']]);
    jest.advanceTimersByTime(400);
    expect(due).toEqual([['sooner'], ['later']]);
  });

  it('forgets a deleted id, and an id fired at the time it was deleted for only', () => {
    const { due, wakeUps } = recording();
    const t = Date.now();
    wakeUps.set('cancelled', t + 100, 'cancelled');
    wakeUps.set('retimed', t + 100, 'retimed');
    wakeUps.delete('cancelled');
    wakeUps.set('retimed', t + 300, 'retimed');
    wakeUps.delete('retimed', t + 100); // fired at its old time: its new time stands
    jest.advanceTimersByTime(1_000);
    expect(due).toEqual([['retimed']]);
  });

  it('waits for a time beyond what one timer can hold, and stops on clear', () => {
    const { due, wakeUps } = recording();
    const t = Date.now();
    wakeUps.set('in-five-weeks', t + 35 * 86_400_000, 'in-five-weeks');
    wakeUps.set('soon', t + 1_000, 'soon');
    wakeUps.clear();
    jest.advanceTimersByTime(36 * 86_400_000);
    expect(due).toEqual([]);
    wakeUps.set('in-five-weeks', Date.now() + 35 * 86_400_000, 'in-five-weeks');
    jest.advanceTimersByTime(35 * 86_400_000 + 1);
    expect(due).toEqual([['in-five-weeks']]);
  });
});
