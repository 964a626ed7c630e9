import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import type { CategorySpec } from '../../src/model/campaign';
import { campaign, category, code, DAY, fan, fixedCategory, harness, HOUR, ok, T0 } from '../helpers/harness';

const PROPOSE_END = T0 + HOUR + 7 * DAY;
const SHORTLIST_END = PROPOSE_END + DAY;
const VOTE_END = SHORTLIST_END + 2 * DAY;
const manager = fan('lea', ['manager']);
const curator = fan('norman', ['curator']);

describe('phases on schedule', () => {
  it('opens each phase on time and announces it once, with the 24 h reminders', async () => {
    const h = await harness(campaign([category('villain')]));
    expect(ok(await h.run(fan('a'), { type: 'status' })).categories[0]?.phase).toBe('pending');
    await h.until(VOTE_END + HOUR);
    const kinds = h.delivered.map((e) => (e.kind === 'phase.opened' || e.kind === 'reminder' ? `${e.kind}:${e.phase}` : e.kind));
    expect(kinds).toEqual([
      'phase.opened:propose', 'reminder:propose', 'phase.opened:shortlist', 'shortlist.published', 'reminder:vote', 'results', 'results.sealed',
    ]);
    const reminder = h.delivered.find((e) => e.kind === 'reminder' && e.phase === 'vote');
    expect(reminder?.at).toBe(VOTE_END - DAY);
    expect(h.errors).toEqual([]);
  });

  it('runs staggered categories side by side, each on its own schedule', async () => {
    const week2 = (c: CategorySpec): CategorySpec => ({
      ...c, phases: c.phases.map((w) => ({ ...w, start: w.start + 7 * DAY, end: w.end + 7 * DAY })), revealAt: c.revealAt + 7 * DAY,
    });
    const h = await harness(campaign([category('one'), week2(category('two'))]));
    await h.until(T0 + 2 * DAY);
    const phases = ok(await h.run(fan('a'), { type: 'status' })).categories.map((c) => c.phase);
    expect(phases).toEqual(['propose', 'pending']);
  });

  it('applies transitions missed while nothing ran, once each, and publishes the results', async () => {
    const h = await harness(campaign([category('villain')]), { start: VOTE_END + DAY });
    const status = ok(await h.run(fan('a'), { type: 'status' }));
    expect(status.categories[0]?.phase).toBe('reveal');
    // no announcement for phases that were already over; the results, once
    expect(h.delivered.map((e) => e.kind)).toEqual(['results', 'results.sealed']); // then the ballots digest, once hashed
  });

  it('keeps one transition and one set of results when a second process restarts on the same store', async () => {
    const outbox = new MemoryOutbox({ baseDelayMs: 1 });
    const store = new MemoryCampaignStore({ outbox });
    const spec = campaign([fixedCategory('flavour', ['A', 'B'])]);
    const first = await harness(spec, { store, outbox });
    await first.until(T0 + 3 * DAY);
    const second = await harness(spec, { store, outbox, start: T0 + 4 * DAY });
    await second.settle();
    expect(first.delivered.filter((e) => e.kind === 'results')).toHaveLength(1);
    expect(second.delivered.filter((e) => e.kind === 'results')).toHaveLength(0);
  });
});

