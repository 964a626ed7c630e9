/**
 * Verifiable results: a fan's receipt, the results manifest, its verification against the
 * store, and the recount of every tally from the raw ballots (DESIGN invariant 6).
 */
import { refuse } from '../../model/refusals';
import { fanKey } from '../../model/campaign';
import type { ReceiptItem } from '../commands';
import { addToTally, instantRunoff, winnersFromTally, type CountedOption } from '../count';
import {
  ballotsDigest, fanHash, hashedBallots, MANIFEST_FORMAT, MANIFEST_SCHEME, pseudonymousVoterKey, sameTally, tallyOf,
  type ManifestCategory, type ResultsManifest,
} from '../manifest';
import { requireCampaign, type EngineContext } from '../shared/context';
import { fanPlatform, findCategory, selectCategories } from '../shared/lookup';
import { rawBallots, seedOf } from '../shared/results-count';
import type { HandlerTable } from './handler';

/** What `Engine.recount` answers: per category, the options whose stored count differs from the recount. */
export interface RecountReport {
  readonly campaign: string;
  readonly agrees: boolean;
  readonly categories: readonly {
    readonly id: string;
    readonly ballots: number;
    readonly differences: readonly { option: string; stored: number; recounted: number }[];
  }[];
}

/** What `Engine.verifyManifest` answers. */
export interface VerifyReport {
  readonly campaign: string;
  readonly ok: boolean;
  /** Per category of the manifest: the raw ballots found and what differs (empty when it verifies). */
  readonly categories: readonly { readonly id: string; readonly ballots: number; readonly problems: readonly string[] }[];
}

/** The handler of fans' receipts. */
export const verificationHandlers: HandlerTable<'receipt'> = {
  /** The pseudonymous hash of the asking fan's ballot(s), to find in the results manifest. */
  receipt: {
    role: 'fan',
    async run(ctx, campaign, { categoryId }, actor) {
      const categories = selectCategories(campaign, categoryId);
      if (!categories) return refuse('category.unknown', { category: String(categoryId) });
      if (!fanPlatform(actor)) return refuse('actor.not-allowed');
      const { store } = ctx.deps;
      const secret = await store.campaignSecret(campaign.id);
      const receipts: ReceiptItem[] = [];
      for (const category of categories) {
        const ballot = await store.getBallot(campaign.id, category.id, fanKey(actor));
        if (!ballot) continue;
        const options = new Map((await store.getShortlist(campaign.id, category.id)).map((p) => [p.id, p.text]));
        const results = await store.getResults(campaign.id, category.id);
        receipts.push({
          categoryId: category.id, fanHash: fanHash(secret, category.id, ballot.voterKey), choice: ballot.choice,
          labels: ballot.choice.map((id) => options.get(id) ?? id),
          ...(results?.ballotsDigest ? { ballotsDigest: results.ballotsDigest } : {}),
        });
      }
      return receipts.length > 0 ? { ok: true, type: 'receipt', receipts } : refuse('receipt.none');
    },
  },
};

/** The voter key an erased fan's ballot in `categoryId` is rewritten to (see `Engine.pseudonymFor`). */
export async function pseudonymFor(ctx: EngineContext, campaignId: string, categoryId: string, voterKey: string): Promise<string> {
  const campaign = requireCampaign(ctx, campaignId);
  return pseudonymousVoterKey(await ctx.deps.store.campaignSecret(campaign.id), categoryId, voterKey);
}

/**
 * The results manifest of the revealed categories: per category the counting rule, the
 * tie-break seed, the tally and the digest over the (fan hash, choice) ballots fixed at
 * reveal; with `ballots`, the canonical list itself, so that a fan finds their receipt in it.
 */
export async function manifest(ctx: EngineContext, campaignId: string, options: { ballots?: boolean }): Promise<ResultsManifest> {
  const campaign = requireCampaign(ctx, campaignId);
  const secret = await ctx.deps.store.campaignSecret(campaign.id);
  const categories: ManifestCategory[] = [];
  for (const category of campaign.categories) {
    const results = await ctx.deps.store.getResults(campaign.id, category.id);
    if (!results) continue;
    const list = options.ballots || !results.ballotsDigest ? hashedBallots(secret, category.id, await rawBallots(ctx, campaign.id, category.id)) : null;
    categories.push({
      id: category.id,
      rule: { vote: category.vote, reveal: category.reveal },
      seed: results.seed ?? seedOf(campaign, category),
      ballots: results.ballots,
      tally: results.tally,
      ...(results.rounds ? { rounds: results.rounds } : {}),
      winners: results.winners.map((w) => ({ id: w.id, votes: w.votes })),
      ballotsDigest: results.ballotsDigest ?? ballotsDigest(list!),
      ...(options.ballots && list ? { ballotList: list } : {}),
    });
  }
  return { format: MANIFEST_FORMAT, campaign: campaign.id, scheme: MANIFEST_SCHEME, categories };
}

/**
 * Checks a manifest against the store: recounts every listed category from the raw ballots,
 * recomputes the digest over their fan hashes, and compares both (and the rule, the seed
 * and the winners) with the manifest and with the results stored at reveal. `ok` is true
 * only when nothing differs.
 */
