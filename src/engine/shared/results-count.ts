/**
 * Counting a category for its reveal (and for a tie-break): from the incremental tally for
 * single and approval ballots (no scan), from the raw ballots by instant-runoff for ranked ones.
 */
import { defaultSeed, type CampaignSpec, type CategorySpec } from '../../model/campaign';
import type { Ballot, CategoryResults, Proposal } from '../../model/records';
import { instantRunoff, winnersFromTally, type CountedOption } from '../count';
import type { EngineContext } from './context';

/** The category's results as they would be revealed now, with its shortlist by id. */
export async function countResults(
  ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec, picked: readonly string[],
): Promise<{ results: CategoryResults; options: ReadonlyMap<string, Proposal> }> {
  const { store } = ctx.deps;
  const shortlist = await store.getShortlist(campaign.id, category.id);
  const byId = new Map(shortlist.map((p) => [p.id, p]));
  const options: CountedOption[] = shortlist.map((p) => ({ id: p.id, seq: p.seq }));
  const seed = seedOf(campaign, category);
  let ranking: { winners: readonly { id: string; votes: number }[]; tied: readonly string[] };
  let tally: Record<string, number>;
  let ballots: number;
  let rounds: Record<string, number>[] | undefined;
  if (category.vote.method === 'ranked') {
    const all = await rawBallots(ctx, campaign.id, category.id);
    const runoff = instantRunoff(options, all, category.reveal, seed);
    ranking = { winners: runoff.winners, tied: [] };
    tally = runoff.tally;
    rounds = [...runoff.rounds];
    ballots = all.length;
  } else {
    const counted = await store.getTally(campaign.id, category.id);
    ranking = winnersFromTally(options, counted.tally, category.reveal, seed, picked);
    tally = counted.tally;
    ballots = counted.ballots;
  }
  const winners = ranking.winners.map((w) => {
    const p = byId.get(w.id);
    return {
      id: w.id, text: p?.text ?? w.id, votes: w.votes,
      ...(p?.authorName ? { author: p.authorName } : {}),
      ...(p?.authorName && category.reveal.mentionAuthors ? { authorKey: p.authorKey } : {}),
    };
  });
  const results: CategoryResults = {
    categoryId: category.id, ballots, tally, winners, tieBreak: category.reveal.tieBreak, revealedAt: ctx.deps.clock.now(),
    seed,
    ...(rounds ? { rounds } : {}),
    ...(ranking.tied.length ? { tiedPending: [...ranking.tied] } : {}),
  };
  return { results, options: byId };
}

/** The tie-break seed of a category: the declared one, else `campaign/category`. */
export function seedOf(campaign: CampaignSpec, category: CategorySpec): string {
  return category.reveal.seed ?? defaultSeed(campaign.id, category.id);
}

/** Every raw ballot of a category, in the store's scan order. */
export async function rawBallots(ctx: EngineContext, campaignId: string, categoryId: string): Promise<Ballot[]> {
  const all: Ballot[] = [];
  for await (const batch of ctx.deps.store.scanBallots(campaignId, categoryId)) all.push(...batch);
  return all;
}