describe('manager commands', () => {
  it('advances a category on a manager command, not on a fan’s', async () => {
    const h = await harness(campaign([category('villain'), category('place')]));
    expect(code(await h.run(fan('a'), { type: 'advance' }))).toBe('actor.not-allowed');
    expect(code(await h.run(curator, { type: 'advance' }))).toBe('actor.not-allowed');
    const r = ok(await h.run(manager, { type: 'advance', categoryId: 'villain' }));
    expect(r.changes).toEqual([{ categoryId: 'villain', from: 'pending', to: 'propose' }]);
    await h.settle();
    expect(h.delivered.map((e) => e.kind)).toEqual(['phase.opened']);
  });

  it('makes exactly one transition and one announcement from ten concurrent advances of the same phase', async () => {
    const h = await harness(campaign([category('villain')]));
    await h.until(T0 + 2 * HOUR);
    const before = h.delivered.length;
    const results = await Promise.all(Array.from({ length: 10 }, () => h.run(manager, { type: 'advance', categoryId: 'villain', from: 'propose' })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map(code)).toEqual(Array(9).fill('phase.stale'));
    await h.settle();
    expect(h.delivered.slice(before).map((e) => e.kind)).toEqual(['phase.opened']);
    expect(ok(await h.run(manager, { type: 'status' })).categories[0]?.phase).toBe('shortlist');
  });

  it('makes one transition when the scheduled job and a manager race for the same phase', async () => {
    const h = await harness(campaign([category('villain')]));
    await h.until(PROPOSE_END - 1);
    h.clock.advanceTo(PROPOSE_END); // the job fires; its handler runs concurrently with the command
    const r = await h.run(manager, { type: 'advance', categoryId: 'villain', from: 'propose' });
    await h.settle();
    expect(h.delivered.filter((e) => e.kind === 'phase.opened' && e.phase === 'shortlist')).toHaveLength(1);
    expect(ok(await h.run(manager, { type: 'status' })).categories[0]?.phase).toBe('shortlist');
    expect(['ok', 'phase.stale']).toContain(code(r));
  });

  it('pauses a phase (fans refused, no transition) and resumes it with the paused time added', async () => {
    const h = await harness(campaign([category('villain')]));
    await h.until(PROPOSE_END - DAY);
    ok(await h.run(manager, { type: 'pause', categoryId: 'villain' }));
    expect(code(await h.run(manager, { type: 'pause', categoryId: 'villain' }))).toBe('phase.paused');
    expect(code(await h.run(fan('a'), { type: 'propose', categoryId: 'villain', text: 'while paused' }))).toBe('phase.paused');
    expect(code(await h.run(manager, { type: 'advance', categoryId: 'villain' }))).toBe('phase.paused');
    await h.until(PROPOSE_END + DAY); // paused through the deadline
    expect(ok(await h.run(manager, { type: 'status' })).categories[0]?.phase).toBe('propose');
    ok(await h.run(manager, { type: 'resume', categoryId: 'villain' }));
    expect(code(await h.run(manager, { type: 'resume', categoryId: 'villain' }))).toBe('phase.not-paused');
    const status = ok(await h.run(manager, { type: 'status' })).categories[0];
    expect(status?.endsAt).toBe(PROPOSE_END + 2 * DAY);
    ok(await h.run(fan('a'), { type: 'propose', categoryId: 'villain', text: 'after resume' }));
    await h.until(PROPOSE_END + 2 * DAY);
    expect(ok(await h.run(manager, { type: 'status' })).categories[0]?.phase).toBe('shortlist');
    // later phases keep their declared length
    expect(ok(await h.run(manager, { type: 'status' })).categories[0]?.endsAt).toBe(SHORTLIST_END + 2 * DAY);
    expect(h.delivered.filter((e) => e.kind === 'phase.paused' || e.kind === 'phase.resumed')).toHaveLength(2);
  });

  it('extends the current phase by an ISO 8601 duration, and a stale job changes nothing', async () => {
    const h = await harness(campaign([category('villain')]));
    await h.until(T0 + 2 * HOUR);
    expect(code(await h.run(manager, { type: 'extend', by: '5 weeks' }))).toBe('duration.invalid');
    ok(await h.run(manager, { type: 'extend', categoryId: 'villain', by: 'PT12H' }));
    await h.until(PROPOSE_END + HOUR);
    expect(ok(await h.run(manager, { type: 'status' })).categories[0]?.phase).toBe('propose');
    await h.until(PROPOSE_END + 12 * HOUR);
    expect(ok(await h.run(manager, { type: 'status' })).categories[0]?.phase).toBe('shortlist');
    expect(h.delivered.filter((e) => e.kind === 'phase.extended')).toHaveLength(1);
  });

  it('refuses to move a revealed category', async () => {
    const h = await harness(campaign([fixedCategory('flavour', ['A', 'B'])]), { start: T0 + 5 * DAY });
    expect(code(await h.run(manager, { type: 'advance', categoryId: 'flavour' }))).toBe('phase.final');
    expect(code(await h.run(manager, { type: 'pause', categoryId: 'flavour' }))).toBe('phase.final');
  });
});

describe('reveal', () => {
  async function tiedVote(tieBreak: 'earliest' | 'seeded' | 'curators', seed?: string) {
    const h = await harness(campaign([fixedCategory('flavour', ['A', 'B', 'C'], {
      reveal: { winners: 1, tieBreak, ...(seed ? { seed } : {}) },
    })]));
    await h.until(T0 + 2 * HOUR);
    const [a, b, c] = ok(await h.run(fan('x'), { type: 'shortlist.list', categoryId: 'flavour' })).proposals.map((p) => p.id) as [string, string, string];
    for (const [voter, choice] of [['1', b], ['2', c], ['3', b], ['4', c], ['5', a]] as const) {
      ok(await h.run(fan(voter), { type: 'vote', categoryId: 'flavour', choice: [choice] }));
    }
    await h.until(T0 + 3 * DAY + 2 * HOUR);
    return { h, a, b, c };
  }

  it('breaks a tie by the earliest option', async () => {
    const { h, b } = await tiedVote('earliest');
    expect((await h.store.getResults(h.spec.id, 'flavour'))?.winners).toEqual([{ id: b, text: 'B', votes: 2 }]);
  });

  it('breaks a tie by a seed, the same way every time', async () => {
    const winners = async (seed: string) => (await (await tiedVote('seeded', seed)).h.store.getResults('test-campaign', 'flavour'))?.winners[0]?.id;
    const seeds = ['s1', 's2', 's3', 's4', 's5', 's6'];
    const picked = await Promise.all(seeds.map(winners));
    expect(await Promise.all(seeds.map(winners))).toEqual(picked);
    expect(new Set(picked).size).toBe(2); // both tied options win under some seed
  });

  it('asks curators to break a tie, then publishes the results they chose', async () => {
    const { h, b, c } = await tiedVote('curators');
    const pending = await h.store.getResults(h.spec.id, 'flavour');
    expect(pending?.tiedPending).toEqual([b, c]);
    expect(h.delivered.filter((e) => e.kind === 'results')).toHaveLength(0);
    const tie = h.delivered.find((e) => e.kind === 'reveal.tie');
    expect(tie?.kind === 'reveal.tie' && tie.tied.map((t) => t.id)).toEqual([b, c]);
    expect(code(await h.run(fan('z'), { type: 'break-tie', categoryId: 'flavour', proposalId: c }))).toBe('actor.not-allowed');
    expect(code(await h.run(curator, { type: 'break-tie', categoryId: 'flavour', proposalId: 'zz' }))).toBe('reveal.not-tied');
    ok(await h.run(curator, { type: 'break-tie', categoryId: 'flavour', proposalId: c }));
    await h.settle();
    expect((await h.store.getResults(h.spec.id, 'flavour'))?.winners).toEqual([{ id: c, text: 'C', votes: 2 }]);
    expect(h.delivered.filter((e) => e.kind === 'results')).toHaveLength(1);
    expect(code(await h.run(curator, { type: 'break-tie', categoryId: 'flavour', proposalId: b }))).toBe('reveal.no-tie');
  });

  it('credits the authors of the winning ideas with the name they had when proposing', async () => {
    const h = await harness(campaign([category('villain', { reveal: { winners: 2, tieBreak: 'earliest' } })]));
    await h.until(T0 + 2 * HOUR);
    const p1 = ok(await h.run({ ...fan('u1'), displayName: 'Zoé <@&1>' }, { type: 'propose', categoryId: 'villain', text: 'Le Grand Mou' })).proposal;
    const p2 = ok(await h.run(fan('u2'), { type: 'propose', categoryId: 'villain', text: 'Miss Soggy' })).proposal;
    await h.until(PROPOSE_END + HOUR);
    ok(await h.run(curator, { type: 'shortlist.add', proposalId: p1.id }));
    ok(await h.run(curator, { type: 'shortlist.add', proposalId: p2.id }));
    await h.until(SHORTLIST_END + HOUR);
    for (const v of ['a', 'b']) ok(await h.run(fan(v), { type: 'vote', categoryId: 'villain', choice: [p2.id] }));
    ok(await h.run(fan('c'), { type: 'vote', categoryId: 'villain', choice: [p1.id] }));
    await h.until(VOTE_END + HOUR);
    const results = h.delivered.find((e) => e.kind === 'results');
    expect(results?.kind === 'results' && results.winners).toEqual([
      { id: p2.id, text: 'Miss Soggy', author: 'u2', votes: 2 },
      { id: p1.id, text: 'Le Grand Mou', author: 'Zoé <@&1>', votes: 1 },
    ]);
    const doc = await h.engine.report(h.spec.id);
    expect(doc.categories[0]).toMatchObject({ id: 'villain', proposals: 2, ballots: 3 });
    expect((await h.engine.recount(h.spec.id)).agrees).toBe(true);
  });

  it('keeps the winning authors\' platform ids for the reveal only when the category mentions authors', async () => {
    const h = await harness(campaign([
      category('villain', { reveal: { winners: 1, tieBreak: 'earliest', mentionAuthors: true } }),
      category('gadget'),
    ]));
    await h.until(T0 + 2 * HOUR);
    const ids: Record<string, string> = {};
    for (const c of ['villain', 'gadget']) {
      ids[c] = ok(await h.run({ ...fan('u1'), displayName: 'Zoé' }, { type: 'propose', categoryId: c, text: `Idea for ${c}` })).proposal.id;
    }
    await h.until(PROPOSE_END + HOUR);
    for (const c of ['villain', 'gadget']) ok(await h.run(curator, { type: 'shortlist.add', proposalId: ids[c]! }));
    await h.until(SHORTLIST_END + HOUR);
    for (const c of ['villain', 'gadget']) ok(await h.run(fan('v'), { type: 'vote', categoryId: c, choice: [ids[c]!] }));
    await h.until(VOTE_END + HOUR);
    const key = `${fan('u1').platform}:${fan('u1').userId}`;
    const winners = (c: string) => h.delivered.flatMap((e) => (e.kind === 'results' && e.categoryId === c ? e.winners : []));
    expect(winners('villain')).toEqual([{ id: ids.villain, text: 'Idea for villain', author: 'Zoé', authorKey: key, votes: 1 }]);
    expect(winners('gadget')).toEqual([{ id: ids.gadget, text: 'Idea for gadget', author: 'Zoé', votes: 1 }]);
    // the results document (CLI, exports) names authors, never their platform ids
    expect(JSON.stringify(await h.engine.report(h.spec.id))).not.toContain(key);
    expect((await h.engine.report(h.spec.id)).categories[0]?.winners).toEqual([{ id: ids.villain, text: 'Idea for villain', author: 'Zoé', votes: 1 }]);
  });
});
