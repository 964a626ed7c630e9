/**
 * The trust-and-fairness part of the CampaignStore contract: rate limits, the cap of
 * proposals per category, refusal counts, bans, a fan's data, erasure and retention purge.
 * Runs against every implementation (memory, Redis, Redis Cluster) like store.contract.ts.
 */
import fc from 'fast-check';
import type { Phase } from '../../src/model/campaign';
import type { Ballot } from '../../src/model/records';
import type { CampaignStore, StoreResult } from '../../src/ports/campaign-store';
import type { StoreHarness } from './store.contract';

const T0 = Date.parse('2013-02-18T08:00:00Z');
const DEADLINE = T0 + 7 * 24 * 3600 * 1000;
const CAT = 'cult-line';
const FIXED = 'flavour';
const OPTIONS = ['Framboise-litchi', 'Caramel beurre salé', 'Citron-basilic'];

let counter = 0;
const freshId = () => `trust-${Date.now().toString(36)}-${++counter}`;

function ok<T extends object>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`refused with ${result.code}`);
  return result;
}

/** The tally recomputed from the raw ballots (what `cocreate recount` does). */
async function recount(store: CampaignStore, campaignId: string, categoryId: string): Promise<{ tally: Record<string, number>; ballots: number; voters: string[] }> {
  const tally: Record<string, number> = {};
  const voters: string[] = [];
  for await (const batch of store.scanBallots(campaignId, categoryId)) {
    for (const b of batch) {
      voters.push(b.voterKey);
      for (const id of b.choice) tally[id] = (tally[id] ?? 0) + 1;
    }
  }
  return { tally, ballots: voters.length, voters };
}

