import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { SYSTEM_ACTOR, type CategorySpec, type VoteRule } from '../../src/model/campaign';
import { ballotsDigest, fanHash, pseudonymousVoterKey, type ResultsManifest } from '../../src/engine/manifest';
import { renderResult } from '../../src/render/message';
import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import { campaign, category, code, DAY, fan, fixedCategory, harness, HOUR, ok, T0 } from '../helpers/harness';

const PROPOSE = T0 + 2 * HOUR;
const norman = fan('norman', ['curator']);
const lea = fan('lea', ['manager']);
const OPTIONS = ['Framboise', 'Caramel', 'Citron', 'Basilic'];

/** A fixed-option campaign with its vote open (from T0+1h for two days). */
async function voting(overrides: Partial<CategorySpec> = {}) {
  const h = await harness(campaign([fixedCategory('flavour', OPTIONS, overrides), fixedCategory('poster', ['A', 'B'])]));
  await h.until(T0 + 2 * HOUR);
  const ids = (await h.store.getShortlist(h.spec.id, 'flavour')).map((p) => p.id);
  return { h, ids };
}

async function reveal(h: Awaited<ReturnType<typeof voting>>['h']): Promise<void> {
  await h.until(T0 + 3 * DAY);
}

describe('results hidden until the vote closes', () => {
  it('shows no ballot count in the status while the vote runs, and the count after the reveal', async () => {
    const { h, ids } = await voting();
    ok(await h.run(fan('ann'), { type: 'vote', categoryId: 'flavour', choice: [ids[0]!] }));
    const during = ok(await h.run(fan('bob'), { type: 'status' }));
    expect(during.categories.map((c) => c.ballots)).toEqual([null, null]);
    const text = JSON.stringify(renderResult(during, { type: 'status', campaignId: h.spec.id }, h.spec, 'en'));
    expect(text).toContain('hidden until the vote closes');
    expect(text).not.toMatch(/ballots: \d/);
    // Managers see no more than fans.
    expect(ok(await h.run(lea, { type: 'status' })).categories[0]!.ballots).toBeNull();
    await reveal(h);
    expect(ok(await h.run(fan('bob'), { type: 'status' })).categories[0]!.ballots).toBe(1);
  });

  it('keeps the results document free of counts before the reveal', async () => {
    const { h, ids } = await voting();
    ok(await h.run(fan('ann'), { type: 'vote', categoryId: 'flavour', choice: [ids[0]!] }));
    const before = await h.engine.report(h.spec.id);
    expect(before.categories.map((c) => [c.ballots, c.winners])).toEqual([[null, []], [null, []]]);
    expect(ok(await h.run(lea, { type: 'results' })).results).toEqual([]);
    await reveal(h);
    expect((await h.engine.report(h.spec.id)).categories[0]!.ballots).toBe(1);
  });

  it('shows live counts when the campaign opts in with vote.liveCounts', async () => {
    const { h, ids } = await voting({ vote: { method: 'single', allowChange: true, liveCounts: true } });
    ok(await h.run(fan('ann'), { type: 'vote', categoryId: 'flavour', choice: [ids[0]!] }));
    const status = ok(await h.run(fan('bob'), { type: 'status' }));
    expect(status.categories.map((c) => c.ballots)).toEqual([1, null]);
    expect((await h.engine.report(h.spec.id)).categories[0]!.ballots).toBe(1);
  });
});

