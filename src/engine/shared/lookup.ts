/**
 * Finding what a command names: a category, a proposal and its category, the actor's fan
 * platform. Every id from a command is hostile (forged in a button, typed by hand): bounded
 * before it reaches the store, unknown ids refused as such.
 */
import { refuse, type Refusal } from '../../model/refusals';
import { categoryById, type Actor, type CampaignSpec, type CategorySpec, type Platform } from '../../model/campaign';
import type { ListedProposal } from '../../model/events';
import type { Proposal } from '../../model/records';
import type { EngineContext } from './context';

/** The longest proposal or option id a command may carry; anything longer is unknown. */
export const OPTION_ID_MAX = 32;

/** The category `id` of the campaign, if it declares one (an index look-up, not a scan). */
export function findCategory(campaign: CampaignSpec, id: string): CategorySpec | undefined {
  return categoryById(campaign, id);
}

/** Every category when `id` is absent, the one named otherwise, or null when it names none. */
export function selectCategories(campaign: CampaignSpec, id: string | undefined): readonly CategorySpec[] | null {
  if (id === undefined) return campaign.categories;
  const one = findCategory(campaign, id);
  return one ? [one] : null;
}

/** The proposal `proposalId` of the campaign with its category, or `proposal.unknown`. */
export async function findProposal(
  ctx: EngineContext, campaign: CampaignSpec, proposalId: string,
): Promise<{ proposal: Proposal; category: CategorySpec } | Refusal> {
  if (typeof proposalId !== 'string' || proposalId.length === 0 || proposalId.length > OPTION_ID_MAX) return refuse('proposal.unknown');
  const proposal = await ctx.deps.store.getProposal(campaign.id, proposalId);
  const category = proposal && findCategory(campaign, proposal.categoryId);
  return proposal && category ? { proposal, category } : refuse('proposal.unknown');
}

/** The platform a fan acts from; the system actor never proposes, likes or votes. */
export function fanPlatform(actor: Actor): Platform | null {
  return actor.platform === 'system' ? null : actor.platform;
}

/** A proposal as events and documents list it: its author's display name, never their platform id. */
export function listed(p: Proposal): ListedProposal {
  return { id: p.id, text: p.text, ...(p.authorName ? { author: p.authorName } : {}) };
}
