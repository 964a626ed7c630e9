import fc from 'fast-check';
import type { VoteRule } from '../../src/model/campaign';
import { campaign, fan, fixedCategory, harness, HOUR, T0 } from '../helpers/harness';

const OPTIONS = ['A', 'B', 'C', 'D'];

/** One step of a random vote stream: a fan (of 12) casts a choice (indexes into the options, possibly forged). */
const step = fc.record({
  voter: fc.integer({ min: 0, max: 11 }),
  choice: fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constant(-1)), { minLength: 0, maxLength: 4 }),
  concurrent: fc.boolean(),
});

const rules: VoteRule[] = [
  { method: 'single', allowChange: true },
  { method: 'single', allowChange: false },
  { method: 'approval', maxChoices: 3, allowChange: true },
  { method: 'approval', maxChoices: 2, allowChange: false },
  { method: 'ranked', allowChange: true },
];

describe('tallies under random command sequences', () => {
  it('keep the incremental tally equal to a recount, with at most one counted ballot per fan', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...rules), fc.array(step, { maxLength: 60 }), async (vote, steps) => {
        const h = await harness(campaign([fixedCategory('c', OPTIONS, { vote })]));
        await h.until(T0 + 2 * HOUR);
        const ids = (await h.store.getShortlist(h.spec.id, 'c')).map((p) => p.id);
        const accepted = new Map<string, string[]>();
        // Steps marked concurrent run together with the next one, as two messages arriving at once.
        let batch: Promise<void>[] = [];
        for (const s of steps) {
          const choice = s.choice.map((i) => (i < 0 ? 'forged' : ids[i]!));
          const who = `fan${s.voter}`;
          batch.push(h.run(fan(who), { type: 'vote', categoryId: 'c', choice }).then((r) => {
            if (r.ok) accepted.set(`local:${who}`, choice);
          }));
          if (!s.concurrent) { await Promise.all(batch); batch = []; }
        }
        await Promise.all(batch);

        const ballots = [];
        for await (const b of h.store.scanBallots(h.spec.id, 'c')) ballots.push(...b);
        // one ballot per fan
        expect(new Set(ballots.map((b) => b.voterKey)).size).toBe(ballots.length);
        expect(ballots.length).toBe(accepted.size);
        // without changes, the first accepted ballot stays
        const recount = await h.engine.recount(h.spec.id);
        expect(recount.agrees).toBe(true);
        expect(h.errors).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
