import type { CategorySpec } from '../../src/model/campaign';
import { campaign, category, code, DAY, fan, fixedCategory, harness, HOUR, ok, T0 } from '../helpers/harness';

const PROPOSE = T0 + 2 * HOUR;
const SHORTLIST = T0 + 7 * DAY + 2 * HOUR;
const VOTE = T0 + 8 * DAY + 2 * HOUR;
const REVEAL = T0 + 10 * DAY + 2 * HOUR;
const norman = fan('norman', ['curator']);

/** A campaign at the vote, with `n` shortlisted ideas (ids returned in proposal order). */
async function atVote(overrides: Partial<CategorySpec> = {}, n = 3) {
  const h = await harness(campaign([category('villain', { shortlist: { by: 'curators', size: 5 }, ...overrides })]));
  await h.until(PROPOSE);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(ok(await h.run(fan(`author${i}`), { type: 'propose', categoryId: 'villain', text: `Idea number ${i}` })).proposal.id);
  await h.until(SHORTLIST);
  for (const id of ids) ok(await h.run(norman, { type: 'shortlist.add', proposalId: id }));
  await h.until(VOTE);
  return { h, ids };
}

describe('shortlist', () => {
  it('lets curators add and remove during the shortlist phase only, up to its size', async () => {
    const h = await harness(campaign([category('villain', { shortlist: { by: 'curators', size: 2 } })]));
    await h.until(PROPOSE);
    const ids = [];
    for (const t of ['one idea', 'two idea', 'three idea']) ids.push(ok(await h.run(fan(t), { type: 'propose', categoryId: 'villain', text: t })).proposal.id);
    const [a, b, c] = ids as [string, string, string];
    expect(code(await h.run(norman, { type: 'shortlist.add', proposalId: a }))).toBe('phase.closed');
    await h.until(SHORTLIST);
    expect(code(await h.run(fan('eve'), { type: 'shortlist.add', proposalId: a }))).toBe('actor.not-allowed');
    ok(await h.run(norman, { type: 'shortlist.add', proposalId: a }));
    expect(code(await h.run(norman, { type: 'shortlist.add', proposalId: a }))).toBe('shortlist.already');
    ok(await h.run(norman, { type: 'shortlist.add', proposalId: b }));
    expect(code(await h.run(norman, { type: 'shortlist.add', proposalId: c }))).toBe('shortlist.full');
    ok(await h.run(norman, { type: 'shortlist.remove', proposalId: a }));
    ok(await h.run(norman, { type: 'shortlist.add', proposalId: c }));
    expect(ok(await h.run(fan('eve'), { type: 'shortlist.list', categoryId: 'villain' })).proposals.map((p) => p.id)).toEqual([b, c]);
  });

  it('seeds a likes shortlist with the most liked ideas when proposals close, ties to the earliest', async () => {
    const h = await harness(campaign([category('gadget', { shortlist: { by: 'likes', size: 2 } })]));
    await h.until(PROPOSE);
    const ids = [];
    for (const t of ['first idea', 'second idea', 'third idea']) ids.push(ok(await h.run(fan(t), { type: 'propose', categoryId: 'gadget', text: t })).proposal.id);
    const [first, second, third] = ids as [string, string, string];
    for (const f of ['a', 'b']) ok(await h.run(fan(f), { type: 'like', proposalId: third }));
    ok(await h.run(fan('a'), { type: 'like', proposalId: second }));
    ok(await h.run(fan('b'), { type: 'like', proposalId: first }));
    await h.until(SHORTLIST);
    expect((await h.store.getShortlist(h.spec.id, 'gadget')).map((p) => p.id)).toEqual([first, third]);
  });

  it('publishes the shortlist when the vote opens', async () => {
    const { h, ids } = await atVote();
    const published = h.delivered.find((e) => e.kind === 'shortlist.published');
    expect(published && published.kind === 'shortlist.published' && published.items.map((i) => i.id)).toEqual(ids);
  });
});

