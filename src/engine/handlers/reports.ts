/**
 * What a campaign shows of itself: the stored results, the results document, the managers'
 * export and a revealed category's standings. Counts of a vote still open never leave here
 * unless the campaign opts into live counts.
 */
import { refuse } from '../../model/refusals';
import type { ListedProposal, Standing } from '../../model/events';
import type { CategoryResults, Winner } from '../../model/records';
import type { ExportCategory, ExportDocument, ExportEntry } from '../commands';
import { standingsOf } from '../shared/announcements';
import { requireCampaign, type EngineContext } from '../shared/context';
import { findCategory, listed, selectCategories } from '../shared/lookup';
import { countsShown } from '../shared/phase-gate';
import type { HandlerTable } from './handler';

/** The results document (DESIGN.md, "The command line"). */
export interface ResultsDocument {
  readonly campaign: string;
  readonly categories: readonly {
    readonly id: string;
    readonly proposals: number;
    /** null while results are hidden (vote not closed, `vote.liveCounts` off). */
    readonly ballots: number | null;
    readonly shortlist: readonly ListedProposal[];
    readonly winners: readonly Winner[];
  }[];
}

/** The handlers of results and exports. */
export const reportHandlers: HandlerTable<'results' | 'export'> = {
  results: {
    role: 'fan',
    async run(ctx, campaign, { categoryId }) {
      const categories = selectCategories(campaign, categoryId);
      if (!categories) return refuse('category.unknown', { category: String(categoryId) });
      const results: CategoryResults[] = [];
      for (const category of categories) {
        const r = await ctx.deps.store.getResults(campaign.id, category.id);
        if (r) results.push(r);
      }
      return { ok: true, type: 'results', results };
    },
  },

  /** Every idea as a file for managers; the export names no fan, so it is audited as an action alone. */
  export: {
    role: 'manager',
    audit: {},
    run: async (ctx, campaign) => ({ ok: true, type: 'export', export: await exportDocument(ctx, campaign.id) }),
  },
};

/** The results document: per category, counts, shortlist and winners (winners carry no platform id). */
export async function report(ctx: EngineContext, campaignId: string): Promise<ResultsDocument> {
  const campaign = requireCampaign(ctx, campaignId);
  const { store } = ctx.deps;
  const categories: ResultsDocument['categories'][number][] = [];
  for (const category of campaign.categories) {
    const proposals = category.options ? 0 : (await store.listProposals(campaign.id, category.id))
      .filter((p) => p.status !== 'withdrawn').length;
    const shortlist = (await store.getShortlist(campaign.id, category.id)).map(listed);
    const results = await store.getResults(campaign.id, category.id);
    const state = results ? null : await store.getState(campaign.id, category.id);
    const ballots = results?.ballots
      ?? (state && countsShown(category, state.phase) ? (await store.getTally(campaign.id, category.id)).ballots : null);
    categories.push({ id: category.id, proposals, ballots, shortlist, winners: (results?.winners ?? []).map(withoutAuthorKey) });
  }
  return { campaign: campaign.id, categories };
}

/**
 * Every idea with its author, likes, shortlist and, once a category is revealed, its votes
 * (see ExportDocument). Votes of an open vote are never included.
 */
export async function exportDocument(ctx: EngineContext, campaignId: string): Promise<ExportDocument> {
  const campaign = requireCampaign(ctx, campaignId);
  const { store } = ctx.deps;
  const categories: ExportCategory[] = [];
  for (const category of campaign.categories) {
    const state = await store.getState(campaign.id, category.id);
    const shortlist = await store.getShortlist(campaign.id, category.id);
    const listedIds = new Set(shortlist.map((p) => p.id));
    const results = await store.getResults(campaign.id, category.id);
    const all = category.options ? shortlist : await store.listProposals(campaign.id, category.id);
    const rank = new Map(results?.winners.map((w, i) => [w.id, i + 1]) ?? []);
    const entries = [...all].sort((a, b) => a.seq - b.seq).map((p): ExportEntry => ({
      id: p.id, text: p.text,
      ...(p.authorName ? { author: p.authorName } : {}),
      ...(p.platform ? { platform: p.platform } : {}),
      status: p.status, likes: p.likes,
      ...(category.options ? {} : { createdAt: p.createdAt }),
      shortlisted: listedIds.has(p.id),
      votes: results ? (results.tally[p.id] ?? 0) : null,
      winnerRank: rank.get(p.id) ?? null,
    }));
    categories.push({ id: category.id, title: category.title, phase: state?.phase ?? 'pending', ballots: results?.ballots ?? null, entries });
  }
  return { campaign: campaign.id, title: campaign.title, exportedAt: ctx.deps.clock.now(), categories };
}

/**
 * The final standings of a revealed category (every candidate, most votes first, winners
 * flagged), as the results picture draws them; null while its vote is not revealed.
 */
export async function standings(ctx: EngineContext, campaignId: string, categoryId: string): Promise<{ ballots: number; standings: Standing[] } | null> {
  const campaign = requireCampaign(ctx, campaignId);
  const category = findCategory(campaign, categoryId);
  const results = category && await ctx.deps.store.getResults(campaign.id, category.id);
  if (!category || !results || results.tiedPending?.length) return null;
  const options = new Map((await ctx.deps.store.getShortlist(campaign.id, category.id)).map((p) => [p.id, p]));
  return { ballots: results.ballots, standings: standingsOf(results, options) };
}

/** A winner as the results document shows it: the author's name, never their platform id. */
function withoutAuthorKey({ authorKey: _key, ...winner }: Winner): Winner {
  return winner;
}
