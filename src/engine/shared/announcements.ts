/**
 * The events the engine hands to the outbox: their ids (the outbox's idempotency keys), and
 * the results announcement shared by the reveal and a curator's tie-break.
 */
import type { CampaignSpec, CategorySpec } from '../../model/campaign';
import type { CampaignEvent, Standing } from '../../model/events';
import type { CategoryResults, Proposal } from '../../model/records';
import type { EngineContext } from './context';
import { listed } from './lookup';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a handler writes it: the engine adds its id, campaign, category and time. */
export type EventBody = DistributiveOmit<CampaignEvent, 'id' | 'campaignId' | 'categoryId' | 'at'>;

/**
 * The event `body` of a category, stamped now, with the id `campaign.category.suffix`: the
 * same suffix gives the same id, so a repeated step publishes once.
 */
export function event(ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec, suffix: string, body: EventBody): CampaignEvent {
  return {
    ...body, id: `${campaign.id}.${category.id}.${suffix}`, campaignId: campaign.id, categoryId: category.id, at: ctx.deps.clock.now(),
  } as CampaignEvent;
}

/**
 * The announcement of a category's count: the tied options when curators must break a tie
 * (one event per round of picks), else the results with every candidate's standing.
 */
export function resultsEvent(
  ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec, results: CategoryResults,
  options: ReadonlyMap<string, Proposal>, round: number,
): CampaignEvent {
  if (results.tiedPending?.length) {
    const tied = results.tiedPending.flatMap((id) => { const p = options.get(id); return p ? [listed(p)] : []; });
    return event(ctx, campaign, category, `tie.${round}`, { kind: 'reveal.tie', tied });
  }
  return event(ctx, campaign, category, 'results', {
    kind: 'results', winners: results.winners, ballots: results.ballots, standings: standingsOf(results, options),
    ...(results.ballotsDigest ? { ballotsDigest: results.ballotsDigest } : {}),
  });
}

/** Every candidate with its final count, most votes first, then in proposal order. */
export function standingsOf(results: CategoryResults, options: ReadonlyMap<string, Proposal>): Standing[] {
  const winners = new Set(results.winners.map((w) => w.id));
  return [...options.values()]
    .map((p) => ({ p, votes: results.tally[p.id] ?? 0 }))
    .sort((a, b) => b.votes - a.votes || Number(winners.has(b.p.id)) - Number(winners.has(a.p.id)) || a.p.seq - b.p.seq)
    .map(({ p, votes }) => ({ id: p.id, text: p.text, ...(p.authorName ? { author: p.authorName } : {}), votes, winner: winners.has(p.id) }));
}