describe('vote', () => {
  it('counts one ballot per fan and refuses a second when changes are not allowed', async () => {
    const { h, ids } = await atVote({ vote: { method: 'single', allowChange: false } });
    ok(await h.run(fan('v1'), { type: 'vote', categoryId: 'villain', choice: [ids[0]!] }));
    expect(code(await h.run(fan('v1'), { type: 'vote', categoryId: 'villain', choice: [ids[1]!] }))).toBe('vote.already-cast');
    expect((await h.store.getTally(h.spec.id, 'villain'))).toEqual({ tally: { [ids[0]!]: 1 }, ballots: 1 });
  });

  it('moves a changed ballot from the old option to the new one', async () => {
    const { h, ids } = await atVote();
    ok(await h.run(fan('v1'), { type: 'vote', categoryId: 'villain', choice: [ids[0]!] }));
    const changed = ok(await h.run(fan('v1'), { type: 'vote', categoryId: 'villain', choice: [ids[1]!] }));
    expect(changed.changed).toBe(true);
    expect(changed.labels).toEqual(['Idea number 1']);
    const { tally, ballots } = await h.store.getTally(h.spec.id, 'villain');
    expect(ballots).toBe(1);
    expect(tally[ids[0]!] ?? 0).toBe(0);
    expect(tally[ids[1]!]).toBe(1);
  });

  it('accepts only shortlisted options, whatever the input', async () => {
    const { h, ids } = await atVote({}, 3);
    for (const forged of [['nope'], ['../../x'], [''], [ids[0]!, 'nope'], [], ['x'.repeat(200)]]) {
      const r = await h.run(fan('mallory'), { type: 'vote', categoryId: 'villain', choice: forged });
      expect(['vote.not-shortlisted', 'vote.invalid-choice', 'vote.too-many']).toContain(code(r));
    }
    expect((await h.store.getTally(h.spec.id, 'villain')).ballots).toBe(0);
  });

  it('refuses votes outside the vote phase, even before the scheduler has fired', async () => {
    const { h, ids } = await atVote();
    h.clock.advanceTo(h.spec.categories[0]!.revealAt); // time moved, no job has run yet
    expect(code(await h.run(fan('late'), { type: 'vote', categoryId: 'villain', choice: [ids[0]!] }))).toBe('phase.closed');
  });

  it('takes approval ballots up to maxChoices, without duplicates', async () => {
    const { h, ids } = await atVote({ vote: { method: 'approval', maxChoices: 2, allowChange: true } });
    ok(await h.run(fan('v1'), { type: 'vote', categoryId: 'villain', choice: [ids[0]!, ids[2]!] }));
    expect(code(await h.run(fan('v2'), { type: 'vote', categoryId: 'villain', choice: [ids[0]!, ids[1]!, ids[2]!] }))).toBe('vote.too-many');
    expect(code(await h.run(fan('v2'), { type: 'vote', categoryId: 'villain', choice: [ids[0]!, ids[0]!] }))).toBe('vote.duplicate-choice');
    expect((await h.store.getTally(h.spec.id, 'villain')).tally).toEqual({ [ids[0]!]: 1, [ids[2]!]: 1 });
  });

  it('elects the instant-runoff winner with ranked ballots, not the plurality leader', async () => {
    const { h, ids } = await atVote({ vote: { method: 'ranked', allowChange: true } });
    const [a, b, c] = ids as [string, string, string];
    const ballots = [
      ...Array(4).fill([a, c]), // a leads the first round
      ...Array(3).fill([b, c]),
      ...Array(2).fill([c, b]), // c is eliminated, its ballots go to b
    ] as string[][];
    for (const [i, choice] of ballots.entries()) ok(await h.run(fan(`r${i}`), { type: 'vote', categoryId: 'villain', choice }));
    await h.until(REVEAL);
    const results = await h.store.getResults(h.spec.id, 'villain');
    expect(results?.winners.map((w) => [w.id, w.votes])).toEqual([[b, 5]]);
    expect(results?.rounds?.[0]).toEqual({ [a]: 4, [b]: 3, [c]: 2 });
  });

  it('votes among fixed options with no propose or shortlist', async () => {
    const h = await harness(campaign([fixedCategory('flavour', ['Framboise-litchi', 'Caramel', 'Citron-basilic'])]));
    await h.until(PROPOSE);
    const options = ok(await h.run(fan('x'), { type: 'shortlist.list', categoryId: 'flavour' })).proposals;
    expect(options.map((o) => o.text)).toEqual(['Framboise-litchi', 'Caramel', 'Citron-basilic']);
    ok(await h.run(fan('x'), { type: 'vote', categoryId: 'flavour', choice: [options[1]!.id] }));
    ok(await h.run(fan('y'), { type: 'vote', categoryId: 'flavour', choice: [options[1]!.id] }));
    await h.until(T0 + 3 * DAY + 2 * HOUR);
    const results = await h.store.getResults(h.spec.id, 'flavour');
    expect(results?.winners).toEqual([{ id: options[1]!.id, text: 'Caramel', votes: 2 }]);
  });

  it('refuses the system actor as a voter', async () => {
    const { h, ids } = await atVote();
    const r = await h.engine.execute({ campaignId: h.spec.id, type: 'vote', categoryId: 'villain', choice: [ids[0]!] },
      { platform: 'system', userId: 'x', displayName: 'x', grantedRoles: ['manager'] });
    expect(code(r)).toBe('actor.not-allowed');
  });
});

describe('roles from the platforms', () => {
  it('maps Discord role ids and Telegram user ids from the campaign file to curator and manager', async () => {
    const { h } = await atVote();
    const discordCurator = { platform: 'discord' as const, userId: '1', displayName: 'd', memberRoleIds: ['role-curator'] };
    const telegramManager = { platform: 'telegram' as const, userId: '777', displayName: 't' };
    const telegramFan = { platform: 'telegram' as const, userId: '778', displayName: 't', grantedRoles: ['manager' as const] };
    expect(ok(await h.run(discordCurator, { type: 'status' })).roles).toEqual(['fan', 'curator']);
    expect(ok(await h.run(telegramManager, { type: 'status' })).roles).toEqual(['fan', 'manager', 'curator']);
    // roles claimed by a platform actor are ignored: only the campaign file grants them
    expect(code(await h.run(telegramFan, { type: 'advance' }))).toBe('actor.not-allowed');
  });
});
