// Verifiable results and the audit log through the real engine on the Redis store (the
// shared Redis and the local Redis Cluster): after any sequence of votes the tally equals the
// recount and the results manifest verifies; receipts are found in it; actions are audited.
import fc from 'fast-check';
import type { Cluster, Redis } from 'ioredis';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { Engine } from '../../src/engine/engine';
import type { VoteRule } from '../../src/model/campaign';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import { MemoryPhaseScheduler } from '../../src/scheduler/memory-scheduler';
import { RedisCampaignStore } from '../../src/stores/redis/redis-store';
import { DAY, HOUR, T0, campaign, fan, fixedCategory, ok } from '../helpers/harness';
import { uniquePrefix } from '../helpers/redis';
import { redisTargets } from '../helpers/redis-targets';
import { connectTo, deleteKeys, deploymentOf } from '../helpers/redis-worker';

const OPTIONS = ['A', 'B', 'C', 'D'];

describe.each(redisTargets())('verifiable results on $name', (target) => {
  let redis: Redis | Cluster;
  let prefix: string;
  let runs = 0;

  beforeAll(async () => {
    redis = await connectTo(deploymentOf(target));
    prefix = uniquePrefix();
  });

  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  async function engineFor(vote: VoteRule) {
    const spec = campaign([fixedCategory('c', OPTIONS, { vote })], { id: `trust-${++runs}` });
    const clock = new VirtualClock(T0);
    const errors: unknown[] = [];
    const store = new RedisCampaignStore({ redis, prefix });
    const outbox = new MemoryOutbox({ baseDelayMs: 1 });
    const scheduler = new MemoryPhaseScheduler({ clock, onError: (e) => errors.push(e) });
    const engine = new Engine({ campaigns: [spec], store, scheduler, outbox, clock, onError: (e) => errors.push(e) });
    await engine.start();
    const until = async (t: number) => { await clock.runUntil(t); await scheduler.idle(); };
    const close = async () => { await scheduler.close(); await engine.idle(); await outbox.close(); await store.close(); };
    return { spec, engine, store, errors, until, close };
  }

  it('recounts to the tally and verifies the manifest after any sequence of votes and erasures', async () => {
    const rules: VoteRule[] = [
      { method: 'single', allowChange: true },
      { method: 'single', allowChange: false },
      { method: 'approval', maxChoices: 3, allowChange: true },
      { method: 'ranked', allowChange: true },
    ];
    const step = fc.record({
      voter: fc.integer({ min: 0, max: 9 }),
      choice: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
      concurrent: fc.boolean(),
      erase: fc.integer({ min: 0, max: 5 }).map((n) => n === 0), // about one step in six: that fan's /forgetme
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...rules), fc.array(step, { maxLength: 30 }), fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }), async (vote, steps, erasedAfter) => {
        const h = await engineFor(vote);
        try {
          await h.until(T0 + 2 * HOUR);
          const ids = (await h.store.getShortlist(h.spec.id, 'c')).map((p) => p.id);
          let batch: Promise<unknown>[] = [];
          for (const s of steps) {
            const command = s.erase
              ? { type: 'forgetme' as const, campaignId: h.spec.id }
              : { type: 'vote' as const, campaignId: h.spec.id, categoryId: 'c', choice: s.choice.map((i) => ids[i]!) };
            batch.push(h.engine.execute(command, fan(`fan${s.voter}`)));
            if (!s.concurrent) { await Promise.all(batch); batch = []; }
          }
          await Promise.all(batch);
          expect((await h.engine.recount(h.spec.id)).agrees).toBe(true);
          await h.until(T0 + 3 * DAY);
          await h.engine.idle();
          const published = await h.engine.manifest(h.spec.id, { ballots: true });
          expect(published.categories.map((c) => c.id)).toEqual(['c']); // revealed: a manifest with something to check
          expect((await h.engine.verifyManifest(published)).categories.flatMap((c) => c.problems)).toEqual([]);
          // erasures after the reveal: the published manifest still verifies, and nothing it shows changes
          for (const voter of erasedAfter) await h.engine.execute({ type: 'forgetme', campaignId: h.spec.id }, fan(`fan${voter}`));
          const report = await h.engine.verifyManifest(published);
          expect(report.categories.flatMap((c) => c.problems)).toEqual([]);
          expect((await h.engine.manifest(h.spec.id, { ballots: true })).categories).toEqual(published.categories);
          expect((await h.engine.recount(h.spec.id)).agrees).toBe(true);
          expect(h.errors).toEqual([]);
        } finally {
          await h.close();
        }
      }),
      { numRuns: 12 },
    );
  });

  it('gives a fan a receipt found in the manifest, and audits a manager action', async () => {
    const h = await engineFor({ method: 'single', allowChange: true });
    try {
      await h.until(T0 + 2 * HOUR);
      const ids = (await h.store.getShortlist(h.spec.id, 'c')).map((p) => p.id);
      ok(await h.engine.execute({ type: 'vote', campaignId: h.spec.id, categoryId: 'c', choice: [ids[2]!] }, fan('ann')));
      const receipt = ok(await h.engine.execute({ type: 'receipt', campaignId: h.spec.id }, fan('ann')));
      const status = ok(await h.engine.execute({ type: 'status', campaignId: h.spec.id }, fan('ann')));
      expect(status.type === 'status' && status.categories[0]!.ballots).toBeNull();
      ok(await h.engine.execute({ type: 'advance', campaignId: h.spec.id, categoryId: 'c' }, fan('lea', ['manager'])));
      const manifest = await h.engine.manifest(h.spec.id, { ballots: true });
      const item = receipt.type === 'receipt' ? receipt.receipts[0]! : null;
      expect(manifest.categories[0]!.ballotList).toContainEqual([item!.fanHash, [ids[2]]]);
      expect((await h.engine.verifyManifest(manifest)).ok).toBe(true);
      const log = await h.engine.auditLog(h.spec.id);
      expect(log).toEqual([expect.objectContaining({ action: 'advance', categoryId: 'c', actor: expect.objectContaining({ userId: 'lea' }), before: expect.objectContaining({ phase: 'vote' }), after: expect.objectContaining({ phase: 'reveal' }) })]);
    } finally {
      await h.close();
    }
  });
});