describe('receipts', () => {
  it('answers a fan with the hash of their own ballot, which the manifest lists after the reveal', async () => {
    const { h, ids } = await voting();
    expect(code(await h.run(fan('ann'), { type: 'receipt' }))).toBe('receipt.none');
    ok(await h.run(fan('ann'), { type: 'vote', categoryId: 'flavour', choice: [ids[1]!] }));
    ok(await h.run(fan('bob'), { type: 'vote', categoryId: 'flavour', choice: [ids[2]!] }));
    const receipt = ok(await h.run(fan('ann'), { type: 'receipt' }));
    expect(receipt.receipts).toHaveLength(1);
    const [item] = receipt.receipts;
    expect(item).toMatchObject({ categoryId: 'flavour', choice: [ids[1]], labels: ['Caramel'] });
    expect(item!.ballotsDigest).toBeUndefined();
    expect(item!.fanHash).toMatch(/^[0-9a-f]{64}$/);
    await reveal(h);
    const after = ok(await h.run(fan('ann'), { type: 'receipt', categoryId: 'flavour' })).receipts[0]!;
    expect(after.fanHash).toBe(item!.fanHash);
    const manifest = await h.engine.manifest(h.spec.id, { ballots: true });
    const flavour = manifest.categories.find((c) => c.id === 'flavour')!;
    expect(after.ballotsDigest).toBe(flavour.ballotsDigest);
    expect(flavour.ballotList).toContainEqual([item!.fanHash, [ids[1]]]);
    const rendered = JSON.stringify(renderResult(receipt, { type: 'receipt', campaignId: h.spec.id }, h.spec, 'fr'));
    expect(rendered).toContain(item!.fanHash);
  });

  it('refuses an unknown category and the system actor', async () => {
    const { h } = await voting();
    expect(code(await h.run(fan('ann'), { type: 'receipt', categoryId: 'nope' }))).toBe('category.unknown');
    expect(code(await h.engine.execute({ type: 'receipt', campaignId: h.spec.id }, SYSTEM_ACTOR))).toBe('actor.not-allowed');
  });
});

