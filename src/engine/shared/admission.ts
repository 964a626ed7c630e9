/**
 * Admission of a fan's action: the campaign's eligibility rules, the ban list and the
 * sliding-window rate limits. Refusals from here are counted for managers' /status.
 */
import { COUNTED_REFUSALS, refuse, type Refusal } from '../../model/refusals';
import { fanKey, type Actor, type CampaignSpec } from '../../model/campaign';
import type { BanEntry, RateKind } from '../../ports/campaign-store';
import { checkEligibility } from '../eligibility';
import type { EngineContext } from './context';

/** How long a process trusts the ban list it read (other processes' bans apply within this delay). */
export const BAN_CACHE_MS = 5_000;

/**
 * Whether a fan may act in `phase`: the campaign's eligibility rules for the phase, the ban
 * list, then (when `rate` is given) the fan's sliding-window limit, which records this action.
 * Null when admitted; a refusal is counted for managers' /status.
 */
export async function admit(
  ctx: EngineContext, campaign: CampaignSpec, actor: Actor, phase: 'propose' | 'vote', rate?: RateKind,
): Promise<Refusal | null> {
  const now = ctx.deps.clock.now();
  const rules = campaign.trust?.eligibility?.[phase];
  const ineligible = checkEligibility(rules, actor, now);
  if (ineligible) return counted(ctx, campaign, ineligible);
  if ((await bans(ctx, campaign.id)).has(fanKey(actor))) return counted(ctx, campaign, refuse('eligibility.banned'));
  return rate ? limit(ctx, campaign, actor, rate) : null;
}

/** The fan's sliding-window limit of `kind`, if the campaign declares one: null while under it. */
export async function limit(ctx: EngineContext, campaign: CampaignSpec, actor: Actor, kind: RateKind): Promise<Refusal | null> {
  const declared = campaign.trust?.limits?.[kind];
  if (!declared) return null;
  const hit = await ctx.deps.store.hitRateLimit(campaign.id, fanKey(actor), kind, declared, ctx.deps.clock.now());
  return hit.ok ? null : counted(ctx, campaign, refuse('rate.limited', { waitMs: hit.retryAfterMs }));
}

/** Counts a refusal for managers' /status (only eligibility and anti-spam ones), then returns it. */
export async function counted(ctx: EngineContext, campaign: CampaignSpec, refusal: Refusal): Promise<Refusal> {
  if (COUNTED_REFUSALS.includes(refusal.code)) await ctx.deps.store.countRefusal(campaign.id, refusal.code);
  return refusal;
}

/** Forgets this process's copy of a campaign's ban list, after it changed here. */
export function forgetBans(ctx: EngineContext, campaignId: string): void {
  ctx.banCache.delete(campaignId);
}

/** The ban list, read at most every BAN_CACHE_MS per process (every fan action checks it). */
async function bans(ctx: EngineContext, campaignId: string): Promise<ReadonlyMap<string, BanEntry>> {
  const now = ctx.deps.clock.now();
  const cached = ctx.banCache.get(campaignId);
  if (cached && now >= cached.at && now - cached.at < BAN_CACHE_MS) return cached.bans;
  const list = new Map((await ctx.deps.store.listBans(campaignId)).map((b) => [b.fanKey, b]));
  ctx.banCache.set(campaignId, { at: now, bans: list });
  return list;
}
