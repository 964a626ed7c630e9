// Runs every port contract against the in-memory implementations.
import { VirtualClock } from '../../src/clock/virtual-clock';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import { MemoryPhaseScheduler } from '../../src/scheduler/memory-scheduler';
import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';
import { describeOutboxContract } from './outbox.contract';
import { describeSchedulerContract } from './scheduler.contract';
import { describeStoreContract } from './store.contract';
import { describeTrustContract } from './trust.contract';

describeStoreContract('memory', async () => {
  const outbox = new MemoryOutbox({ baseDelayMs: 0 });
  const store = new MemoryCampaignStore({ outbox });
  return {
    store,
    outbox,
    cleanup: async () => {
      await store.close();
      await outbox.close();
    },
  };
});

describeOutboxContract('memory', async ({ maxAttempts, onGiveUp }) => {
  const outbox = new MemoryOutbox({ maxAttempts, baseDelayMs: 1, onGiveUp: (f) => onGiveUp(f.event.id, f.target) });
  return { outbox, cleanup: () => outbox.close() };
});

describeSchedulerContract('memory', async ({ onError }) => {
  const clock = new VirtualClock(Date.parse('2013-02-18T08:00:00Z'));
  const scheduler = new MemoryPhaseScheduler({ clock, onError });
  return { scheduler, clock, advance: (ms) => clock.runUntil(clock.now() + ms), cleanup: () => scheduler.close() };
});

describeTrustContract('memory', async () => {
  const outbox = new MemoryOutbox({ baseDelayMs: 0 });
  const store = new MemoryCampaignStore({ outbox });
  return { store, outbox, cleanup: async () => { await store.close(); await outbox.close(); } };
}, 200);
