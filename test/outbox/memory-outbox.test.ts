// What MemoryOutbox promises beyond the Outbox contract (test/contract/outbox.contract.ts).
import type { CampaignEvent } from '../../src/model/events';
import { MemoryOutbox, type DeliveryFailure } from '../../src/outbox/memory-outbox';

const T0 = Date.parse('2013-02-18T08:00:00Z');
const event = (id: string): CampaignEvent => ({ id, campaignId: 'c', categoryId: 'cat', at: T0, kind: 'phase.paused', phase: 'vote' });
const oneTarget = () => [{ platform: 'discord' as const, channel: 'g/1' }];

describe('MemoryOutbox', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('backs off exponentially from baseDelayMs between attempts, then gives up', async () => {
    jest.useFakeTimers({ now: T0 });
    const failures: DeliveryFailure[] = [];
    const outbox = new MemoryOutbox({ maxAttempts: 4, baseDelayMs: 200, onGiveUp: (f) => failures.push(f) });
    const attempts: number[] = [];
    outbox.register('discord', async () => {
      attempts.push(Date.now() - T0);
      throw new Error('503');
    }, oneTarget);
    await outbox.enqueue([event('e1')]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(attempts).toEqual([0, 200, 600, 1400]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ event: { id: 'e1' }, target: { platform: 'discord', channel: 'g/1' }, attempts: 4 });
    expect(String(failures[0]!.error)).toContain('503');
  });

  it('defaults to five attempts', async () => {
    const failures: DeliveryFailure[] = [];
    const outbox = new MemoryOutbox({ baseDelayMs: 0, onGiveUp: (f) => failures.push(f) });
    const deliver = jest.fn(async () => {
      throw new Error('down');
    });
    outbox.register('discord', deliver, oneTarget);
    await outbox.enqueue([event('e1')]);
    await outbox.idle();
    expect(deliver).toHaveBeenCalledTimes(5);
    expect(failures.map((f) => f.attempts)).toEqual([5]);
  });

  it('logs a delivery it gives up on when no onGiveUp is given', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const outbox = new MemoryOutbox({ maxAttempts: 1 });
    outbox.register('discord', async () => Promise.reject(new Error('down')), oneTarget);
    await outbox.enqueue([event('e1')]);
    await outbox.idle();
    expect(error).toHaveBeenCalledWith(expect.stringContaining('e1'), expect.any(Error));
    error.mockRestore();
  });

  it('reports a delivery it gives up on through onError when given one (the run writes it to its JSON log)', async () => {
    const error = jest.spyOn(console, 'error');
    const reported: [unknown, string][] = [];
    const outbox = new MemoryOutbox({ maxAttempts: 1, onError: (e, context) => reported.push([e, context]) });
    outbox.register('discord', async () => Promise.reject(new Error('down')), oneTarget);
    await outbox.enqueue([event('e1')]);
    await outbox.idle();
    expect(reported).toEqual([[new Error('down'), expect.stringMatching(/^outbox: gave up delivering e1 to discord\/\S+ after 1 attempts$/)]]);
    expect(error).not.toHaveBeenCalled();
    error.mockRestore();
  });

  it('delivers after enqueue returns, never inside it', async () => {
    const outbox = new MemoryOutbox();
    let inside = false;
    const calledInside: boolean[] = [];
    outbox.register('discord', async () => void calledInside.push(inside), oneTarget);
    inside = true;
    const queued = outbox.enqueue([event('e1')]);
    inside = false;
    await queued;
    await outbox.idle();
    expect(calledInside).toEqual([false]);
  });

  it('keeps its own copy of an event', async () => {
    const outbox = new MemoryOutbox();
    const got: CampaignEvent[] = [];
    const e = event('e1');
    await outbox.enqueue([e]);
    (e as { categoryId: string }).categoryId = 'changed';
    outbox.register('discord', async (ev) => void got.push(ev), oneTarget);
    await outbox.idle();
    expect(got[0]!.categoryId).toBe('cat');
  });

  it('stops retrying on close, and idle resolves', async () => {
    const outbox = new MemoryOutbox({ baseDelayMs: 60_000 });
    const deliver = jest.fn(async () => {
      throw new Error('down');
    });
    outbox.register('discord', deliver, oneTarget);
    await outbox.enqueue([event('e1'), event('e2')]);
    await new Promise((resolve) => setImmediate(resolve));
    await outbox.close();
    await outbox.idle();
    expect(deliver).toHaveBeenCalledTimes(1);
    await expect(outbox.enqueue([event('e3')])).rejects.toThrow(/closed/);
  });
});
