// Trust and fairness in the engine: eligibility per phase, the ban list, per-fan limits, the cap per
// category, refusal counts for managers, /mydata, /forgetme, manager export/erase, retention.
import { Engine, type ModerationEntry } from '../../src/engine/engine';
import type { Actor, EligibilityRules } from '../../src/model/campaign';
import { renderRefusal, renderResult, toPlainText } from '../../src/render/message';
import { loadCampaignFile } from '../../src/config/loader';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { campaign, category, code, DAY, fan, fixedCategory, harness, HOUR, ok, T0 } from '../helpers/harness';

const none = { discord: [], telegram: [] };
const rules = (extra: Partial<EligibilityRules>): EligibilityRules => ({ requireRoles: none, excludeRoles: none, excludeUsers: none, unknown: 'allow', ...extra });
const OPEN = T0 + HOUR + 1;
const VOTE_OPEN = T0 + HOUR + 1;

function discordFan(id: string, facts: Actor['facts'] = {}, roles: string[] = []): Actor {
  return { platform: 'discord', userId: id, displayName: `fan ${id}`, memberRoleIds: roles, facts };
}

describe('eligibility', () => {
  it('refuses an account younger than minAccountAge with the time to wait, in French and English', async () => {
    const spec = campaign([category('c')], { trust: { eligibility: { propose: rules({ minAccountAgeMs: 30 * DAY }), vote: rules({}) } } });
    const h = await harness(spec);
    await h.until(OPEN);
    const young = discordFan('1', { accountCreatedAt: OPEN - 28 * DAY });
    const refused = await h.run(young, { type: 'propose', categoryId: 'c', text: 'my idea' });
    expect(refused).toEqual({ ok: false, code: 'eligibility.account-too-new', params: { waitMs: 2 * DAY } });
    const command = { type: 'propose' as const, campaignId: spec.id, categoryId: 'c', text: 'x' };
    if (refused.ok) throw new Error('expected refusal');
    expect(toPlainText(renderRefusal(refused, command, spec, 'en'))).toBe('Your account is too recent to take part in this phase. Come back in 2 days!');
    expect(toPlainText(renderRefusal(refused, command, spec, 'fr'))).toBe('Ton compte est trop récent pour participer à cette phase. Reviens dans 2 jours !');
    expect(code(await h.run(discordFan('2', { accountCreatedAt: OPEN - 31 * DAY }), { type: 'propose', categoryId: 'c', text: 'old idea' }))).toBe('ok');
  });

  it('checks the time in the guild per phase, and treats an unknown fact as the file says', async () => {
    const spec = campaign([fixedCategory('f', ['A', 'B'])], {
      trust: { eligibility: { propose: rules({}), vote: rules({ minMemberAgeMs: 7 * DAY, unknown: 'refuse' }) } },
    });
    const h = await harness(spec);
    await h.until(VOTE_OPEN);
    const [a] = ok(await h.run(fan('x'), { type: 'shortlist.list', categoryId: 'f' })).proposals.map((p) => p.id);
    const newcomer = await h.run(discordFan('1', { memberSince: VOTE_OPEN - 5 * DAY - HOUR }), { type: 'vote', categoryId: 'f', choice: [a!] });
    expect(newcomer).toMatchObject({ code: 'eligibility.member-too-new', params: { waitMs: 2 * DAY - HOUR } });
    expect(code(await h.run(fan('local-fan'), { type: 'vote', categoryId: 'f', choice: [a!] }))).toBe('eligibility.unknown');
    expect(code(await h.run(discordFan('2', { memberSince: VOTE_OPEN - 8 * DAY }), { type: 'vote', categoryId: 'f', choice: [a!] }))).toBe('ok');
  });

  it('requires one of the roles, refuses excluded roles and users', async () => {
    const vote = rules({
      requireRoles: { discord: ['verified'], telegram: [] },
      excludeRoles: { discord: ['muted'], telegram: [] },
      excludeUsers: { discord: ['666'], telegram: ['42'] },
    });
    const spec = campaign([fixedCategory('f', ['A', 'B'])], { trust: { eligibility: { propose: rules({}), vote } } });
    const h = await harness(spec);
    await h.until(VOTE_OPEN);
    const choice = [ok(await h.run(fan('x'), { type: 'shortlist.list', categoryId: 'f' })).proposals[0]!.id];
    expect(code(await h.run(discordFan('1'), { type: 'vote', categoryId: 'f', choice }))).toBe('eligibility.role-required');
    expect(code(await h.run(discordFan('2', {}, ['verified', 'muted']), { type: 'vote', categoryId: 'f', choice }))).toBe('eligibility.excluded');
    expect(code(await h.run(discordFan('666', {}, ['verified']), { type: 'vote', categoryId: 'f', choice }))).toBe('eligibility.excluded');
    expect(code(await h.run({ platform: 'telegram', userId: '42', displayName: 't' }, { type: 'vote', categoryId: 'f', choice }))).toBe('eligibility.excluded');
    expect(code(await h.run({ platform: 'telegram', userId: '43', displayName: 't' }, { type: 'vote', categoryId: 'f', choice }))).toBe('ok');
    expect(code(await h.run(discordFan('3', {}, ['verified']), { type: 'vote', categoryId: 'f', choice }))).toBe('ok');
  });
});

