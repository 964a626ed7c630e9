import { campaign, category, code, DAY, fan, fixedCategory, harness, HOUR, ok, T0 } from '../helpers/harness';

const OPEN = T0 + 2 * HOUR;
const alice = fan('alice');
const bob = fan('bob');
const norman = fan('norman', ['curator']);

async function proposing(spec = campaign([category('villain'), category('place')])) {
  const h = await harness(spec);
  await h.until(OPEN);
  return h;
}

describe('proposals', () => {
  it('refuses a proposal before the propose phase opens', async () => {
    const h = await harness(campaign([category('villain')]));
    expect(code(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'Dr Crunch' }))).toBe('phase.closed');
  });

  it('records a cleaned proposal credited to its author once propose is open', async () => {
    const h = await proposing();
    const r = ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: '  Dr\u202e  Crunch\u0000 \n le retour ' }));
    expect(r.proposal.text).toBe('Dr Crunch le retour');
    expect(r.proposal.authorName).toBe('alice');
    expect(r.proposal.authorKey).toBe('local:alice');
    expect((await h.store.getProposal(h.spec.id, r.proposal.id))?.text).toBe('Dr Crunch le retour');
  });

  it('refuses text too short, too long or empty once cleaned', async () => {
    const h = await proposing();
    expect(code(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'ab' }))).toBe('proposal.too-short');
    expect(code(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'x'.repeat(41) }))).toBe('proposal.too-long');
    expect(code(await h.run(alice, { type: 'propose', categoryId: 'villain', text: '\u200b\u202e\u0007 ' }))).toBe('proposal.empty');
    expect(code(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'y'.repeat(200_000) }))).toBe('proposal.too-long');
  });

  it('refuses a near-duplicate of an idea in the same category, not in another', async () => {
    const h = await proposing();
    ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'Le Méchant Céréale !' }));
    expect(code(await h.run(bob, { type: 'propose', categoryId: 'villain', text: 'le mechant  cereale' }))).toBe('proposal.duplicate');
    ok(await h.run(bob, { type: 'propose', categoryId: 'place', text: 'le mechant cereale' }));
  });

  it('limits proposals per fan per category, and a withdrawal frees the slot', async () => {
    const h = await proposing();
    const first = ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'idea one' }));
    ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'idea two' }));
    expect(code(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'idea three' }))).toBe('proposal.limit');
    ok(await h.run(alice, { type: 'propose', categoryId: 'place', text: 'idea three' }));
    ok(await h.run(alice, { type: 'withdraw', proposalId: first.proposal.id }));
    ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'idea three' }));
  });

  it('lets only the author edit or withdraw, and only while propose is open', async () => {
    const h = await proposing();
    const p = ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'first draft' })).proposal;
    expect(code(await h.run(bob, { type: 'edit', proposalId: p.id, text: 'hijacked' }))).toBe('proposal.not-owner');
    expect(code(await h.run(bob, { type: 'withdraw', proposalId: p.id }))).toBe('proposal.not-owner');
    expect(ok(await h.run(alice, { type: 'edit', proposalId: p.id, text: 'second draft' })).proposal.text).toBe('second draft');
    await h.until(T0 + 8 * DAY + 2 * HOUR);
    expect(code(await h.run(alice, { type: 'edit', proposalId: p.id, text: 'third draft' }))).toBe('phase.closed');
    expect(code(await h.run(alice, { type: 'withdraw', proposalId: p.id }))).toBe('phase.closed');
  });

  it('answers proposal.unknown for an unknown or forged id', async () => {
    const h = await proposing();
    expect(code(await h.run(alice, { type: 'edit', proposalId: 'zzz', text: 'hello there' }))).toBe('proposal.unknown');
    expect(code(await h.run(alice, { type: 'like', proposalId: 'x'.repeat(500) }))).toBe('proposal.unknown');
  });

  it('refuses proposals in a fixed-option category and in an unknown one', async () => {
    const h = await proposing(campaign([fixedCategory('flavour', ['Framboise', 'Citron'])]));
    expect(code(await h.run(alice, { type: 'propose', categoryId: 'flavour', text: 'Chocolat' }))).toBe('category.fixed-options');
    expect(code(await h.run(alice, { type: 'propose', categoryId: 'nope', text: 'Chocolat' }))).toBe('category.unknown');
  });

  it('counts one like per fan, never the author, and takes unlikes back', async () => {
    const h = await proposing();
    const p = ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'Captain Soggy' })).proposal;
    expect(code(await h.run(alice, { type: 'like', proposalId: p.id }))).toBe('like.own');
    expect(ok(await h.run(bob, { type: 'like', proposalId: p.id })).likes).toBe(1);
    expect(code(await h.run(bob, { type: 'like', proposalId: p.id }))).toBe('like.already');
    expect(ok(await h.run(bob, { type: 'unlike', proposalId: p.id })).likes).toBe(0);
    expect(code(await h.run(bob, { type: 'unlike', proposalId: p.id }))).toBe('like.not-liked');
  });

  it('moves an idea to expert review when it reaches the threshold, announced once', async () => {
    const h = await proposing(campaign([category('ideas', { shortlist: { by: 'threshold', likes: 3 } })]));
    const p = ok(await h.run(alice, { type: 'propose', categoryId: 'ideas', text: 'Self-scanning everywhere' })).proposal;
    for (const name of ['f1', 'f2', 'f3', 'f4']) ok(await h.run(fan(name), { type: 'like', proposalId: p.id }));
    await h.settle();
    expect((await h.store.getProposal(h.spec.id, p.id))?.status).toBe('review');
    expect(h.delivered.filter((e) => e.kind === 'proposal.review')).toHaveLength(1);
  });

  it('lets a curator reject with a reason; fans may not', async () => {
    const h = await proposing();
    const p = ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'Spam spam spam' })).proposal;
    expect(code(await h.run(bob, { type: 'reject', proposalId: p.id, reason: 'nope' }))).toBe('actor.not-allowed');
    ok(await h.run(norman, { type: 'reject', proposalId: p.id, reason: 'off-topic <b>' }));
    const stored = await h.store.getProposal(h.spec.id, p.id);
    expect(stored?.status).toBe('rejected');
    expect(stored?.rejectReason).toBe('off-topic <b>');
  });

  it('lists a fan their own proposals and everyone the active ones', async () => {
    const h = await proposing();
    const a = ok(await h.run(alice, { type: 'propose', categoryId: 'villain', text: 'Alice idea' })).proposal;
    ok(await h.run(bob, { type: 'propose', categoryId: 'villain', text: 'Bob idea' }));
    ok(await h.run(norman, { type: 'reject', proposalId: a.id, reason: 'no' }));
    const mine = ok(await h.run(alice, { type: 'proposals', mine: true }));
    expect(mine.proposals.map((p) => p.text)).toEqual(['Alice idea']);
    const all = ok(await h.run(bob, { type: 'proposals', categoryId: 'villain' }));
    expect(all.proposals.map((p) => p.text)).toEqual(['Bob idea']);
  });
});
