// Many categories revealed together (a campaign whose categories close at the same deadline):
// the transitions due must not wait behind the work that follows a reveal. Each scheduled
// transition costs one read of the state, and the seals (hashing each category's ballots) run
// one after the other, once per category, and skip the read when no ballot was counted.
import { ballotsDigest } from '../../src/engine/manifest';
import { campaign, fan, fixedCategory, harness, HOUR, ok, T0, DAY, type Harness } from '../helpers/harness';

const OPTIONS = ['A', 'B'];

/** Wraps the store's scanBallots to record which category each scan read, and how many ran at once. */
function watchScans(h: Harness): { scanned: string[]; mostAtOnce: () => number } {
  const original = h.store.scanBallots.bind(h.store);
  const scanned: string[] = [];
  let active = 0;
  let most = 0;
  jest.spyOn(h.store, 'scanBallots').mockImplementation(async function* (campaignId: string, categoryId: string) {
    scanned.push(categoryId);
    active++;
    most = Math.max(most, active);
    try {
      for await (const batch of original(campaignId, categoryId)) {
        yield batch;
        await new Promise((resolve) => setImmediate(resolve)); // a real store answers later
      }
    } finally {
      active--;
    }
  });
  return { scanned, mostAtOnce: () => most };
}

describe('a wave of reveals', () => {
  it('seals the categories that close together one after the other, each once', async () => {
    const ids = ['c0', 'c1', 'c2', 'c3', 'c4'];
    const h = await harness(campaign(ids.map((id) => fixedCategory(id, OPTIONS))));
    await h.until(T0 + 2 * HOUR);
    for (const id of ids) {
      const [option] = (await h.store.getShortlist(h.spec.id, id)).map((p) => p.id);
      ok(await h.run(fan(`fan-${id}`), { type: 'vote', categoryId: id, choice: [option!] }));
    }
    const scans = watchScans(h);
    await h.until(T0 + 3 * DAY);
    await h.engine.idle();
    expect([...scans.scanned].sort()).toEqual(ids);
    expect(scans.mostAtOnce()).toBe(1);
    for (const id of ids) expect((await h.store.getResults(h.spec.id, id))?.ballotsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(h.errors).toEqual([]);
  });

  it('seals a category without ballots without reading its ballots', async () => {
    const h = await harness(campaign([fixedCategory('quiet', OPTIONS)]));
    const scans = watchScans(h);
    await h.until(T0 + 3 * DAY);
    await h.engine.idle();
    expect(scans.scanned).toEqual([]);
    const results = await h.store.getResults(h.spec.id, 'quiet');
    expect(results).toMatchObject({ ballots: 0, ballotsDigest: ballotsDigest([]) });
    expect(h.delivered.filter((e) => e.kind === 'results.sealed')).toEqual([expect.objectContaining({ categoryId: 'quiet', ballots: 0, ballotsDigest: ballotsDigest([]) })]);
  });

  it('reads the state once and cancels the closed phase’s job once for a scheduled transition', async () => {
    const h = await harness(campaign([fixedCategory('flavour', OPTIONS)]));
    await h.until(T0 + HOUR + 2 * DAY - 60_000); // the vote's last minute, its reminder sent
    const reads = jest.spyOn(h.store, 'getState');
    const cancels = jest.spyOn(h.scheduler, 'cancel');
    await h.until(T0 + 3 * DAY);
    expect(reads.mock.calls.filter(([, categoryId]) => categoryId === 'flavour')).toHaveLength(1);
    expect(cancels).toHaveBeenCalledTimes(1);
    expect((await h.store.getState(h.spec.id, 'flavour'))?.phase).toBe('reveal');
    expect(h.delivered.map((e) => e.kind)).toEqual(['shortlist.published', 'reminder', 'results', 'results.sealed']);
  });
});