describe('the ban list', () => {
  it('lets curators ban and unban a fan, who is refused meanwhile; managers see the refusals counted in /status', async () => {
    const spec = campaign([category('c')]);
    const h = await harness(spec);
    await h.until(OPEN);
    const curator = fan('cur', ['curator']);
    expect(code(await h.run(fan('fanny'), { type: 'ban', fan: 'local:bob', reason: 'x' }))).toBe('actor.not-allowed');
    expect(ok(await h.run(curator, { type: 'ban', fan: 'local:bob', reason: 'spam' }))).toMatchObject({ changed: true });
    expect(code(await h.run(curator, { type: 'ban', fan: 'not a fan', reason: '' }))).toBe('fan.invalid');
    expect(code(await h.run(fan('bob'), { type: 'propose', categoryId: 'c', text: 'spam spam' }))).toBe('eligibility.banned');
    expect(ok(await h.run(curator, { type: 'bans' })).bans.map((b) => b.fanKey)).toEqual(['local:bob']);
    const manager = ok(await h.run(fan('lea', ['manager']), { type: 'status' }));
    expect(manager.refusals).toEqual({ 'eligibility.banned': 1 });
    const text = toPlainText(renderResult(manager, { type: 'status', campaignId: spec.id }, spec, 'en'));
    expect(text).toContain('Refused (eligibility and anti-spam): banned 1.');
    expect(ok(await h.run(fan('someone'), { type: 'status' })).refusals).toBeUndefined();
    ok(await h.run(curator, { type: 'unban', fan: 'local:bob' }));
    expect(code(await h.run(fan('bob'), { type: 'propose', categoryId: 'c', text: 'real idea' }))).toBe('ok');
  });

  it('calls the moderation hook once a ban is durable', async () => {
    const spec = campaign([category('c')]);
    const h = await harness(spec);
    const entries: ModerationEntry[] = [];
    const engine = new Engine({ campaigns: [spec], store: h.store, scheduler: h.scheduler, outbox: h.outbox, clock: h.clock, onModeration: (e) => void entries.push(e) });
    await engine.execute({ type: 'ban', campaignId: spec.id, fan: 'discord:9', reason: 'flood' }, fan('cur', ['curator']));
    expect(entries).toEqual([{ kind: 'ban', campaignId: spec.id, fan: 'discord:9', by: 'local:cur', reason: 'flood', at: h.clock.now() }]);
  });
});