describe('verifiable results', () => {
  it('hashes fans with an HMAC keyed by the campaign secret, not a plain hash of their id', async () => {
    const { h, ids } = await voting();
    ok(await h.run(fan('ann'), { type: 'vote', categoryId: 'flavour', choice: [ids[0]!] }));
    await reveal(h);
    const manifest = await h.engine.manifest(h.spec.id, { ballots: true });
    const listed = manifest.categories[0]!.ballotList![0]![0];
    const guesses = ['local:ann', 'flavour:local:ann', 'ann'].map((s) => createHash('sha256').update(s).digest('hex'));
    expect(guesses).not.toContain(listed);
    expect(fanHash('another secret', 'flavour', 'local:ann')).not.toBe(listed);
    expect(fanHash(await h.store.campaignSecret(h.spec.id), 'flavour', 'local:ann')).toBe(listed);
    // One fan's hashes differ between categories: ballots cannot be linked across them.
    expect(fanHash('s', 'flavour', 'local:ann')).not.toBe(fanHash('s', 'poster', 'local:ann'));
    // The manifest never carries the secret.
    expect(JSON.stringify(manifest)).not.toContain(await h.store.campaignSecret(h.spec.id));
  });

  it('writes per category the counting rule, the seed, the tally and the digest, and verifies', async () => {
    const { h, ids } = await voting({ reveal: { winners: 1, tieBreak: 'seeded', seed: 'tirage-2026' } });
    for (const [who, pick] of [['ann', 0], ['bob', 1], ['cid', 1]] as const) ok(await h.run(fan(who), { type: 'vote', categoryId: 'flavour', choice: [ids[pick]!] }));
    await reveal(h);
    const manifest = await h.engine.manifest(h.spec.id);
    const flavour = manifest.categories.find((c) => c.id === 'flavour')!;
    expect(flavour).toMatchObject({
      rule: { vote: { method: 'single' }, reveal: { tieBreak: 'seeded', seed: 'tirage-2026' } },
      seed: 'tirage-2026', ballots: 3, tally: { [ids[0]!]: 1, [ids[1]!]: 2 }, winners: [{ id: ids[1], votes: 2 }],
    });
    expect(flavour.ballotList).toBeUndefined();
    const full = await h.engine.manifest(h.spec.id, { ballots: true });
    const list = full.categories.find((c) => c.id === 'flavour')!.ballotList!;
    // The digest is SHA-256 of the list's compact JSON: anyone can recompute it.
    expect(createHash('sha256').update(JSON.stringify(list)).digest('hex')).toBe(flavour.ballotsDigest);
    expect(ballotsDigest(list)).toBe(flavour.ballotsDigest);
    expect((await h.engine.verifyManifest(full)).ok).toBe(true);
    expect((await h.engine.verifyManifest(manifest)).ok).toBe(true);
  });

  it('still verifies, with every other receipt in it, after a voter erases themselves (/forgetme)', async () => {
    const { h, ids } = await voting();
    for (const [who, pick] of [['ann', 0], ['bob', 1], ['cid', 1]] as const) ok(await h.run(fan(who), { type: 'vote', categoryId: 'flavour', choice: [ids[pick]!] }));
    await reveal(h);
    const before = await h.engine.manifest(h.spec.id, { ballots: true });
    const erased = ok(await h.run(fan('bob'), { type: 'forgetme' }));
    expect(erased.report.ballotsAnonymized).toBe(1);
    // the published manifest still verifies against the store, and a fresh one is identical
    expect((await h.engine.verifyManifest(before)).ok).toBe(true);
    const after = await h.engine.manifest(h.spec.id, { ballots: true });
    expect(after.categories).toEqual(before.categories);
    expect(JSON.stringify(after)).not.toContain('local:bob');
    expect((await h.engine.recount(h.spec.id)).agrees).toBe(true);
    // bob's receipt is gone (nothing names him), ann's is still found in the manifest
    const bob = await h.run(fan('bob'), { type: 'receipt' });
    expect(bob.ok ? bob.type : bob.code).toBe('receipt.none');
    const ann = ok(await h.run(fan('ann'), { type: 'receipt' }));
    expect(after.categories[0]!.ballotList!.map(([hash]) => hash)).toContain(ann.receipts[0]!.fanHash);
  });

  it('reports a manifest whose tally, winners, digest, ballot list or rule was edited', async () => {
    const { h, ids } = await voting();
    for (const [who, pick] of [['ann', 0], ['bob', 1], ['cid', 1]] as const) ok(await h.run(fan(who), { type: 'vote', categoryId: 'flavour', choice: [ids[pick]!] }));
    await reveal(h);
    const good = await h.engine.manifest(h.spec.id, { ballots: true });
    const edit = (change: (c: Record<string, unknown>) => void): ResultsManifest => {
      const copy = structuredClone(good) as unknown as { categories: Record<string, unknown>[] };
      change(copy.categories[0]!);
      return copy as unknown as ResultsManifest;
    };
    const problems = async (m: ResultsManifest) => (await h.engine.verifyManifest(m)).categories[0]!.problems.join(' | ');
    expect(await problems(edit((c) => { c.tally = { [ids[0]!]: 2, [ids[1]!]: 1 }; }))).toMatch(/tally differs/);
    expect(await problems(edit((c) => { c.winners = [{ id: ids[0], votes: 2 }]; }))).toMatch(/winners differ/);
    expect(await problems(edit((c) => { c.ballotsDigest = '0'.repeat(64); }))).toMatch(/digest differs/);
    expect(await problems(edit((c) => { (c.ballotList as [string, string[]][])[0]![1] = [ids[2]!]; }))).toMatch(/does not hash to its digest/);
    expect(await problems(edit((c) => { c.rule = { vote: { method: 'approval', maxChoices: 2, allowChange: true }, reveal: { winners: 1, tieBreak: 'earliest' } }; }))).toMatch(/rule differs/);
    expect(await problems(edit((c) => { c.seed = 'other'; }))).toMatch(/seed differs/);
    // Key order does not matter; a category left out does.
    expect(await problems(edit((c) => { const r = c.rule as { vote: Record<string, unknown> }; r.vote = Object.fromEntries(Object.entries(r.vote).reverse()); }))).toBe('');
    const partial = { ...good, categories: good.categories.filter((c) => c.id !== 'poster') };
    const report = await h.engine.verifyManifest(partial);
    expect(report.ok).toBe(false);
    expect(report.categories.find((c) => c.id === 'poster')?.problems).toEqual(['revealed in the store but missing from the manifest']);
  });

  it('reports a store whose raw ballots were changed after the reveal', async () => {
    const { h, ids } = await voting();
    for (const [who, pick] of [['ann', 0], ['bob', 1]] as const) ok(await h.run(fan(who), { type: 'vote', categoryId: 'flavour', choice: [ids[pick]!] }));
    await reveal(h);
    const manifest = await h.engine.manifest(h.spec.id, { ballots: true });
    const snapshot = h.store.snapshot(h.spec.id);
    const tampered = structuredClone(snapshot) as unknown as { categories: { state: { categoryId: string }; ballots: { voterKey: string; choice: string[] }[] }[] };
    tampered.categories.find((c) => c.state.categoryId === 'flavour')!.ballots[0]!.choice = [ids[1]!];
    h.store.restore(h.spec.id, tampered as unknown as typeof snapshot);
    const report = await h.engine.verifyManifest(manifest);
    expect(report.ok).toBe(false);
    expect(report.categories[0]!.problems.join(' | ')).toMatch(/digest differs.*incremental tally differs.*tally differs/);
  });

  it('still verifies after a fan is erased by replacing their voter key with its pseudonym', async () => {
    const { h, ids } = await voting();
    for (const [who, pick] of [['ann', 0], ['bob', 1]] as const) ok(await h.run(fan(who), { type: 'vote', categoryId: 'flavour', choice: [ids[pick]!] }));
    await reveal(h);
    const manifest = await h.engine.manifest(h.spec.id, { ballots: true });
    const secret = await h.store.campaignSecret(h.spec.id);
    const snapshot = structuredClone(h.store.snapshot(h.spec.id)) as unknown as { categories: { state: { categoryId: string }; ballots: { voterKey: string }[] }[] };
    for (const c of snapshot.categories) {
      for (const b of c.ballots) if (b.voterKey === 'local:ann') b.voterKey = await h.engine.pseudonymFor(h.spec.id, c.state.categoryId, b.voterKey);
    }
    expect(await h.engine.pseudonymFor(h.spec.id, 'flavour', 'local:ann')).toBe(pseudonymousVoterKey(secret, 'flavour', 'local:ann'));
    h.store.restore(h.spec.id, snapshot as unknown as ReturnType<typeof h.store.snapshot>);
    expect(JSON.stringify(h.store.snapshot(h.spec.id))).not.toContain('local:ann');
    expect(pseudonymousVoterKey(secret, 'flavour', pseudonymousVoterKey(secret, 'flavour', 'local:ann'))).toBe(pseudonymousVoterKey(secret, 'flavour', 'local:ann'));
    expect((await h.engine.verifyManifest(manifest)).ok).toBe(true);
  });

  it('keeps the secret when the embedded store is saved and restored', async () => {
    const { h } = await voting();
    const secret = await h.store.campaignSecret(h.spec.id);
    const other = new MemoryCampaignStore({ outbox: new MemoryOutbox({}) });
    other.restore(h.spec.id, JSON.parse(JSON.stringify(h.store.snapshot(h.spec.id))));
    expect(await other.campaignSecret(h.spec.id)).toBe(secret);
  });

  it('verifies a ranked vote by replaying the instant-runoff from the raw ballots', async () => {
    const { h, ids } = await voting({ vote: { method: 'ranked', allowChange: true } });
    const [a, b, c] = ids as [string, string, string];
    for (const [who, choice] of [['ann', [a, b]], ['bob', [b, c]], ['cid', [c, b]], ['dan', [a, c]], ['eve', [b]]] as const) {
      ok(await h.run(fan(who), { type: 'vote', categoryId: 'flavour', choice: [...choice] }));
    }
    await reveal(h);
    const manifest = await h.engine.manifest(h.spec.id, { ballots: true });
    expect(manifest.categories[0]!.rounds?.length).toBeGreaterThan(0);
    expect((await h.engine.verifyManifest(manifest)).ok).toBe(true);
  });
});

