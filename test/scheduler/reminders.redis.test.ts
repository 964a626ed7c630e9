// Declared reminders through the BullMQ scheduler on the real Redis: two engines (two bot
// processes) share one queue, and each reminder is fired once and reaches every channel once.
import type { Redis } from 'ioredis';
import { SystemClock } from '../../src/clock/system-clock';
import { Engine } from '../../src/engine/engine';
import type { CampaignEvent } from '../../src/model/events';
import type { Outbox } from '../../src/ports/outbox';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import { BullmqPhaseScheduler } from '../../src/scheduler/bullmq-scheduler';
import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';
import { campaign, fixedCategory } from '../helpers/harness';
import { connectOrFail, deleteByPrefix, uniquePrefix } from '../helpers/redis';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('reminders on the BullMQ scheduler', () => {
  let redis: Redis;
  beforeAll(async () => { redis = await connectOrFail(); });
  afterAll(async () => { await redis?.quit(); });

  it('fires each declared reminder once across two processes and delivers it once per channel', async () => {
    const prefix = uniquePrefix();
    const now = Date.now();
    // A vote from a second ago to 3 s from now, reminded 2 s and 1 s before it closes.
    const category = fixedCategory('flavour', ['Framboise', 'Citron'], {
      phases: [{ phase: 'vote', start: now - 1_000, end: now + 3_000 }], revealAt: now + 3_000,
    });
    const spec = campaign([category], { reminders: [{ phase: 'vote', beforeMs: 2_000 }, { phase: 'vote', beforeMs: 1_000 }] });
    const outbox = new MemoryOutbox({ baseDelayMs: 1 });
    const delivered: string[] = [];
    outbox.register('discord', async (event, target) => { if (event.kind === 'reminder') delivered.push(`${target.channel} ${event.id}`); },
      () => [{ platform: 'discord', channel: 'g/1' }, { platform: 'discord', channel: 'g/2' }]);
    const enqueued: string[] = [];
    const counting: Outbox = {
      enqueue: async (events: readonly CampaignEvent[]) => {
        for (const e of events) if (e.kind === 'reminder') enqueued.push(e.id);
        await outbox.enqueue(events);
      },
      register: (...a) => outbox.register(...a),
      idle: () => outbox.idle(),
      close: async () => {},
    };
    const store = new MemoryCampaignStore({ outbox });
    const errors: unknown[] = [];
    const schedulers = [0, 1].map(() => new BullmqPhaseScheduler({ connection: redis, prefix, onError: (e) => errors.push(e) }));
    const engines = schedulers.map((scheduler) => new Engine({
      campaigns: [spec], store, scheduler, outbox: counting, clock: new SystemClock(), onError: (e) => errors.push(e),
    }));
    try {
      for (const engine of engines) await engine.start();
      await sleep(3_600);
      await outbox.idle();
      expect(enqueued.sort()).toEqual(['test-campaign.flavour.reminder.vote.1000', 'test-campaign.flavour.reminder.vote.2000']);
      expect(delivered.sort()).toEqual([
        'g/1 test-campaign.flavour.reminder.vote.1000', 'g/1 test-campaign.flavour.reminder.vote.2000',
        'g/2 test-campaign.flavour.reminder.vote.1000', 'g/2 test-campaign.flavour.reminder.vote.2000',
      ]);
      expect(errors).toEqual([]);
    } finally {
      for (const scheduler of schedulers) await scheduler.close();
      await outbox.close();
      await deleteByPrefix(redis, prefix);
    }
  }, 20_000);
});