describe('anti-spam', () => {
  it('refuses a flood of proposals with the time to wait, and caps a category', async () => {
    const c = category('c', { proposals: { minLength: 3, maxLength: 40, perFan: 10, maxTotal: 3 } });
    const spec = campaign([c], { trust: { limits: { proposals: { max: 2, perMs: HOUR }, likes: { max: 1, perMs: 60_000 } } } });
    const h = await harness(spec);
    await h.until(OPEN);
    expect(code(await h.run(fan('a'), { type: 'propose', categoryId: 'c', text: 'idea one' }))).toBe('ok');
    await h.until(OPEN + 60_000);
    expect(code(await h.run(fan('a'), { type: 'propose', categoryId: 'c', text: 'idea two' }))).toBe('ok');
    const flood = await h.run(fan('a'), { type: 'propose', categoryId: 'c', text: 'idea three' });
    expect(flood).toEqual({ ok: false, code: 'rate.limited', params: { waitMs: HOUR - 60_000 } });
    if (flood.ok) throw new Error('expected refusal');
    const cmd = { type: 'propose' as const, campaignId: spec.id, categoryId: 'c', text: '' };
    expect(toPlainText(renderRefusal(flood, cmd, spec, 'en'))).toBe('Easy there! You did that too often in a short time. Try again in 59 min.');
    expect(toPlainText(renderRefusal(flood, cmd, spec, 'fr'))).toBe('Doucement ! Tu l’as fait trop souvent en peu de temps. Réessaie dans 59 min.');
    expect(code(await h.run(fan('b'), { type: 'propose', categoryId: 'c', text: 'idea four' }))).toBe('ok');
    expect(await h.run(fan('c'), { type: 'propose', categoryId: 'c', text: 'idea five' })).toEqual({ ok: false, code: 'proposal.category-full', params: { max: 3 } });
    const [p] = ok(await h.run(fan('x'), { type: 'proposals', categoryId: 'c' })).proposals;
    expect(code(await h.run(fan('z'), { type: 'like', proposalId: p!.id }))).toBe('ok');
    expect(code(await h.run(fan('z'), { type: 'unlike', proposalId: p!.id }))).toBe('rate.limited');
    expect(ok(await h.run(fan('lea', ['manager']), { type: 'status' })).refusals).toEqual({ 'rate.limited': 2, 'proposal.category-full': 1 });
  });
});