export function describeTrustContract(name: string, factory: () => Promise<StoreHarness>, propertyRuns = 30): void {
  describe(`CampaignStore trust contract: ${name}`, () => {
    let h: StoreHarness;
    let store: CampaignStore;
    let campaignId: string;

    beforeEach(async () => {
      h = await factory();
      store = h.store;
      campaignId = freshId();
      h.outbox.register('local', async () => undefined, () => [{ platform: 'local', channel: 'terminal' }]);
      await store.initCampaign(campaignId, [{ id: CAT, deadline: T0 }, { id: FIXED, deadline: T0, options: OPTIONS }], T0 - 1000);
    });

    afterEach(async () => {
      await h.cleanup();
    });

    async function moveTo(phase: Phase, categoryId = CAT): Promise<void> {
      const state = await store.getState(campaignId, categoryId);
      expect(await store.transition({ campaignId, categoryId, from: state!.phase, to: phase, deadline: phase === 'reveal' ? null : DEADLINE, events: [] })).toBe(true);
    }

    function propose(fan: string, text: string, maxTotal?: number) {
      return store.addProposal({ phase: 'propose', now: T0 + 1 }, campaignId,
        { categoryId: CAT, text, normalized: text, authorKey: fan, authorName: fan.toUpperCase(), platform: 'discord', createdAt: T0 }, 3, maxTotal);
    }

    function vote(fan: string, choice: readonly string[], categoryId = FIXED) {
      return store.castBallot({ phase: 'vote', now: T0 + 1 }, campaignId, categoryId, { voterKey: fan, choice }, { allowChange: true, tallied: true });
    }

    async function options(): Promise<string[]> {
      return (await store.getShortlist(campaignId, FIXED)).map((p) => p.id);
    }

    async function expectTallyEqualsRecount(categoryId = FIXED): Promise<{ voters: string[] }> {
      const stored = await store.getTally(campaignId, categoryId);
      const counted = await recount(store, campaignId, categoryId);
      expect(stored.tally).toEqual(counted.tally);
      expect(stored.ballots).toBe(counted.ballots);
      return counted;
    }

    // ---- rate limits ---------------------------------------------------------------

    it('lets a fan act max times in a sliding window, then answers the wait until the oldest leaves', async () => {
      const limit = { max: 3, perMs: 60_000 };
      expect(await store.hitRateLimit(campaignId, 'discord:1', 'proposals', limit, T0)).toEqual({ ok: true });
      expect(await store.hitRateLimit(campaignId, 'discord:1', 'proposals', limit, T0 + 10_000)).toEqual({ ok: true });
      expect(await store.hitRateLimit(campaignId, 'discord:1', 'proposals', limit, T0 + 20_000)).toEqual({ ok: true });
      expect(await store.hitRateLimit(campaignId, 'discord:1', 'proposals', limit, T0 + 30_000)).toEqual({ ok: false, retryAfterMs: 30_000 });
      // other fans and other kinds have their own windows
      expect(await store.hitRateLimit(campaignId, 'discord:2', 'proposals', limit, T0 + 30_000)).toEqual({ ok: true });
      expect(await store.hitRateLimit(campaignId, 'discord:1', 'likes', limit, T0 + 30_000)).toEqual({ ok: true });
      // a refused attempt is not recorded: once the oldest leaves, one more fits
      expect(await store.hitRateLimit(campaignId, 'discord:1', 'proposals', limit, T0 + 60_001)).toEqual({ ok: true });
      expect(await store.hitRateLimit(campaignId, 'discord:1', 'proposals', limit, T0 + 60_002)).toEqual({ ok: false, retryAfterMs: 9_998 });
    });

    it('admits exactly max of many simultaneous attempts', async () => {
      const limit = { max: 5, perMs: 60_000 };
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => store.hitRateLimit(campaignId, 'telegram:9', 'likes', limit, T0 + i)));
      expect(answers.filter((a) => a.ok)).toHaveLength(5);
    });

    // ---- cap per category ----------------------------------------------------------

    it('refuses proposals beyond the category cap, withdrawn ones included', async () => {
      await moveTo('propose');
      const first = ok(await propose('discord:a', 'one idea', 2)).proposal;
      ok(await propose('discord:b', 'two idea', 2));
      expect(await propose('discord:c', 'three idea', 2)).toEqual({ ok: false, code: 'proposal.category-full' });
      ok(await store.withdrawProposal({ phase: 'propose', now: T0 + 1 }, campaignId, first.id, 'discord:a'));
      expect(await propose('discord:c', 'three idea', 2)).toEqual({ ok: false, code: 'proposal.category-full' });
      ok(await propose('discord:c', 'three idea'));
    });

    // ---- refusal counts and bans ---------------------------------------------------

    it('counts refusals by code', async () => {
      await store.countRefusal(campaignId, 'rate.limited');
      await store.countRefusal(campaignId, 'rate.limited');
      await store.countRefusal(campaignId, 'eligibility.banned');
      expect(await store.getRefusalCounts(campaignId)).toEqual({ 'rate.limited': 2, 'eligibility.banned': 1 });
    });

    it('keeps a ban list: ban once, list, unban', async () => {
      expect(await store.setBan(campaignId, 'discord:5', { reason: 'spam', by: 'discord:9', at: T0 })).toBe(true);
      expect(await store.setBan(campaignId, 'discord:5', { reason: 'again', by: 'discord:9', at: T0 + 1 })).toBe(false);
      expect(await store.setBan(campaignId, 'telegram:6', { reason: '', by: 'discord:9', at: T0 + 2 })).toBe(true);
      expect(await store.getBan(campaignId, 'discord:5')).toEqual({ reason: 'spam', by: 'discord:9', at: T0 });
      expect((await store.listBans(campaignId)).map((b) => b.fanKey)).toEqual(['discord:5', 'telegram:6']);
      expect(await store.setBan(campaignId, 'discord:5', null)).toBe(true);
      expect(await store.setBan(campaignId, 'discord:5', null)).toBe(false);
      expect(await store.getBan(campaignId, 'discord:5')).toBeNull();
    });

    // ---- a fan's data --------------------------------------------------------------

    it('gives a fan their proposals, likes and ballots', async () => {
      await moveTo('propose');
      const mine = ok(await propose('discord:a', 'my idea')).proposal;
      const theirs = ok(await propose('discord:b', 'their idea')).proposal;
      ok(await store.like({ phase: 'propose', now: T0 + 1 }, campaignId, theirs.id, 'discord:a'));
      await moveTo('vote', FIXED);
      const [o1] = await options();
      ok(await vote('discord:a', [o1!]));
      const data = await store.fanData(campaignId, 'discord:a');
      expect(data.proposals.map((p) => p.id)).toEqual([mine.id]);
      expect(data.likes).toEqual([{ proposalId: theirs.id, categoryId: CAT }]);
      expect(data.ballots).toEqual([{ categoryId: FIXED, choice: [o1] }]);
      expect(await store.fanData(campaignId, 'discord:zz')).toEqual({ proposals: [], likes: [], ballots: [] });
    });

    // ---- erasure -------------------------------------------------------------------

    /** The categories of an erasure; `anon` stands for Engine.pseudonymFor's `anon:<fan hash>`. */
    const categories = (fan: string) => [CAT, FIXED].map((id) => ({ id, tallied: true, anon: `anon:${id}-${fan.replace(':', '-')}` }));

    it('withdraws the ballot of an erased fan while the vote is open, and lets them vote once again', async () => {
      await moveTo('vote', FIXED);
      const [o1, o2] = await options();
      ok(await vote('discord:a', [o1!]));
      ok(await vote('discord:b', [o1!]));
      const report = await store.eraseFan(campaignId, 'discord:a', categories('discord:a'));
      expect(report).toMatchObject({ ballotsWithdrawn: 1, ballotsAnonymized: 0 });
      expect(await store.getTally(campaignId, FIXED)).toEqual({ tally: { [o1!]: 1 }, ballots: 1 });
      await expectTallyEqualsRecount();
      expect(ok(await vote('discord:a', [o2!])).changed).toBe(false);
      expect(ok(await vote('discord:a', [o1!])).changed).toBe(true);
      expect(await store.getTally(campaignId, FIXED)).toEqual({ tally: { [o1!]: 2 }, ballots: 2 });
      await expectTallyEqualsRecount();
    });

    it('keeps a revealed ballot under an anonymous key: tally, count and recount unchanged', async () => {
      await moveTo('vote', FIXED);
      const [o1, o2] = await options();
      ok(await vote('discord:a', [o1!]));
      ok(await vote('telegram:b', [o2!]));
      await moveTo('reveal', FIXED);
      const before = await store.getTally(campaignId, FIXED);
      const report = await store.eraseFan(campaignId, 'discord:a', categories('discord:a'));
      expect(report).toMatchObject({ ballotsWithdrawn: 0, ballotsAnonymized: 1 });
      expect(await store.getTally(campaignId, FIXED)).toEqual(before);
      const { voters } = await expectTallyEqualsRecount();
      expect(voters).not.toContain('discord:a');
      expect(voters).toContain('telegram:b');
      expect(voters.filter((v) => v.startsWith('anon:'))).toEqual(['anon:fixed-discord-a'.replace('fixed', FIXED)]);
      expect((await store.fanData(campaignId, 'discord:a')).ballots).toEqual([]);
    });

    it('takes back likes while proposals are open and keeps anonymous counts afterwards; proposals lose their author', async () => {
      await moveTo('propose');
      const p1 = ok(await propose('discord:b', 'idea one')).proposal;
      const p2 = ok(await propose('discord:a', 'idea two')).proposal;
      ok(await store.like({ phase: 'propose', now: T0 + 1 }, campaignId, p1.id, 'discord:a'));
      ok(await store.like({ phase: 'propose', now: T0 + 1 }, campaignId, p1.id, 'discord:c'));
      const report = await store.eraseFan(campaignId, 'discord:a', categories('discord:a'));
      expect(report).toMatchObject({ likesWithdrawn: 1, likesAnonymized: 0, proposalsAnonymized: [p2.id] });
      expect((await store.getProposal(campaignId, p1.id))!.likes).toBe(1);
      const anonymous = (await store.getProposal(campaignId, p2.id))!;
      expect(anonymous.text).toBe('idea two');
      expect(anonymous.authorKey).toBeUndefined();
      expect(anonymous.authorName).toBeUndefined();
      expect(await store.listProposals(campaignId, CAT, { authorKey: 'discord:a' })).toEqual([]);
      // after proposals close, a like keeps its count and loses its fan
      await moveTo('shortlist');
      const later = await store.eraseFan(campaignId, 'discord:c', categories('discord:c'));
      expect(later).toMatchObject({ likesWithdrawn: 0, likesAnonymized: 1 });
      expect((await store.getProposal(campaignId, p1.id))!.likes).toBe(1);
      expect((await store.fanData(campaignId, 'discord:c')).likes).toEqual([]);
    });

    it('erases the fan\'s rate-limit windows', async () => {
      const limit = { max: 1, perMs: 60_000 };
      ok(await store.hitRateLimit(campaignId, 'discord:a', 'likes', limit, T0) as StoreResult);
      expect((await store.hitRateLimit(campaignId, 'discord:a', 'likes', limit, T0 + 1)).ok).toBe(false);
      await store.eraseFan(campaignId, 'discord:a', categories('discord:a'));
      expect((await store.hitRateLimit(campaignId, 'discord:a', 'likes', limit, T0 + 2)).ok).toBe(true);
    });

    // ---- retention -----------------------------------------------------------------

    it('purges every identity of a revealed category and keeps its tally equal to the recount (twice: idempotent)', async () => {
      await moveTo('propose');
      const p = ok(await propose('discord:a', 'an idea')).proposal;
      ok(await store.like({ phase: 'propose', now: T0 + 1 }, campaignId, p.id, 'discord:b'));
      await moveTo('vote', FIXED);
      const [o1, o2] = await options();
      for (let i = 0; i < 30; i++) ok(await vote(`telegram:${i}`, [i % 3 === 0 ? o2! : o1!]));
      await moveTo('reveal', FIXED);
      const before = await store.getTally(campaignId, FIXED);
      expect(await store.purgeCategory(campaignId, FIXED)).toBe(30);
      expect(await store.purgeCategory(campaignId, FIXED)).toBe(0);
      expect(await store.getTally(campaignId, FIXED)).toEqual(before);
      const { voters } = await expectTallyEqualsRecount();
      expect(voters.every((v) => v.startsWith('erased:'))).toBe(true);
      expect(new Set(voters).size).toBe(30);
      expect(await store.purgeCategory(campaignId, CAT)).toBe(2);
      expect((await store.getProposal(campaignId, p.id))).toMatchObject({ text: 'an idea', likes: 1 });
      expect((await store.getProposal(campaignId, p.id))!.authorKey).toBeUndefined();
      expect(await store.fanData(campaignId, 'discord:b')).toEqual({ proposals: [], likes: [], ballots: [] });
    });

    // ---- the property --------------------------------------------------------------

    it('keeps the tally equal to the recount after any sequence of votes, erasures and a reveal', async () => {
      type Step = { kind: 'vote'; fan: number; option: number } | { kind: 'erase'; fan: number } | { kind: 'reveal' };
      const step: fc.Arbitrary<Step> = fc.oneof(
        { weight: 6, arbitrary: fc.record({ kind: fc.constant('vote' as const), fan: fc.nat(7), option: fc.nat(2) }) },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('erase' as const), fan: fc.nat(7) }) },
        { weight: 1, arbitrary: fc.constant({ kind: 'reveal' as const }) },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
          const id = freshId();
          await store.initCampaign(id, [{ id: FIXED, deadline: T0, options: OPTIONS }], T0 - 1000);
          expect(await store.transition({ campaignId: id, categoryId: FIXED, from: 'pending', to: 'vote', deadline: DEADLINE, events: [] })).toBe(true);
          const opts = (await store.getShortlist(id, FIXED)).map((p) => p.id);
          let revealed = false;
          const live = new Set<number>();
          for (const s of steps) {
            if (s.kind === 'vote') {
              const r = await store.castBallot({ phase: 'vote', now: T0 + 1 }, id, FIXED, { voterKey: `discord:${s.fan}`, choice: [opts[s.option]!] }, { allowChange: true, tallied: true });
              expect(r.ok).toBe(!revealed);
              if (r.ok) live.add(s.fan);
            } else if (s.kind === 'erase') {
              await store.eraseFan(id, `discord:${s.fan}`, [{ id: FIXED, tallied: true, anon: `anon:${s.fan}` }]);
              live.delete(s.fan);
            } else if (!revealed) {
              expect(await store.transition({ campaignId: id, categoryId: FIXED, from: 'vote', to: 'reveal', deadline: null, events: [] })).toBe(true);
              revealed = true;
            }
          }
          const stored = await store.getTally(id, FIXED);
          const counted = await recount(store, id, FIXED);
          expect(stored.tally).toEqual(counted.tally);
          expect(stored.ballots).toBe(counted.ballots);
          // one ballot per fan: every named voter is a live fan, and appears once
          const named = counted.voters.filter((v) => !v.startsWith('erased:') && !v.startsWith('anon:'));
          expect(new Set(named).size).toBe(named.length);
          expect(named.sort()).toEqual([...live].map((f) => `discord:${f}`).sort());
        }),
        { numRuns: propertyRuns },
      );
    });
  });
}

export type { Ballot };