export async function verifyManifest(ctx: EngineContext, manifest: ResultsManifest): Promise<VerifyReport> {
  const campaign = requireCampaign(ctx, manifest.campaign);
  const { store } = ctx.deps;
  const secret = await store.campaignSecret(campaign.id);
  const categories: VerifyReport['categories'][number][] = [];
  for (const m of manifest.categories) {
    const problems: string[] = [];
    const category = findCategory(campaign, m.id);
    if (!category) {
      categories.push({ id: m.id, ballots: 0, problems: ['no such category in the campaign'] });
      continue;
    }
    const raw = await rawBallots(ctx, campaign.id, category.id);
    const digest = ballotsDigest(hashedBallots(secret, category.id, raw));
    if (digest !== m.ballotsDigest) problems.push(`ballots digest differs: manifest ${m.ballotsDigest}, store ${digest}`);
    if (m.ballotList) {
      const listed = ballotsDigest(m.ballotList);
      if (listed !== m.ballotsDigest) problems.push(`the manifest's ballot list does not hash to its digest (${listed})`);
      if (m.ballotList.length !== m.ballots) problems.push(`the manifest lists ${m.ballotList.length} ballots but counts ${m.ballots}`);
    }
    if (raw.length !== m.ballots) problems.push(`ballots differ: manifest ${m.ballots}, store ${raw.length}`);
    if (canonicalJson(m.rule) !== canonicalJson({ vote: category.vote, reveal: category.reveal })) problems.push('the counting rule differs from the campaign file');
    const seed = seedOf(campaign, category);
    if (m.seed !== seed) problems.push(`tie-break seed differs: manifest "${m.seed}", campaign "${seed}"`);
    // Recount from the raw ballots, with the declared rule.
    const shortlist = await store.getShortlist(campaign.id, category.id);
    const options: CountedOption[] = shortlist.map((p) => ({ id: p.id, seq: p.seq }));
    let recounted: Record<string, number>;
    let winners: readonly { id: string; votes: number }[] | null;
    if (category.vote.method === 'ranked') {
      const runoff = instantRunoff(options, raw, category.reveal, seed);
      recounted = runoff.tally;
      winners = runoff.winners;
    } else {
      recounted = tallyOf(raw);
      const incremental = await store.getTally(campaign.id, category.id);
      if (!sameTally(incremental.tally, recounted) || incremental.ballots !== raw.length) problems.push('the incremental tally differs from the recount');
      // Curators break ties by hand: their pick is checked against the stored results only.
      winners = category.reveal.tieBreak === 'curators' ? null : winnersFromTally(options, recounted, category.reveal, seed).winners;
    }
    if (!sameTally(recounted, m.tally)) problems.push(`tally differs: manifest ${JSON.stringify(m.tally)}, recount ${JSON.stringify(recounted)}`);
    if (winners && JSON.stringify(winners.map((w) => [w.id, w.votes])) !== JSON.stringify(m.winners.map((w) => [w.id, w.votes]))) {
      problems.push(`winners differ: manifest ${JSON.stringify(m.winners)}, recount ${JSON.stringify(winners)}`);
    }
    const stored = await store.getResults(campaign.id, category.id);
    if (!stored) problems.push('the category has no results in the store (not revealed)');
    else {
      if (stored.ballotsDigest !== undefined && stored.ballotsDigest !== m.ballotsDigest) problems.push('the digest differs from the one fixed at reveal');
      if (!sameTally(stored.tally, m.tally)) problems.push('the tally differs from the results stored at reveal');
      if (JSON.stringify(stored.winners.map((w) => [w.id, w.votes])) !== JSON.stringify(m.winners.map((w) => [w.id, w.votes]))) problems.push('the winners differ from the results stored at reveal');
    }
    categories.push({ id: m.id, ballots: raw.length, problems });
  }
  // A manifest may not leave out a revealed category.
  const listed = new Set(manifest.categories.map((c) => c.id));
  for (const category of campaign.categories) {
    if (listed.has(category.id) || !(await store.getResults(campaign.id, category.id))) continue;
    categories.push({ id: category.id, ballots: (await store.getTally(campaign.id, category.id)).ballots, problems: ['revealed in the store but missing from the manifest'] });
  }
  return { campaign: campaign.id, ok: categories.every((c) => c.problems.length === 0), categories };
}

/**
 * Recomputes every category's tally from the raw ballots and compares it with the
 * incremental one (DESIGN invariant 6). `agrees` is false if any count differs.
 */
export async function recount(ctx: EngineContext, campaignId: string): Promise<RecountReport> {
  const campaign = requireCampaign(ctx, campaignId);
  const categories: RecountReport['categories'][number][] = [];
  for (const category of campaign.categories) {
    const stored = await ctx.deps.store.getTally(campaign.id, category.id);
    const recounted: Record<string, number> = {};
    let ballots = 0;
    // Streamed batch by batch: a recount at a million ballots keeps none of them.
    for await (const batch of ctx.deps.store.scanBallots(campaign.id, category.id)) {
      for (const ballot of batch) {
        ballots++;
        if (category.vote.method !== 'ranked') addToTally(recounted, ballot.choice, 1);
      }
    }
    const differences = [...new Set([...Object.keys(stored.tally), ...Object.keys(recounted)])]
      .filter((id) => (stored.tally[id] ?? 0) !== (recounted[id] ?? 0))
      .map((id) => ({ option: id, stored: stored.tally[id] ?? 0, recounted: recounted[id] ?? 0 }));
    if (stored.ballots !== ballots) differences.unshift({ option: '(ballots)', stored: stored.ballots, recounted: ballots });
    categories.push({ id: category.id, ballots, differences });
  }
  return { campaign: campaign.id, agrees: categories.every((c) => c.differences.length === 0), categories };
}

/** JSON with object keys sorted: two equal values give the same text whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}
