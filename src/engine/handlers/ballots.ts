/**
 * Fans' ballots. This is the surge's hot path: one category lookup, checks that need no
 * store, admission (the ban list is cached), then the one atomic store call; the shortlist is
 * read once per process when the first ballot of a category is accepted, and kept (it is
 * frozen while the vote is open).
 */
import { refuse, type Refusal } from '../../model/refusals';
import { fanKey, type CategorySpec } from '../../model/campaign';
import type { Proposal } from '../../model/records';
import { admit } from '../shared/admission';
import type { EngineContext } from '../shared/context';
import { fanPlatform, findCategory, OPTION_ID_MAX } from '../shared/lookup';
import { gate } from '../shared/phase-gate';
import type { HandlerTable } from './handler';

/** The handlers of ballots. */
export const ballotHandlers: HandlerTable<'vote'> = {
  /** One ballot per fan per category (DESIGN invariant 5, enforced by the store); a change replaces it when allowed. */
  vote: {
    role: 'fan',
    async run(ctx, campaign, { categoryId, choice }, actor) {
      const category = findCategory(campaign, categoryId);
      if (!category) return refuse('category.unknown', { category: categoryId });
      if (!fanPlatform(actor)) return refuse('actor.not-allowed');
      const invalid = checkChoice(category, choice);
      if (invalid) return invalid;
      const refused = await admit(ctx, campaign, actor, 'vote');
      if (refused) return refused;
      const key = `${campaign.id}/${category.id}`;
      const frozen = ctx.frozenShortlists.get(key);
      if (frozen && choice.some((id) => !frozen.has(id))) return refuse('vote.not-shortlisted');
      const rule = category.vote;
      const result = await ctx.deps.store.castBallot(gate(ctx, 'vote'), campaign.id, category.id,
        { voterKey: fanKey(actor), choice: [...choice] }, { allowChange: rule.allowChange, tallied: rule.method !== 'ranked' });
      if (!result.ok) return refuse(result.code);
      // The ballot was accepted, so the vote is open and the shortlist can no longer change.
      const options = frozen ?? await freezeShortlist(ctx, key, campaign.id, category.id);
      return {
        ok: true, type: 'vote', categoryId: category.id, choice: [...choice], changed: result.changed,
        labels: choice.map((id) => options.get(id)?.text ?? id),
      };
    },
  },
};

async function freezeShortlist(ctx: EngineContext, key: string, campaignId: string, categoryId: string): Promise<ReadonlyMap<string, Proposal>> {
  const options = new Map((await ctx.deps.store.getShortlist(campaignId, categoryId)).map((p) => [p.id, p]));
  ctx.frozenShortlists.set(key, options);
  return options;
}

/** Shape checks of a ballot that need no store: count, duplicates, garbage ids. */
function checkChoice(category: CategorySpec, choice: readonly string[]): Refusal | null {
  if (!Array.isArray(choice) || choice.length === 0) return refuse('vote.invalid-choice');
  if (choice.some((id) => typeof id !== 'string' || id.length === 0 || id.length > OPTION_ID_MAX)) return refuse('vote.invalid-choice');
  if (new Set(choice).size !== choice.length) return refuse('vote.duplicate-choice');
  const rule = category.vote;
  const max = rule.method === 'single' ? 1 : rule.method === 'approval' ? rule.maxChoices : (rule.maxRanks ?? Infinity);
  if (choice.length > max) return refuse('vote.too-many', { max });
  return null;
}
