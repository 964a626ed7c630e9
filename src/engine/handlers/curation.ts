/**
 * Curators' work: rejecting ideas, making the shortlist by hand, and breaking a tie when the
 * campaign leaves ties to them. Each change is audited with the proposal (or results) before
 * and after.
 */
import { refuse } from '../../model/refusals';
import type { CampaignSpec } from '../../model/campaign';
import type { CommandResult } from '../commands';
import { cleanBounded, REASON_MAX } from '../text';
import { resultsEvent } from '../shared/announcements';
import { proposalSnapshot, tieSnapshot } from '../shared/audit-trail';
import type { EngineContext } from '../shared/context';
import { findCategory, findProposal } from '../shared/lookup';
import { gate } from '../shared/phase-gate';
import { countResults } from '../shared/results-count';
import type { HandlerTable } from './handler';

/** The handlers of curation. */
export const curationHandlers: HandlerTable<'reject' | 'shortlist.add' | 'shortlist.remove' | 'shortlist.list' | 'break-tie'> = {
  /** Rejects an idea while proposals or the shortlist are open, with a reason its author is told. */
  reject: {
    role: 'curator',
    audit: { snapshot: proposalSnapshot, details: (cmd) => ({ reason: cleanBounded(cmd.reason, REASON_MAX) }) },
    async run(ctx, campaign, { proposalId, reason }) {
      const found = await findProposal(ctx, campaign, proposalId);
      if ('code' in found) return found;
      if (found.category.options) return refuse('category.fixed-options');
      const state = await ctx.deps.store.getState(campaign.id, found.category.id);
      if (!state || (state.phase !== 'propose' && state.phase !== 'shortlist')) return refuse('phase.closed');
      const result = await ctx.deps.store.reject(gate(ctx, state.phase), campaign.id, proposalId, cleanBounded(reason, REASON_MAX));
      return result.ok ? { ok: true, type: 'reject', proposalId } : refuse(result.code);
    },
  },

  'shortlist.add': {
    role: 'curator',
    audit: { snapshot: proposalSnapshot },
    run: (ctx, campaign, { proposalId }) => shortlistChange(ctx, campaign, proposalId, 'add'),
  },

  'shortlist.remove': {
    role: 'curator',
    audit: { snapshot: proposalSnapshot },
    run: (ctx, campaign, { proposalId }) => shortlistChange(ctx, campaign, proposalId, 'remove'),
  },

  'shortlist.list': {
    role: 'fan',
    async run(ctx, campaign, { categoryId }) {
      const category = findCategory(campaign, categoryId);
      if (!category) return refuse('category.unknown', { category: categoryId });
      return { ok: true, type: 'shortlist.list', proposals: await ctx.deps.store.getShortlist(campaign.id, category.id) };
    },
  },

  /** `tieBreak: curators`: picks one of the tied options as the next winner, recounts and announces. */
  'break-tie': {
    role: 'curator',
    audit: { snapshot: tieSnapshot },
    async run(ctx, campaign, { categoryId, proposalId }) {
      const category = findCategory(campaign, categoryId);
      if (!category) return refuse('category.unknown', { category: categoryId });
      const current = await ctx.deps.store.getResults(campaign.id, category.id);
      if (!current?.tiedPending?.length) return refuse('reveal.no-tie');
      if (!current.tiedPending.includes(proposalId)) return refuse('reveal.not-tied');
      const picked = [...current.winners.map((w) => w.id), proposalId];
      const { results, options } = await countResults(ctx, campaign, category, picked);
      await ctx.deps.store.saveResults(campaign.id, results, [resultsEvent(ctx, campaign, category, results, options, picked.length)], true);
      return { ok: true, type: 'break-tie', results };
    },
  },
};

/** Adds an idea to its category's shortlist (within the declared size) or removes it, while the shortlist is open. */
async function shortlistChange(ctx: EngineContext, campaign: CampaignSpec, proposalId: string, change: 'add' | 'remove'): Promise<CommandResult> {
  const found = await findProposal(ctx, campaign, proposalId);
  if ('code' in found) return found;
  const { category } = found;
  if (category.options) return refuse('category.fixed-options');
  const open = gate(ctx, 'shortlist');
  const size = category.shortlist.size ?? Number.MAX_SAFE_INTEGER;
  const result = change === 'add'
    ? await ctx.deps.store.shortlistAdd(open, campaign.id, proposalId, size)
    : await ctx.deps.store.shortlistRemove(open, campaign.id, proposalId);
  if (!result.ok) return refuse(result.code, { max: size });
  return { ok: true, type: change === 'add' ? 'shortlist.add' : 'shortlist.remove', proposalId };
}