describe('audit log', () => {
  it('records every manager and curator action with actor, time and before/after', async () => {
    const h = await harness(campaign([category('villain', { shortlist: { by: 'curators', size: 3 } })]));
    await h.until(PROPOSE);
    const a = ok(await h.run(fan('ann'), { type: 'propose', categoryId: 'villain', text: 'Idea one' })).proposal.id;
    const b = ok(await h.run(fan('bob'), { type: 'propose', categoryId: 'villain', text: 'Idea two' })).proposal.id;
    ok(await h.run(lea, { type: 'pause', categoryId: 'villain' }));
    ok(await h.run(lea, { type: 'resume', categoryId: 'villain' }));
    ok(await h.run(lea, { type: 'extend', categoryId: 'villain', by: 'PT2H' }));
    ok(await h.run(norman, { type: 'reject', proposalId: b, reason: 'off topic' }));
    ok(await h.run(lea, { type: 'advance', categoryId: 'villain' }));
    ok(await h.run(norman, { type: 'shortlist.add', proposalId: a }));
    ok(await h.run(norman, { type: 'shortlist.remove', proposalId: a }));
    // Refused and fan commands leave no entry.
    expect(code(await h.run(norman, { type: 'shortlist.remove', proposalId: a }))).toBe('shortlist.not-listed');
    expect(code(await h.run(fan('eve'), { type: 'advance' }))).toBe('actor.not-allowed');
    const log = await h.engine.auditLog(h.spec.id);
    expect(log.map((e) => e.action)).toEqual(['pause', 'resume', 'extend', 'reject', 'advance', 'shortlist.add', 'shortlist.remove']);
    expect(log.every((e) => e.at >= PROPOSE)).toBe(true);
    const [pause, , extend, reject, advance, add] = log;
    expect(pause).toMatchObject({ actor: { platform: 'local', userId: 'lea' }, categoryId: 'villain', before: { phase: 'propose', paused: false }, after: { phase: 'propose', paused: true } });
    expect(extend!.after).toMatchObject({ by: 'PT2H' });
    expect(Date.parse((extend!.after as { deadline: string }).deadline) - Date.parse((extend!.before as { deadline: string }).deadline)).toBe(2 * HOUR);
    expect(reject).toMatchObject({ actor: { userId: 'norman' }, target: b, before: { status: 'active' }, after: { status: 'rejected', reason: 'off topic' } });
    expect(advance).toMatchObject({ before: { phase: 'propose' }, after: { phase: 'shortlist' } });
    expect(add).toMatchObject({ target: a, before: { shortlisted: false }, after: { shortlisted: true } });
  });

  it('records a tie broken by a curator', async () => {
    const h = await harness(campaign([fixedCategory('flavour', OPTIONS, { reveal: { winners: 1, tieBreak: 'curators' } })]));
    await h.until(T0 + 2 * HOUR);
    const ids = (await h.store.getShortlist(h.spec.id, 'flavour')).map((p) => p.id);
    ok(await h.run(fan('ann'), { type: 'vote', categoryId: 'flavour', choice: [ids[0]!] }));
    ok(await h.run(fan('bob'), { type: 'vote', categoryId: 'flavour', choice: [ids[1]!] }));
    await h.until(T0 + 3 * DAY);
    ok(await h.run(norman, { type: 'break-tie', categoryId: 'flavour', proposalId: ids[1]! }));
    const [entry] = await h.engine.auditLog(h.spec.id);
    expect(entry).toMatchObject({ action: 'break-tie', target: ids[1], before: { winners: [], tied: [ids[0], ids[1]] }, after: { winners: [ids[1]], tied: [] } });
    const manifest = await h.engine.manifest(h.spec.id, { ballots: true });
    expect((await h.engine.verifyManifest(manifest)).ok).toBe(true);
  });

  it('takes entries from other parts through Engine.audit', async () => {
    const { h } = await voting();
    await h.engine.audit(h.spec.id, lea, { action: 'export' });
    await h.engine.audit(h.spec.id, lea, { action: 'ban', target: 'telegram:42', before: { banned: false }, after: { banned: true } });
    expect((await h.engine.auditLog(h.spec.id)).map((e) => [e.action, e.actor.userId])).toEqual([['export', 'lea'], ['ban', 'lea']]);
  });
});

