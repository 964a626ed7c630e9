/**
 * The CampaignStore contract: every implementation (memory, Redis, Redis Cluster) runs this
 * same suite through its own runner file, e.g.
 *
 *   describeStoreContract('memory', async () => { … return { store, outbox, cleanup } });
 */
import fc from 'fast-check';
import type { RefusalCode } from '../../src/model/refusals';
import type { CampaignEvent, ListedProposal } from '../../src/model/events';
import type { Phase } from '../../src/model/campaign';
import type { Ballot, CategoryResults, Proposal } from '../../src/model/records';
import type { Outbox } from '../../src/ports/outbox';
import type { CampaignStore, Gate, StoreResult } from '../../src/ports/campaign-store';

export interface StoreHarness {
  readonly store: CampaignStore;
  /** The outbox the store hands its events to; the suite registers a recording platform on it. */
  readonly outbox: Outbox;
  cleanup(): Promise<void>;
}

const T0 = Date.parse('2013-02-18T08:00:00Z');
const WEEK = 7 * 24 * 3600 * 1000;
const DEADLINE = T0 + WEEK;

const CAT = 'cult-line';
const OTHER = 'villain';
const FIXED = 'flavour';
const FIXED2 = 'poster';
const OPTIONS = ['Framboise-litchi', 'Caramel beurre salé', 'Citron-basilic'];

let campaignCounter = 0;
/** A campaign id of its own for each test (and each property run). */
function freshCampaignId(): string {
  return `contract-${Date.now().toString(36)}-${++campaignCounter}`;
}

function ok<T extends object>(result: StoreResult<T>): T {
  if (!result.ok) throw new Error(`refused with ${result.code}`);
  return result;
}

function refused(code: RefusalCode): { ok: false; code: RefusalCode } {
  return { ok: false, code };
}

/** The tally without its zero counts (a store may keep or drop them). */
function nonZero(tally: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(tally).filter(([, n]) => n !== 0));
}