describe("fans' data rights", () => {
  it('gives a fan their data, erases them, and keeps tallies equal to the recount; results lose the erased author', async () => {
    const spec = campaign([category('c', { shortlist: { by: 'curators', size: 3 } })]);
    const h = await harness(spec);
    await h.until(OPEN);
    const alice = fan('alice');
    const idea = ok(await h.run(alice, { type: 'propose', categoryId: 'c', text: 'alice idea' })).proposal;
    const other = ok(await h.run(fan('bob'), { type: 'propose', categoryId: 'c', text: 'bob idea' })).proposal;
    ok(await h.run(alice, { type: 'like', proposalId: other.id }));
    await h.until(T0 + HOUR + 7 * DAY + 1);
    ok(await h.run(fan('cur', ['curator']), { type: 'shortlist.add', proposalId: idea.id }));
    ok(await h.run(fan('cur', ['curator']), { type: 'shortlist.add', proposalId: other.id }));
    await h.until(T0 + HOUR + 8 * DAY + 1);
    ok(await h.run(alice, { type: 'vote', categoryId: 'c', choice: [idea.id] }));
    ok(await h.run(fan('carol'), { type: 'vote', categoryId: 'c', choice: [idea.id] }));
    const mine = ok(await h.run(alice, { type: 'mydata' }));
    expect(mine.data).toMatchObject({
      campaign: spec.id, fan: 'local:alice',
      proposals: [{ id: idea.id, text: 'alice idea', authorName: 'alice' }],
      likes: [{ proposal: other.id, category: 'c' }],
      ballots: [{ category: 'c', choice: [idea.id] }],
    });
    await h.until(T0 + HOUR + 10 * DAY + 1);
    const results = ok(await h.run(fan('x'), { type: 'results' })).results[0]!;
    expect(results.winners[0]).toMatchObject({ id: idea.id, author: 'alice', votes: 2 });
    const erased = ok(await h.run(alice, { type: 'forgetme' }));
    expect(erased.report).toMatchObject({ ballotsAnonymized: 1, proposalsAnonymized: [idea.id] });
    expect(toPlainText(renderResult(erased, { type: 'forgetme', campaignId: spec.id }, spec, 'fr'))).toContain('ne te connaît plus');
    expect(ok(await h.run(fan('x'), { type: 'results' })).results[0]!.winners[0]).toEqual({ id: idea.id, text: 'alice idea', votes: 2 });
    expect((await h.engine.recount(spec.id)).agrees).toBe(true);
    expect(ok(await h.run(alice, { type: 'mydata' })).data).toMatchObject({ proposals: [], likes: [], ballots: [] });
    expect(code(await h.run(fan('lea'), { type: 'fan.erase', fan: 'local:carol' }))).toBe('actor.not-allowed');
    expect(ok(await h.run(fan('lea', ['manager']), { type: 'fan.export', fan: 'local:carol' })).data.ballots).toHaveLength(1);
    expect(ok(await h.run(fan('lea', ['manager']), { type: 'fan.erase', fan: 'local:carol' })).report.ballotsAnonymized).toBe(1);
    expect(code(await h.run(fan('lea', ['manager']), { type: 'fan.erase', fan: 'carol' }))).toBe('fan.invalid');
    expect((await h.engine.recount(spec.id)).agrees).toBe(true);
    expect(h.errors).toEqual([]);
  });

  it('purges raw fan data on schedule, retention after the reveal', async () => {
    const spec = campaign([fixedCategory('f', ['A', 'B'])], { trust: { retentionMs: 90 * DAY } });
    const h = await harness(spec);
    await h.until(VOTE_OPEN);
    const [a] = ok(await h.run(fan('x'), { type: 'shortlist.list', categoryId: 'f' })).proposals.map((p) => p.id);
    ok(await h.run(fan('voter'), { type: 'vote', categoryId: 'f', choice: [a!] }));
    await h.until(T0 + HOUR + 2 * DAY + 1);
    expect((await h.store.fanData(spec.id, 'local:voter')).ballots).toHaveLength(1);
    await h.until(T0 + HOUR + 2 * DAY + 89 * DAY);
    expect((await h.store.fanData(spec.id, 'local:voter')).ballots).toHaveLength(1);
    await h.until(T0 + HOUR + 2 * DAY + 90 * DAY + 1000);
    expect((await h.store.fanData(spec.id, 'local:voter')).ballots).toHaveLength(0);
    expect(await h.store.getTally(spec.id, 'f')).toEqual({ tally: { [a!]: 1 }, ballots: 1 });
    expect((await h.engine.recount(spec.id)).agrees).toBe(true);
    expect(h.errors).toEqual([]);
  });
});

describe('the campaign file', () => {
  it('reads eligibility, limits, retention and proposals.maxTotal, a phase overriding campaign-wide keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trust-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, `id: trust
title: Trust
locale: en
schedule:
  propose: { start: "2030-01-01T00:00:00Z", duration: P1W }
  vote: { duration: P1W }
proposals: { maxTotal: 500 }
shortlist: { by: likes, size: 3 }
eligibility:
  minAccountAge: P30D
  excludeUsers: { telegram: ["42"] }
  vote: { minMemberAge: P7D, unknown: refuse }
limits:
  proposals: { max: 3, per: PT1H }
  likes: { max: 30, per: PT10M }
retention: P90D
categories:
  - { id: c, title: C }
`);
    const loaded = loadCampaignFile(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded));
    const { trust, categories } = loaded.spec;
    expect(categories[0]!.proposals.maxTotal).toBe(500);
    expect(trust?.eligibility?.propose).toMatchObject({ minAccountAgeMs: 30 * DAY, unknown: 'allow', excludeUsers: { discord: [], telegram: ['42'] } });
    expect(trust?.eligibility?.propose.minMemberAgeMs).toBeUndefined();
    expect(trust?.eligibility?.vote).toMatchObject({ minAccountAgeMs: 30 * DAY, minMemberAgeMs: 7 * DAY, unknown: 'refuse' });
    expect(trust?.limits).toEqual({ proposals: { max: 3, perMs: HOUR }, likes: { max: 30, perMs: 10 * 60_000 } });
    expect(trust?.retentionMs).toBe(90 * DAY);
  });
});