const rules: VoteRule[] = [
  { method: 'single', allowChange: true },
  { method: 'single', allowChange: false },
  { method: 'approval', maxChoices: 3, allowChange: true },
  { method: 'ranked', allowChange: true },
];

describe('manifest under random vote sequences', () => {
  it('recounts to the tally and verifies, whatever the sequence of votes', async () => {
    const step = fc.record({
      voter: fc.integer({ min: 0, max: 9 }),
      choice: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
      concurrent: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...rules), fc.array(step, { maxLength: 40 }), async (vote, steps) => {
        const h = await harness(campaign([fixedCategory('c', OPTIONS, { vote })]));
        await h.until(T0 + 2 * HOUR);
        const ids = (await h.store.getShortlist(h.spec.id, 'c')).map((p) => p.id);
        let batch: Promise<unknown>[] = [];
        for (const s of steps) {
          batch.push(h.run(fan(`fan${s.voter}`), { type: 'vote', categoryId: 'c', choice: s.choice.map((i) => ids[i]!) }));
          if (!s.concurrent) { await Promise.all(batch); batch = []; }
        }
        await Promise.all(batch);
        expect((await h.engine.recount(h.spec.id)).agrees).toBe(true);
        await h.until(T0 + 3 * DAY);
        const manifest = await h.engine.manifest(h.spec.id, { ballots: true });
        const report = await h.engine.verifyManifest(manifest);
        expect(report.categories.flatMap((c) => c.problems)).toEqual([]);
        expect(report.ok).toBe(true);
        expect(h.errors).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});

describe('manifest under random votes and erasures', () => {
  it('keeps tally = recount and a verifying manifest, whatever votes and /forgetme come before and after the reveal', async () => {
    const step = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('vote' as const), voter: fc.integer({ min: 0, max: 7 }), choice: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('erase' as const), voter: fc.integer({ min: 0, max: 7 }) }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...rules), fc.array(step, { maxLength: 30 }), fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }), async (vote, steps, erasedAfter) => {
        const h = await harness(campaign([fixedCategory('c', OPTIONS, { vote })]));
        await h.until(T0 + 2 * HOUR);
        const ids = (await h.store.getShortlist(h.spec.id, 'c')).map((p) => p.id);
        for (const s of steps) {
          if (s.kind === 'vote') await h.run(fan(`fan${s.voter}`), { type: 'vote', categoryId: 'c', choice: s.choice.map((i) => ids[i]!) });
          else ok(await h.run(fan(`fan${s.voter}`), { type: 'forgetme' }));
          expect((await h.engine.recount(h.spec.id)).agrees).toBe(true);
        }
        await h.until(T0 + 3 * DAY);
        await h.engine.idle();
        const published = await h.engine.manifest(h.spec.id, { ballots: true });
        expect((await h.engine.verifyManifest(published)).ok).toBe(true);
        for (const voter of erasedAfter) ok(await h.run(fan(`fan${voter}`), { type: 'forgetme' }));
        // erasures after the reveal change nothing a manifest shows, and name nobody
        const report = await h.engine.verifyManifest(published);
        expect(report.categories.flatMap((c) => c.problems)).toEqual([]);
        expect((await h.engine.manifest(h.spec.id, { ballots: true })).categories).toEqual(published.categories);
        expect((await h.engine.recount(h.spec.id)).agrees).toBe(true);
        expect(h.errors).toEqual([]);
      }),
      { numRuns: 60 },
    );
  }, 120_000); // a bound for a loaded CI machine, not a performance assertion
});

describe('audit log when the store fails after the change', () => {
  it('answers the applied change and reports the lost entry to the operator, so nobody retries it', async () => {
    const h = await harness(campaign([fixedCategory('flavour', OPTIONS)]));
    await h.until(T0 + 2 * HOUR);
    const append = jest.spyOn(h.store, 'appendAudit').mockRejectedValueOnce(new Error('connection lost'));
    const result = await h.run(lea, { type: 'pause' });
    expect(ok(result).categories).toEqual(['flavour']);
    expect(h.errors).toHaveLength(1);
    expect(String(h.errors[0])).toContain('connection lost');
    append.mockRestore();
    expect(code(await h.run(lea, { type: 'pause' }))).toBe('phase.paused');
  });
});