export function describeStoreContract(name: string, factory: () => Promise<StoreHarness>): void {
  describe(`CampaignStore contract: ${name}`, () => {
    let h: StoreHarness;
    let store: CampaignStore;
    let campaignId: string;
    let delivered: CampaignEvent[];

    beforeEach(async () => {
      h = await factory();
      store = h.store;
      campaignId = freshCampaignId();
      delivered = [];
      h.outbox.register('local', async (event) => void delivered.push(event), () => [{ platform: 'local', channel: 'terminal' }]);
    });

    afterEach(async () => {
      await h.cleanup();
    });

    // ---- helpers -------------------------------------------------------------------

    const gate = (phase: Phase, now = T0 + 1): Gate => ({ phase, now });
    const proposing = gate('propose');
    const curating = gate('shortlist');
    const voting = gate('vote');

    async function events(): Promise<CampaignEvent[]> {
      await h.outbox.idle();
      return delivered;
    }

    function opened(id: string, categoryId = CAT): CampaignEvent {
      return { id, campaignId, categoryId, at: T0, kind: 'phase.opened', phase: 'propose', endsAt: DEADLINE };
    }

    function published(id: string, items: readonly ListedProposal[] = []): CampaignEvent {
      return { id, campaignId, categoryId: CAT, at: T0, kind: 'shortlist.published', items, endsAt: DEADLINE };
    }

    type CategoryInit = { id: string; deadline: number; options?: readonly string[] };
    async function init(categories: readonly CategoryInit[] = [{ id: CAT, deadline: T0 }, { id: OTHER, deadline: T0 }]): Promise<void> {
      await store.initCampaign(campaignId, categories, T0 - 1000);
    }

    async function initWithOptions(): Promise<void> {
      await init([
        { id: FIXED, deadline: T0, options: OPTIONS },
        { id: FIXED2, deadline: T0, options: ['Affiche A', 'Affiche B'] },
      ]);
    }

    /** Moves a category to `phase` from wherever it is. */
    async function moveTo(phase: Phase, categoryId = CAT, deadline: number | null = DEADLINE): Promise<void> {
      const state = await store.getState(campaignId, categoryId);
      const moved = await store.transition({ campaignId, categoryId, from: state!.phase, to: phase, deadline, events: [] });
      expect(moved).toBe(true);
    }

    async function propose(fan: string, text: string, categoryId = CAT, perFan = 3): Promise<StoreResult<{ proposal: Proposal }>> {
      return store.addProposal(
        proposing,
        campaignId,
        { categoryId, text, normalized: text.toLowerCase(), authorKey: `discord:${fan}`, authorName: fan, platform: 'discord', createdAt: T0 },
        perFan,
      );
    }

    async function proposed(fan: string, text: string, categoryId = CAT): Promise<Proposal> {
      return ok(await propose(fan, text, categoryId)).proposal;
    }

    async function status(id: string): Promise<Proposal['status'] | undefined> {
      return (await store.getProposal(campaignId, id))?.status;
    }

    async function shortlistIds(categoryId = CAT): Promise<string[]> {
      return (await store.getShortlist(campaignId, categoryId)).map((p) => p.id);
    }

    /** Fixed-option categories FIXED and FIXED2, both in the vote; returns FIXED's option ids. */
    async function openVote(): Promise<string[]> {
      await initWithOptions();
      await moveTo('vote', FIXED);
      await moveTo('vote', FIXED2);
      return shortlistIds(FIXED);
    }

    function vote(fan: string, choice: readonly string[], allowChange = false, categoryId = FIXED, tallied = true): Promise<StoreResult<{ changed: boolean }>> {
      return store.castBallot(voting, campaignId, categoryId, { voterKey: `telegram:${fan}`, choice }, { allowChange, tallied });
    }

    async function allBallots(categoryId = FIXED): Promise<Ballot[]> {
      const all: Ballot[] = [];
      for await (const batch of store.scanBallots(campaignId, categoryId)) all.push(...batch);
      return all;
    }

    // ---- initCampaign ---------------------------------------------------------------

    describe('initCampaign', () => {
      it('creates each category in pending with its deadline, in the declared order', async () => {
        await init([{ id: OTHER, deadline: T0 + 5 }, { id: CAT, deadline: T0 }]);
        expect(await store.getStates(campaignId)).toEqual([
          { categoryId: OTHER, phase: 'pending', deadline: T0 + 5, shift: 0, pausedAt: null, version: 0 },
          { categoryId: CAT, phase: 'pending', deadline: T0, shift: 0, pausedAt: null, version: 0 },
        ]);
        expect(await store.getState(campaignId, CAT)).toEqual({ categoryId: CAT, phase: 'pending', deadline: T0, shift: 0, pausedAt: null, version: 0 });
      });

      it('keeps the state of a campaign initialised again', async () => {
        await init();
        await moveTo('propose');
        const p = await proposed('ana', 'Je suis ton père');
        await init();
        expect((await store.getState(campaignId, CAT))?.phase).toBe('propose');
        expect(await store.listProposals(campaignId, CAT)).toEqual([p]);
      });

      it('does not add fixed options twice when initialised again', async () => {
        await initWithOptions();
        await initWithOptions();
        expect((await store.getShortlist(campaignId, FIXED)).map((p) => p.text)).toEqual(OPTIONS);
      });

      it('adds a category declared after the campaign was initialised', async () => {
        await init([{ id: CAT, deadline: T0 }]);
        await moveTo('propose');
        await init([{ id: CAT, deadline: T0 }, { id: OTHER, deadline: T0 + 9 }]);
        expect((await store.getStates(campaignId)).map((s) => [s.categoryId, s.phase])).toEqual([
          [CAT, 'propose'],
          [OTHER, 'pending'],
        ]);
      });

      it('turns fixed options into a shortlist of active proposals without author', async () => {
        await initWithOptions();
        const shortlist = await store.getShortlist(campaignId, FIXED);
        expect(shortlist.map((p) => p.text)).toEqual(OPTIONS);
        for (const option of shortlist) {
          expect(option).toMatchObject({ categoryId: FIXED, status: 'active', likes: 0, createdAt: T0 - 1000 });
          expect(option.authorKey).toBeUndefined();
          expect(option.authorName).toBeUndefined();
        }
        expect(await store.listProposals(campaignId, FIXED)).toEqual(shortlist);
        expect(new Set([...shortlist, ...(await store.getShortlist(campaignId, FIXED2))].map((p) => p.id)).size).toBe(5);
      });

      it('lists the campaigns it holds', async () => {
        await init();
        expect(await store.listCampaigns()).toContain(campaignId);
      });

      it('answers null and empty lists for unknown campaigns and categories', async () => {
        await init();
        expect(await store.getStates('no-such-campaign')).toEqual([]);
        expect(await store.getState(campaignId, 'no-such-category')).toBeNull();
        expect(await store.getProposal(campaignId, 'zz')).toBeNull();
        expect(await store.listProposals(campaignId, 'no-such-category')).toEqual([]);
        expect(await store.getShortlist(campaignId, 'no-such-category')).toEqual([]);
        expect(await store.getTally(campaignId, 'no-such-category')).toEqual({ tally: {}, ballots: 0 });
        expect(await store.getResults(campaignId, CAT)).toBeNull();
      });
    });

    // ---- transition -----------------------------------------------------------------

    describe('transition', () => {
      beforeEach(init);

      it('moves the phase, sets the deadline and bumps the version when from matches', async () => {
        const moved = await store.transition({ campaignId, categoryId: CAT, from: 'pending', to: 'propose', deadline: DEADLINE, events: [opened('e1')] });
        expect(moved).toBe(true);
        expect(await store.getState(campaignId, CAT)).toEqual({ categoryId: CAT, phase: 'propose', deadline: DEADLINE, shift: 0, pausedAt: null, version: 1 });
        expect(await events()).toEqual([opened('e1')]);
      });

      it('refuses a transition from another phase and enqueues nothing', async () => {
        const moved = await store.transition({ campaignId, categoryId: CAT, from: 'propose', to: 'shortlist', deadline: DEADLINE, events: [opened('e1')] });
        expect(moved).toBe(false);
        expect((await store.getState(campaignId, CAT))?.phase).toBe('pending');
        expect(await events()).toEqual([]);
      });

      it('refuses a transition at a stale version', async () => {
        await moveTo('propose');
        const moved = await store.transition({ campaignId, categoryId: CAT, from: 'propose', expectVersion: 0, to: 'shortlist', deadline: null, events: [opened('e1')] });
        expect(moved).toBe(false);
        expect(await store.getState(campaignId, CAT)).toMatchObject({ phase: 'propose', version: 1 });
        expect(await events()).toEqual([]);
      });

      it('applies a transition at the expected version', async () => {
        await moveTo('propose');
        const moved = await store.transition({ campaignId, categoryId: CAT, from: 'propose', expectVersion: 1, to: 'shortlist', deadline: null, events: [] });
        expect(moved).toBe(true);
        expect(await store.getState(campaignId, CAT)).toMatchObject({ phase: 'shortlist', deadline: null, version: 2 });
      });

      it('leaves the other categories alone', async () => {
        await moveTo('propose');
        expect(await store.getState(campaignId, OTHER)).toMatchObject({ phase: 'pending', version: 0 });
      });

      it('applies exactly one of ten concurrent transitions from the same phase', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.transition({ campaignId, categoryId: CAT, from: 'pending', to: 'propose', deadline: DEADLINE, events: [opened(`race-${i}`)] }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.getState(campaignId, CAT)).toMatchObject({ phase: 'propose', version: 1 });
        const sent = await events();
        expect(sent).toHaveLength(1);
        expect(sent[0]!.id).toBe(`race-${results.indexOf(true)}`);
      });

      it('refuses a transition of an unknown category or campaign', async () => {
        expect(await store.transition({ campaignId, categoryId: 'nope', from: 'pending', to: 'propose', deadline: null, events: [] })).toBe(false);
        expect(await store.transition({ campaignId: 'no-such-campaign', categoryId: CAT, from: 'pending', to: 'propose', deadline: null, events: [] })).toBe(false);
      });

      it('seeds the shortlist with the most liked live proposals, earliest first on ties', async () => {
        await moveTo('propose');
        const ps: Proposal[] = [];
        for (const t of ['a', 'b', 'c', 'd', 'e', 'f']) ps.push(await proposed(`fan-${t}`, `idea ${t}`));
        const [a, b, c, d, e, f] = ps as [Proposal, Proposal, Proposal, Proposal, Proposal, Proposal];
        const likes: [Proposal, number][] = [[a, 1], [b, 3], [c, 1], [d, 3], [e, 5], [f, 4]];
        for (const [p, n] of likes) for (let i = 0; i < n; i++) ok(await store.like(proposing, campaignId, p.id, `discord:liker${i}`, 4));
        expect(await status(f.id)).toBe('review');
        ok(await store.withdrawProposal(proposing, campaignId, e.id, 'discord:fan-e'));
        await store.transition({ campaignId, categoryId: CAT, from: 'propose', to: 'vote', deadline: DEADLINE, seedShortlist: { by: 'likes', size: 4 }, events: [] });
        expect(await shortlistIds()).toEqual([a.id, b.id, d.id, f.id]);
      });

      it('seeds the shortlist with proposals in review, earliest first, at most size', async () => {
        await moveTo('propose');
        const ps: Proposal[] = [];
        for (const t of ['one', 'two', 'three', 'four']) ps.push(await proposed(`fan-${t}`, `idea ${t}`));
        for (const p of [ps[3]!, ps[1]!, ps[0]!]) ok(await store.like(proposing, campaignId, p.id, 'discord:liker', 1));
        await store.transition({ campaignId, categoryId: CAT, from: 'propose', to: 'vote', deadline: DEADLINE, seedShortlist: { by: 'threshold', size: 2 }, events: [] });
        expect(await shortlistIds()).toEqual([ps[0]!.id, ps[1]!.id]);
      });

      it('seeds every proposal in review when no size is given, and replaces the old shortlist', async () => {
        await moveTo('propose');
        const ps: Proposal[] = [];
        for (const t of ['one', 'two', 'three']) ps.push(await proposed(`fan-${t}`, `idea ${t}`));
        await moveTo('shortlist');
        ok(await store.shortlistAdd(curating, campaignId, ps[1]!.id, 5));
        await moveTo('propose');
        for (const p of [ps[2]!, ps[0]!]) ok(await store.like(proposing, campaignId, p.id, 'discord:liker', 1));
        await store.transition({ campaignId, categoryId: CAT, from: 'propose', to: 'vote', deadline: DEADLINE, seedShortlist: { by: 'threshold' }, events: [] });
        expect(await shortlistIds()).toEqual([ps[0]!.id, ps[2]!.id]);
      });

      it('keeps the shortlist when no seed is given', async () => {
        await moveTo('shortlist');
        await moveTo('propose');
        const p = await proposed('ana', 'idea');
        await moveTo('shortlist');
        ok(await store.shortlistAdd(curating, campaignId, p.id, 5));
        await moveTo('vote');
        expect(await shortlistIds()).toEqual([p.id]);
      });

      it('fills an empty shortlist.published list with the shortlist after seeding', async () => {
        await moveTo('propose');
        const a = await proposed('ana', 'first idea');
        const b = await proposed('bob', 'second idea');
        ok(await store.like(proposing, campaignId, b.id, 'discord:liker'));
        await store.transition({ campaignId, categoryId: CAT, from: 'propose', to: 'vote', deadline: DEADLINE, seedShortlist: { by: 'likes', size: 5 }, events: [published('pub')] });
        expect(await events()).toEqual([
          published('pub', [
            { id: a.id, text: 'first idea', author: 'ana' },
            { id: b.id, text: 'second idea', author: 'bob' },
          ]),
        ]);
      });

      it('lists fixed options without author in a filled shortlist.published', async () => {
        await initWithOptions();
        const ids = await shortlistIds(FIXED);
        const event: CampaignEvent = { id: 'pub', campaignId, categoryId: FIXED, at: T0, kind: 'shortlist.published', items: [], endsAt: DEADLINE };
        await store.transition({ campaignId, categoryId: FIXED, from: 'pending', to: 'vote', deadline: DEADLINE, events: [event] });
        expect(await events()).toEqual([{ ...event, items: OPTIONS.map((text, i) => ({ id: ids[i], text })) }]);
      });

      it('keeps a shortlist.published list that is not empty', async () => {
        const given = [{ id: 'x', text: 'as given' }];
        await store.transition({ campaignId, categoryId: CAT, from: 'pending', to: 'vote', deadline: DEADLINE, events: [published('pub', given)] });
        expect(await events()).toEqual([published('pub', given)]);
      });
    });

    // ---- retime ---------------------------------------------------------------------

    describe('retime', () => {
      beforeEach(async () => {
        await init();
        await moveTo('propose');
      });

      it('pauses a running category and hands its events to the outbox', async () => {
        const event: CampaignEvent = { id: 'pause-1', campaignId, categoryId: CAT, at: T0, kind: 'phase.paused', phase: 'propose' };
        const done = await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'running', deadline: DEADLINE, shift: 0, pausedAt: T0 + 10, events: [event] });
        expect(done).toBe(true);
        expect(await store.getState(campaignId, CAT)).toEqual({ categoryId: CAT, phase: 'propose', deadline: DEADLINE, shift: 0, pausedAt: T0 + 10, version: 2 });
        expect(await events()).toEqual([event]);
      });

      it('refuses to pause a category already paused', async () => {
        await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'running', deadline: DEADLINE, shift: 0, pausedAt: T0 + 10, events: [] });
        const event: CampaignEvent = { id: 'pause-2', campaignId, categoryId: CAT, at: T0, kind: 'phase.paused', phase: 'propose' };
        const again = await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'running', deadline: DEADLINE, shift: 0, pausedAt: T0 + 20, events: [event] });
        expect(again).toBe(false);
        expect(await store.getState(campaignId, CAT)).toMatchObject({ pausedAt: T0 + 10, version: 2 });
        expect(await events()).toEqual([]);
      });

      it('resumes a paused category with its new deadline and shift', async () => {
        await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'running', deadline: DEADLINE, shift: 0, pausedAt: T0 + 10, events: [] });
        const resumed = await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'paused', deadline: DEADLINE + 50, shift: 50, pausedAt: null, events: [] });
        expect(resumed).toBe(true);
        expect(await store.getState(campaignId, CAT)).toEqual({ categoryId: CAT, phase: 'propose', deadline: DEADLINE + 50, shift: 50, pausedAt: null, version: 3 });
      });

      it('refuses to resume a running category', async () => {
        expect(await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'paused', deadline: 1, shift: 1, pausedAt: null, events: [] })).toBe(false);
        expect(await store.getState(campaignId, CAT)).toMatchObject({ deadline: DEADLINE, shift: 0, version: 1 });
      });

      it('extends a running category', async () => {
        expect(await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'running', deadline: DEADLINE + 99, shift: 99, pausedAt: null, events: [] })).toBe(true);
        expect(await store.getState(campaignId, CAT)).toMatchObject({ deadline: DEADLINE + 99, shift: 99, pausedAt: null, version: 2 });
      });

      it('refuses a retime of another phase or an unknown category', async () => {
        expect(await store.retime({ campaignId, categoryId: CAT, phase: 'vote', expect: 'running', deadline: 1, shift: 1, pausedAt: 1, events: [] })).toBe(false);
        expect(await store.retime({ campaignId, categoryId: 'nope', phase: 'propose', expect: 'running', deadline: 1, shift: 1, pausedAt: 1, events: [] })).toBe(false);
        expect(await store.getState(campaignId, CAT)).toMatchObject({ deadline: DEADLINE, pausedAt: null, version: 1 });
      });
    });

    // ---- gate -----------------------------------------------------------------------

    describe('gate', () => {
      beforeEach(async () => {
        await init();
        await moveTo('propose');
      });

      it('refuses with phase.closed when the category is in another phase', async () => {
        await moveTo('shortlist');
        expect(await propose('ana', 'too late')).toEqual(refused('phase.closed'));
        expect(await store.listProposals(campaignId, CAT)).toEqual([]);
      });

      it('refuses with phase.paused when the category is paused', async () => {
        await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'running', deadline: DEADLINE, shift: 0, pausedAt: T0, events: [] });
        expect(await propose('ana', 'while paused')).toEqual(refused('phase.paused'));
      });

      it('refuses with phase.closed a paused category in another phase', async () => {
        await store.retime({ campaignId, categoryId: CAT, phase: 'propose', expect: 'running', deadline: DEADLINE, shift: 0, pausedAt: T0, events: [] });
        expect(await store.castBallot(voting, campaignId, CAT, { voterKey: 'discord:ana', choice: [] }, { allowChange: false, tallied: true })).toEqual(refused('phase.closed'));
      });

      it('refuses with phase.closed from the deadline on', async () => {
        const at = (now: number) =>
          store.addProposal(gate('propose', now), campaignId, { categoryId: CAT, text: `t${now}`, normalized: `t${now}`, authorKey: 'discord:ana', authorName: 'ana', platform: 'discord', createdAt: now }, 9);
        expect(await at(DEADLINE)).toEqual(refused('phase.closed'));
        expect(await at(DEADLINE + 1)).toEqual(refused('phase.closed'));
        expect((await at(DEADLINE - 1)).ok).toBe(true);
      });

      it('gates every fan-facing change', async () => {
        const p = await proposed('ana', 'an idea');
        ok(await store.like(proposing, campaignId, p.id, 'discord:bob'));
        const before = await store.getProposal(campaignId, p.id);
        await moveTo('shortlist');
        const closed = gate('propose');
        const answers = [
          await propose('ana', 'another idea'),
          await store.editProposal(closed, campaignId, p.id, 'discord:ana', 'edited', 'edited'),
          await store.withdrawProposal(closed, campaignId, p.id, 'discord:ana'),
          await store.like(closed, campaignId, p.id, 'discord:cyd'),
          await store.unlike(closed, campaignId, p.id, 'discord:bob'),
          await store.reject(closed, campaignId, p.id, 'no'),
          await store.shortlistAdd(closed, campaignId, p.id, 5),
          await store.shortlistRemove(closed, campaignId, p.id),
          await store.castBallot(closed, campaignId, CAT, { voterKey: 'discord:ana', choice: [p.id] }, { allowChange: true, tallied: true }),
        ];
        expect(answers).toEqual(answers.map(() => refused('phase.closed')));
        expect(await store.getProposal(campaignId, p.id)).toEqual(before);
        expect(await shortlistIds()).toEqual([]);
        expect(await store.getTally(campaignId, CAT)).toEqual({ tally: {}, ballots: 0 });
      });
    });

    // ---- proposals ------------------------------------------------------------------

    describe('proposals', () => {
      beforeEach(async () => {
        await init();
        await moveTo('propose');
        await moveTo('propose', OTHER);
      });

      it('records the proposal as active with no likes, with its author', async () => {
        const p = await proposed('ana', 'Je suis ton père');
        expect(p).toEqual({
          id: p.id,
          categoryId: CAT,
          text: 'Je suis ton père',
          normalized: 'je suis ton père',
          authorKey: 'discord:ana',
          authorName: 'ana',
          platform: 'discord',
          createdAt: T0,
          seq: p.seq,
          status: 'active',
          likes: 0,
        });
        expect(await store.getProposal(campaignId, p.id)).toEqual(p);
      });

      it('allocates short distinct ids and increasing seq numbers across the campaign', async () => {
        const ps: Proposal[] = [];
        for (let i = 0; i < 12; i++) ps.push(await proposed(`fan${i}`, `idea ${i}`, i % 2 ? CAT : OTHER));
        expect(new Set(ps.map((p) => p.id)).size).toBe(12);
        for (const p of ps) expect(p.id).toMatch(/^[A-Za-z0-9_-]{1,16}$/);
        for (let i = 1; i < ps.length; i++) expect(ps[i]!.seq).toBeGreaterThan(ps[i - 1]!.seq);
      });

      it('refuses a proposal in an unknown category', async () => {
        expect(await propose('ana', 'lost', 'nope')).toEqual(refused('category.unknown'));
      });

      it('refuses a proposal beyond perFan live proposals of the author', async () => {
        await proposed('ana', 'one');
        await proposed('ana', 'two');
        await proposed('ana', 'three');
        expect(await propose('ana', 'four')).toEqual(refused('proposal.limit'));
        expect((await propose('bob', 'four')).ok).toBe(true);
      });

      it('counts proposals in review against perFan', async () => {
        const p = await proposed('ana', 'one');
        ok(await store.like(proposing, campaignId, p.id, 'discord:bob', 1));
        expect(await status(p.id)).toBe('review');
        expect(await propose('ana', 'two', CAT, 1)).toEqual(refused('proposal.limit'));
      });

      it('frees a slot when a proposal is withdrawn or rejected', async () => {
        const one = await proposed('ana', 'one');
        expect(await propose('ana', 'two', CAT, 1)).toEqual(refused('proposal.limit'));
        ok(await store.withdrawProposal(proposing, campaignId, one.id, 'discord:ana'));
        const two = ok(await propose('ana', 'two', CAT, 1)).proposal;
        ok(await store.reject(proposing, campaignId, two.id, 'off topic'));
        expect((await propose('ana', 'three', CAT, 1)).ok).toBe(true);
      });

      it('counts perFan per category', async () => {
        await proposed('ana', 'one');
        expect((await propose('ana', 'two', OTHER, 1)).ok).toBe(true);
      });

      it('refuses a duplicate of an active, in-review or rejected proposal of the category', async () => {
        await proposed('ana', 'Active idea');
        const review = await proposed('ana', 'Review idea');
        ok(await store.like(proposing, campaignId, review.id, 'discord:bob', 1));
        const rejected = await proposed('ana', 'Rejected idea');
        ok(await store.reject(proposing, campaignId, rejected.id, 'no'));
        for (const text of ['active IDEA', 'review idea', 'REJECTED IDEA']) expect(await propose('bob', text)).toEqual(refused('proposal.duplicate'));
      });

      it('accepts the text of a withdrawn proposal again', async () => {
        const p = await proposed('ana', 'idea');
        ok(await store.withdrawProposal(proposing, campaignId, p.id, 'discord:ana'));
        expect((await propose('bob', 'IDEA')).ok).toBe(true);
      });

      it('accepts the same text in another category', async () => {
        await proposed('ana', 'idea');
        expect((await propose('bob', 'idea', OTHER)).ok).toBe(true);
      });

      it('edits the text of an active proposal of its author, keeping its id, seq and likes', async () => {
        const p = await proposed('ana', 'idea');
        ok(await store.like(proposing, campaignId, p.id, 'discord:bob'));
        const edited = ok(await store.editProposal(proposing, campaignId, p.id, 'discord:ana', 'Better idea', 'better idea')).proposal;
        expect(edited).toEqual({ ...p, text: 'Better idea', normalized: 'better idea', likes: 1 });
        expect(await store.getProposal(campaignId, p.id)).toEqual(edited);
        // The old text is free again, the new one is taken.
        expect((await propose('cyd', 'idea')).ok).toBe(true);
        expect(await propose('cyd', 'better idea')).toEqual(refused('proposal.duplicate'));
      });

      it('refuses an edit by another fan', async () => {
        const p = await proposed('ana', 'idea');
        expect(await store.editProposal(proposing, campaignId, p.id, 'discord:bob', 'mine now', 'mine now')).toEqual(refused('proposal.not-owner'));
        expect((await store.getProposal(campaignId, p.id))?.text).toBe('idea');
      });

      it('refuses an edit of a proposal in review or withdrawn', async () => {
        const review = await proposed('ana', 'review');
        ok(await store.like(proposing, campaignId, review.id, 'discord:bob', 1));
        const withdrawn = await proposed('ana', 'withdrawn');
        ok(await store.withdrawProposal(proposing, campaignId, withdrawn.id, 'discord:ana'));
        for (const p of [review, withdrawn]) expect(await store.editProposal(proposing, campaignId, p.id, 'discord:ana', 'new', 'new')).toEqual(refused('proposal.not-active'));
      });

      it('refuses an edit that duplicates another proposal, but not one that keeps its own text', async () => {
        await proposed('bob', 'taken');
        const p = await proposed('ana', 'mine');
        expect(await store.editProposal(proposing, campaignId, p.id, 'discord:ana', 'Taken', 'taken')).toEqual(refused('proposal.duplicate'));
        expect((await store.editProposal(proposing, campaignId, p.id, 'discord:ana', 'MINE', 'mine')).ok).toBe(true);
      });

      it('refuses to edit, withdraw, like, reject or shortlist an unknown proposal', async () => {
        const answers = [
          await store.editProposal(proposing, campaignId, 'zz', 'discord:ana', 'x', 'x'),
          await store.withdrawProposal(proposing, campaignId, 'zz', 'discord:ana'),
          await store.like(proposing, campaignId, 'zz', 'discord:ana'),
          await store.unlike(proposing, campaignId, 'zz', 'discord:ana'),
          await store.reject(proposing, campaignId, 'zz', 'x'),
          await store.shortlistAdd(proposing, campaignId, 'zz', 5),
          await store.shortlistRemove(proposing, campaignId, 'zz'),
          await store.withdrawProposal(proposing, 'no-such-campaign', 'zz', 'discord:ana'),
        ];
        expect(answers).toEqual(answers.map(() => refused('proposal.unknown')));
      });

      it('withdraws a proposal of its author and takes it off the shortlist', async () => {
        const p = await proposed('ana', 'idea');
        const kept = await proposed('bob', 'kept');
        ok(await store.shortlistAdd(proposing, campaignId, p.id, 5));
        ok(await store.shortlistAdd(proposing, campaignId, kept.id, 5));
        expect(await store.withdrawProposal(proposing, campaignId, p.id, 'discord:ana')).toEqual({ ok: true });
        expect(await status(p.id)).toBe('withdrawn');
        expect(await shortlistIds()).toEqual([kept.id]);
      });

      it('withdraws a proposal in review', async () => {
        const p = await proposed('ana', 'idea');
        ok(await store.like(proposing, campaignId, p.id, 'discord:bob', 1));
        ok(await store.withdrawProposal(proposing, campaignId, p.id, 'discord:ana'));
        expect(await status(p.id)).toBe('withdrawn');
      });

      it('refuses a withdrawal by another fan, and of a proposal already withdrawn or rejected', async () => {
        const p = await proposed('ana', 'idea');
        expect(await store.withdrawProposal(proposing, campaignId, p.id, 'discord:bob')).toEqual(refused('proposal.not-owner'));
        ok(await store.withdrawProposal(proposing, campaignId, p.id, 'discord:ana'));
        expect(await store.withdrawProposal(proposing, campaignId, p.id, 'discord:ana')).toEqual(refused('proposal.not-active'));
        const r = await proposed('ana', 'rejected');
        ok(await store.reject(proposing, campaignId, r.id, 'no'));
        expect(await store.withdrawProposal(proposing, campaignId, r.id, 'discord:ana')).toEqual(refused('proposal.not-active'));
      });

      it("lists proposals in creation order, all of them or one author's", async () => {
        const a1 = await proposed('ana', 'a1');
        const b1 = await proposed('bob', 'b1');
        const a2 = await proposed('ana', 'a2');
        await proposed('ana', 'elsewhere', OTHER);
        ok(await store.withdrawProposal(proposing, campaignId, a1.id, 'discord:ana'));
        expect((await store.listProposals(campaignId, CAT)).map((p) => p.id)).toEqual([a1.id, b1.id, a2.id]);
        expect((await store.listProposals(campaignId, CAT, { authorKey: 'discord:ana' })).map((p) => p.id)).toEqual([a1.id, a2.id]);
        expect(await store.listProposals(campaignId, CAT, { authorKey: 'discord:nobody' })).toEqual([]);
      });

      it('answers copies that callers cannot change the store through', async () => {
        const p = await proposed('ana', 'idea');
        (p as { text: string }).text = 'hacked';
        const got = (await store.getProposal(campaignId, p.id))!;
        (got as { likes: number }).likes = 99;
        const [listed] = await store.listProposals(campaignId, CAT);
        (listed as { status: string }).status = 'rejected';
        const [state] = await store.getStates(campaignId);
        (state as { phase: string }).phase = 'vote';
        expect(await store.getProposal(campaignId, p.id)).toMatchObject({ text: 'idea', likes: 0, status: 'active' });
        expect((await store.getState(campaignId, CAT))?.phase).toBe('propose');
      });
    });

    // ---- likes ----------------------------------------------------------------------

    describe('likes', () => {
      let p: Proposal;
      beforeEach(async () => {
        await init();
        await moveTo('propose');
        p = await proposed('ana', 'idea');
      });

      it('counts one like per fan per proposal', async () => {
        expect(await store.like(proposing, campaignId, p.id, 'discord:bob')).toEqual({ ok: true, likes: 1, reachedThreshold: false });
        expect(await store.like(proposing, campaignId, p.id, 'telegram:bob')).toEqual({ ok: true, likes: 2, reachedThreshold: false });
        expect(await store.like(proposing, campaignId, p.id, 'discord:bob')).toEqual(refused('like.already'));
        expect((await store.getProposal(campaignId, p.id))?.likes).toBe(2);
      });

      it('takes a like back once', async () => {
        ok(await store.like(proposing, campaignId, p.id, 'discord:bob'));
        expect(await store.unlike(proposing, campaignId, p.id, 'discord:bob')).toEqual({ ok: true, likes: 0 });
        expect(await store.unlike(proposing, campaignId, p.id, 'discord:bob')).toEqual(refused('like.not-liked'));
        expect(await store.unlike(proposing, campaignId, p.id, 'discord:cyd')).toEqual(refused('like.not-liked'));
        expect(await store.like(proposing, campaignId, p.id, 'discord:bob')).toEqual({ ok: true, likes: 1, reachedThreshold: false });
      });

      it('moves an active proposal to review when it reaches the threshold, once', async () => {
        expect(await store.like(proposing, campaignId, p.id, 'discord:f1', 2)).toMatchObject({ likes: 1, reachedThreshold: false });
        expect(await store.like(proposing, campaignId, p.id, 'discord:f2', 2)).toMatchObject({ likes: 2, reachedThreshold: true });
        expect(await status(p.id)).toBe('review');
        expect(await store.like(proposing, campaignId, p.id, 'discord:f3', 2)).toMatchObject({ likes: 3, reachedThreshold: false });
        ok(await store.unlike(proposing, campaignId, p.id, 'discord:f3'));
        ok(await store.unlike(proposing, campaignId, p.id, 'discord:f2'));
        expect(await status(p.id)).toBe('review');
        expect(await store.like(proposing, campaignId, p.id, 'discord:f2', 2)).toMatchObject({ likes: 2, reachedThreshold: false });
      });

      it('never moves a proposal to review without a threshold', async () => {
        for (let i = 0; i < 5; i++) ok(await store.like(proposing, campaignId, p.id, `discord:f${i}`));
        expect(await status(p.id)).toBe('active');
      });

      it('refuses likes and unlikes on withdrawn and rejected proposals', async () => {
        ok(await store.like(proposing, campaignId, p.id, 'discord:bob'));
        const r = await proposed('ana', 'rejected');
        ok(await store.like(proposing, campaignId, r.id, 'discord:bob'));
        ok(await store.withdrawProposal(proposing, campaignId, p.id, 'discord:ana'));
        ok(await store.reject(proposing, campaignId, r.id, 'no'));
        for (const id of [p.id, r.id]) {
          expect(await store.like(proposing, campaignId, id, 'discord:cyd')).toEqual(refused('proposal.not-active'));
          expect(await store.unlike(proposing, campaignId, id, 'discord:bob')).toEqual(refused('proposal.not-active'));
        }
      });
    });

    // ---- reject ---------------------------------------------------------------------

    describe('reject', () => {
      beforeEach(async () => {
        await init();
        await moveTo('propose');
      });

      it('rejects a proposal with its reason and takes it off the shortlist', async () => {
        const p = await proposed('ana', 'idea');
        ok(await store.like(proposing, campaignId, p.id, 'discord:bob', 1));
        ok(await store.shortlistAdd(proposing, campaignId, p.id, 5));
        expect(await store.reject(proposing, campaignId, p.id, 'hors sujet')).toEqual({ ok: true });
        expect(await store.getProposal(campaignId, p.id)).toMatchObject({ status: 'rejected', rejectReason: 'hors sujet' });
        expect(await shortlistIds()).toEqual([]);
      });

      it('refuses to reject a withdrawn or already rejected proposal', async () => {
        const w = await proposed('ana', 'withdrawn');
        ok(await store.withdrawProposal(proposing, campaignId, w.id, 'discord:ana'));
        const r = await proposed('ana', 'rejected');
        ok(await store.reject(proposing, campaignId, r.id, 'first'));
        expect(await store.reject(proposing, campaignId, w.id, 'x')).toEqual(refused('proposal.not-active'));
        expect(await store.reject(proposing, campaignId, r.id, 'second')).toEqual(refused('proposal.not-active'));
        expect((await store.getProposal(campaignId, r.id))?.rejectReason).toBe('first');
      });
    });

    // ---- shortlist ------------------------------------------------------------------

    describe('shortlist', () => {
      let ps: Proposal[];
      beforeEach(async () => {
        await init();
        await moveTo('propose');
        ps = [];
        for (const t of ['one', 'two', 'three', 'four']) ps.push(await proposed(`fan-${t}`, `idea ${t}`));
        await moveTo('shortlist');
      });

      it('lists the shortlist earliest first whatever the order of additions', async () => {
        for (const i of [2, 0, 1]) expect(await store.shortlistAdd(curating, campaignId, ps[i]!.id, 5)).toEqual({ ok: true });
        expect(await shortlistIds()).toEqual([ps[0]!.id, ps[1]!.id, ps[2]!.id]);
        expect((await store.getShortlist(campaignId, CAT))[0]).toEqual(await store.getProposal(campaignId, ps[0]!.id));
      });

      it('refuses a proposal already listed', async () => {
        ok(await store.shortlistAdd(curating, campaignId, ps[0]!.id, 5));
        expect(await store.shortlistAdd(curating, campaignId, ps[0]!.id, 5)).toEqual(refused('shortlist.already'));
      });

      it('refuses an addition beyond size', async () => {
        ok(await store.shortlistAdd(curating, campaignId, ps[0]!.id, 2));
        ok(await store.shortlistAdd(curating, campaignId, ps[1]!.id, 2));
        expect(await store.shortlistAdd(curating, campaignId, ps[2]!.id, 2)).toEqual(refused('shortlist.full'));
        expect(await shortlistIds()).toHaveLength(2);
      });

      it('refuses a rejected proposal', async () => {
        ok(await store.reject(curating, campaignId, ps[0]!.id, 'no'));
        expect(await store.shortlistAdd(curating, campaignId, ps[0]!.id, 5)).toEqual(refused('shortlist.rejected'));
      });

      it('refuses a withdrawn proposal', async () => {
        await moveTo('propose');
        ok(await store.withdrawProposal(proposing, campaignId, ps[0]!.id, 'discord:fan-one'));
        await moveTo('shortlist');
        expect(await store.shortlistAdd(curating, campaignId, ps[0]!.id, 5)).toEqual(refused('proposal.not-active'));
      });

      it('removes a listed proposal and refuses one not listed', async () => {
        ok(await store.shortlistAdd(curating, campaignId, ps[0]!.id, 5));
        ok(await store.shortlistAdd(curating, campaignId, ps[1]!.id, 5));
        expect(await store.shortlistRemove(curating, campaignId, ps[0]!.id)).toEqual({ ok: true });
        expect(await shortlistIds()).toEqual([ps[1]!.id]);
        expect(await store.shortlistRemove(curating, campaignId, ps[0]!.id)).toEqual(refused('shortlist.not-listed'));
      });
    });

    // ---- ballots --------------------------------------------------------------------

    describe('ballots', () => {
      it('counts a ballot in the tally', async () => {
        const [a] = await openVote();
        expect(await vote('ana', [a!])).toEqual({ ok: true, changed: false });
        expect(await store.getTally(campaignId, FIXED)).toEqual({ tally: { [a!]: 1 }, ballots: 1 });
      });

      it('refuses a second ballot from the same fan in one category', async () => {
        const [a, b] = await openVote();
        ok(await vote('ana', [a!]));
        expect(await vote('ana', [b!])).toEqual(refused('vote.already-cast'));
        expect(await vote('ana', [a!])).toEqual(refused('vote.already-cast'));
        expect(nonZero((await store.getTally(campaignId, FIXED)).tally)).toEqual({ [a!]: 1 });
        expect(await allBallots()).toEqual([{ voterKey: 'telegram:ana', choice: [a] }]);
      });

      it("replaces a fan's ballot when changes are allowed, moving its votes", async () => {
        const [a, b] = await openVote();
        ok(await vote('ana', [a!], true));
        ok(await vote('bob', [a!], true));
        expect(await vote('ana', [b!], true)).toEqual({ ok: true, changed: true });
        const { tally, ballots } = await store.getTally(campaignId, FIXED);
        expect(ballots).toBe(2);
        expect(nonZero(tally)).toEqual({ [a!]: 1, [b!]: 1 });
        expect(await allBallots()).toEqual(
          expect.arrayContaining([
            { voterKey: 'telegram:ana', choice: [b] },
            { voterKey: 'telegram:bob', choice: [a] },
          ]),
        );
      });

      it('counts every choice of an approval ballot', async () => {
        const [a, b, c] = await openVote();
        ok(await vote('ana', [a!, c!], true));
        ok(await vote('bob', [c!], true));
        expect(nonZero((await store.getTally(campaignId, FIXED)).tally)).toEqual({ [a!]: 1, [c!]: 2 });
        ok(await vote('ana', [b!, c!], true));
        expect(nonZero((await store.getTally(campaignId, FIXED)).tally)).toEqual({ [b!]: 1, [c!]: 2 });
      });

      it('refuses a choice that is not on the shortlist of the category', async () => {
        const [a] = await openVote();
        const [other] = await shortlistIds(FIXED2);
        for (const choice of [['zz'], [other!], [a!, other!]]) expect(await vote('ana', choice)).toEqual(refused('vote.not-shortlisted'));
        expect(await store.getTally(campaignId, FIXED)).toEqual({ tally: {}, ballots: 0 });
      });

      it('refuses a proposal of the category that is not shortlisted', async () => {
        await init();
        await moveTo('propose');
        const listed = await proposed('ana', 'listed');
        const unlisted = await proposed('bob', 'unlisted');
        await moveTo('shortlist');
        ok(await store.shortlistAdd(curating, campaignId, listed.id, 5));
        await moveTo('vote');
        const cast = (choice: string) => store.castBallot(voting, campaignId, CAT, { voterKey: 'discord:cyd', choice: [choice] }, { allowChange: false, tallied: true });
        expect(await cast(unlisted.id)).toEqual(refused('vote.not-shortlisted'));
        expect(await cast(listed.id)).toEqual({ ok: true, changed: false });
      });

      it('takes one ballot per fan in each category', async () => {
        const [a] = await openVote();
        const [x] = await shortlistIds(FIXED2);
        ok(await vote('ana', [a!]));
        expect(await vote('ana', [x!], false, FIXED2)).toEqual({ ok: true, changed: false });
        expect((await store.getTally(campaignId, FIXED2)).ballots).toBe(1);
      });

      it('stores ranked ballots raw, outside the tally', async () => {
        const [a, b, c] = await openVote();
        ok(await vote('ana', [c!, a!, b!], true, FIXED, false));
        ok(await vote('ana', [b!, c!], true, FIXED, false));
        expect(await store.getTally(campaignId, FIXED)).toEqual({ tally: {}, ballots: 1 });
        expect(await allBallots()).toEqual([{ voterKey: 'telegram:ana', choice: [b, c] }]);
      });

      it('refuses a ballot in an unknown category', async () => {
        await openVote();
        expect(await vote('ana', [], false, 'nope')).toEqual(refused('category.unknown'));
      });

      it('counts exactly one of 50 concurrent ballots from one fan', async () => {
        const ids = await openVote();
        const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => vote('ana', [ids[i % ids.length]!])));
        expect(answers.filter((r) => r.ok)).toHaveLength(1);
        expect(answers.filter((r) => !r.ok)).toEqual(Array.from({ length: 49 }, () => refused('vote.already-cast')));
        const { tally, ballots } = await store.getTally(campaignId, FIXED);
        expect(ballots).toBe(1);
        expect(Object.values(tally).reduce((s, n) => s + n, 0)).toBe(1);
      });

      it('yields every ballot once when scanning, in batches', async () => {
        const ids = await openVote();
        const fans = 2500;
        await Promise.all(Array.from({ length: fans }, (_, i) => vote(`fan${i}`, [ids[i % 3]!])));
        let batches = 0;
        const keys: string[] = [];
        for await (const batch of store.scanBallots(campaignId, FIXED)) {
          batches++;
          keys.push(...batch.map((b) => b.voterKey));
        }
        expect(batches).toBeGreaterThan(1);
        expect(new Set(keys).size).toBe(fans);
        expect(keys).toHaveLength(fans);
        expect(await allBallots(FIXED2)).toEqual([]);
      });

      it('keeps the tally equal to a recount from the raw ballots', async () => {
        const cast = fc.record({ fan: fc.integer({ min: 0, max: 5 }), picks: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }), allowChange: fc.boolean() });
        await fc.assert(
          fc.asyncProperty(fc.array(cast, { maxLength: 30 }), async (casts) => {
            campaignId = freshCampaignId();
            const ids = await openVote();
            for (const { fan, picks, allowChange } of casts) await vote(`fan${fan}`, picks.map((i) => ids[i]!), allowChange);
            const recount: Record<string, number> = {};
            const ballots = await allBallots();
            for (const b of ballots) for (const id of b.choice) recount[id] = (recount[id] ?? 0) + 1;
            const { tally, ballots: n } = await store.getTally(campaignId, FIXED);
            expect(nonZero(tally)).toEqual(recount);
            expect(n).toBe(ballots.length);
            expect(n).toBe(new Set(casts.map((c) => c.fan)).size);
          }),
          { numRuns: 40 },
        );
      });
    });

    // ---- results --------------------------------------------------------------------

    describe('results', () => {
      const results = (votes: number): CategoryResults => ({
        categoryId: CAT,
        ballots: votes,
        tally: { a: votes },
        winners: [{ id: 'a', text: 'idea', author: 'ana', votes }],
        tieBreak: 'earliest',
        revealedAt: DEADLINE,
      });
      const revealed = (id: string, votes: number): CampaignEvent => ({ id, campaignId, categoryId: CAT, at: DEADLINE, kind: 'results', winners: results(votes).winners, ballots: votes });

      beforeEach(init);

      it('stores results and hands their events to the outbox', async () => {
        expect(await store.saveResults(campaignId, results(3), [revealed('r1', 3)], false)).toBe(true);
        expect(await store.getResults(campaignId, CAT)).toEqual(results(3));
        expect(await events()).toEqual([revealed('r1', 3)]);
      });

      it('keeps stored results when not replacing, and publishes nothing', async () => {
        await store.saveResults(campaignId, results(3), [revealed('r1', 3)], false);
        expect(await store.saveResults(campaignId, results(4), [revealed('r2', 4)], false)).toBe(false);
        expect(await store.getResults(campaignId, CAT)).toEqual(results(3));
        expect((await events()).map((e) => e.id)).toEqual(['r1']);
      });

      it('replaces stored results when asked', async () => {
        await store.saveResults(campaignId, results(3), [revealed('r1', 3)], false);
        expect(await store.saveResults(campaignId, results(4), [revealed('r2', 4)], true)).toBe(true);
        expect(await store.getResults(campaignId, CAT)).toEqual(results(4));
        expect((await events()).map((e) => e.id)).toEqual(['r1', 'r2']);
      });

      it('keeps optional fields of the results', async () => {
        const full: CategoryResults = { ...results(2), rounds: [{ a: 1, b: 1 }, { a: 2 }], tiedPending: ['a', 'b'] };
        await store.saveResults(campaignId, full, [], false);
        expect(await store.getResults(campaignId, CAT)).toEqual(full);
      });

      it('keeps the ballots digest and the seed fixed at reveal', async () => {
        const sealed: CategoryResults = { ...results(2), ballotsDigest: 'ab'.repeat(32), seed: 'campaign/cult-line' };
        await store.saveResults(campaignId, sealed, [], false);
        expect(await store.getResults(campaignId, CAT)).toEqual(sealed);
      });
    });

    // ---- trust: secret, single ballots, audit log ----------------------------------------

    describe('campaign secret', () => {
      it('creates a random secret once and answers it every time after', async () => {
        await init();
        const secret = await store.campaignSecret(campaignId);
        expect(secret).toMatch(/^[0-9a-f]{64}$/);
        expect(await store.campaignSecret(campaignId)).toBe(secret);
      });

      it('gives every campaign its own secret', async () => {
        await init();
        const first = await store.campaignSecret(campaignId);
        campaignId = freshCampaignId();
        await init();
        expect(await store.campaignSecret(campaignId)).not.toBe(first);
      });

      it('answers one secret to concurrent first calls', async () => {
        await init();
        const secrets = await Promise.all(Array.from({ length: 10 }, () => store.campaignSecret(campaignId)));
        expect(new Set(secrets).size).toBe(1);
      });

      it('rejects for a campaign that was never initialised', async () => {
        await expect(store.campaignSecret(campaignId)).rejects.toThrow();
      });
    });

    describe('getBallot', () => {
      it('answers a fan\'s ballot, follows a change, and null for a fan without one', async () => {
        const [a, b] = await openVote();
        expect(await store.getBallot(campaignId, FIXED, 'telegram:zoe')).toBeNull();
        ok(await vote('zoe', [a!], true));
        expect(await store.getBallot(campaignId, FIXED, 'telegram:zoe')).toEqual({ voterKey: 'telegram:zoe', choice: [a] });
        ok(await vote('zoe', [b!], true));
        expect(await store.getBallot(campaignId, FIXED, 'telegram:zoe')).toEqual({ voterKey: 'telegram:zoe', choice: [b] });
        expect(await store.getBallot(campaignId, FIXED2, 'telegram:zoe')).toBeNull();
        expect(await store.getBallot(campaignId, 'nope', 'telegram:zoe')).toBeNull();
      });

      it('keeps the order of a ranked ballot', async () => {
        const [a, b, c] = await openVote();
        ok(await vote('ann', [c!, a!, b!], false, FIXED, false));
        expect((await store.getBallot(campaignId, FIXED, 'telegram:ann'))?.choice).toEqual([c, a, b]);
      });
    });

    describe('audit log', () => {
      const entry = (action: string, n: number) => ({
        at: T0 + n, actor: { platform: 'discord' as const, userId: `u${n}`, displayName: `Léa « ${n} »` },
        action, categoryId: CAT, before: { phase: 'propose', paused: false }, after: { phase: 'vote', list: [1, 'x', null] },
      });

      it('appends entries and reads them back in order, as they were given', async () => {
        await init();
        expect(await store.readAudit(campaignId)).toEqual([]);
        await store.appendAudit(campaignId, entry('advance', 1));
        await store.appendAudit(campaignId, { at: T0 + 2, actor: { platform: 'system', userId: 'cli', displayName: 'cocreate' }, action: 'export' });
        await store.appendAudit(campaignId, entry('pause', 3));
        const log = await store.readAudit(campaignId);
        expect(log.map((e) => e.action)).toEqual(['advance', 'export', 'pause']);
        expect(log[0]).toEqual(entry('advance', 1));
      });

      it('keeps every one of many concurrent appends', async () => {
        await init();
        await Promise.all(Array.from({ length: 25 }, (_, i) => store.appendAudit(campaignId, entry('shortlist.add', i))));
        expect((await store.readAudit(campaignId)).map((e) => e.at).sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => T0 + i));
      });

      it('refuses to append to an unknown campaign and reads it as empty', async () => {
        await expect(store.appendAudit(campaignId, entry('advance', 1))).rejects.toThrow();
        expect(await store.readAudit(campaignId)).toEqual([]);
      });
    });

    describe('campaign definition', () => {
      // Any text, kept byte for byte: JSON with accents, emoji, quotes, newlines, Lua specials.
      const definition = JSON.stringify({ format: 1, file: { id: 'x', title: 'Crunch × Norman « 🎬 »\n%s %d \\ ]] --[[', n: [1, 2.5, null] } });

      it('answers null for a campaign that has none, and for an unknown campaign', async () => {
        expect(await store.getDefinition(campaignId)).toBeNull();
        await init();
        expect(await store.getDefinition(campaignId)).toBeNull();
      });

      it('keeps the definition exactly as given, and the last one saved wins', async () => {
        await init();
        await store.saveDefinition(campaignId, definition);
        expect(await store.getDefinition(campaignId)).toBe(definition);
        await store.saveDefinition(campaignId, '{"format":1,"file":{},"shiftMs":0}');
        expect(await store.getDefinition(campaignId)).toBe('{"format":1,"file":{},"shiftMs":0}');
      });

      it('keeps one definition per campaign', async () => {
        await init();
        const first = campaignId;
        await store.saveDefinition(first, 'first');
        campaignId = freshCampaignId();
        await init();
        await store.saveDefinition(campaignId, 'second');
        expect(await store.getDefinition(first)).toBe('first');
        expect(await store.getDefinition(campaignId)).toBe('second');
      });

      it('keeps the state when the definition is saved again, and initCampaign again keeps the definition', async () => {
        const [a] = await openVote();
        ok(await vote('zoe', [a!], true));
        await store.saveDefinition(campaignId, definition);
        await initWithOptions();
        expect(await store.getDefinition(campaignId)).toBe(definition);
        expect((await store.getTally(campaignId, FIXED)).ballots).toBe(1);
      });

      it('refuses to save the definition of a campaign that was never initialised', async () => {
        await expect(store.saveDefinition(campaignId, definition)).rejects.toThrow();
        expect(await store.getDefinition(campaignId)).toBeNull();
      });
    });
  });
}
