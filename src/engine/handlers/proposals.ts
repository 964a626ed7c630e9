/**
 * Fans' proposals: proposing, editing, withdrawing, liking and listing ideas. Writes pass the
 * `propose` phase gate; fan actions pass admission (eligibility, bans, rate limits).
 */
import { refuse } from '../../model/refusals';
import { fanKey } from '../../model/campaign';
import type { Proposal } from '../../model/records';
import { rolesOf } from '../roles';
import { checkProposalText, cleanBounded } from '../text';
import { admit, counted, limit } from '../shared/admission';
import { event } from '../shared/announcements';
import { fanPlatform, findCategory, findProposal, listed, selectCategories } from '../shared/lookup';
import { gate } from '../shared/phase-gate';
import type { HandlerTable } from './handler';

const DISPLAY_NAME_MAX = 64;

/** The handlers of fans' proposals. */
export const proposalHandlers: HandlerTable<'propose' | 'edit' | 'withdraw' | 'like' | 'unlike' | 'proposals'> = {
  propose: {
    role: 'fan',
    async run(ctx, campaign, { categoryId, text: input }, actor) {
      const category = findCategory(campaign, categoryId);
      if (!category) return refuse('category.unknown', { category: categoryId });
      if (category.options) return refuse('category.fixed-options');
      const platform = fanPlatform(actor);
      if (!platform) return refuse('actor.not-allowed');
      const text = checkProposalText(input, category.proposals);
      if (!text.ok) return refuse(text.code, text.params);
      const refused = await admit(ctx, campaign, actor, 'propose', 'proposals');
      if (refused) return refused;
      const { perFan, maxTotal } = category.proposals;
      const result = await ctx.deps.store.addProposal(gate(ctx, 'propose'), campaign.id, {
        categoryId: category.id,
        text: text.text,
        normalized: text.normalized,
        authorKey: fanKey(actor),
        authorName: cleanBounded(actor.displayName, DISPLAY_NAME_MAX) || actor.userId,
        platform,
        createdAt: ctx.deps.clock.now(),
      }, perFan, maxTotal);
      if (!result.ok && result.code === 'proposal.category-full') return counted(ctx, campaign, refuse(result.code, { max: maxTotal ?? 0 }));
      if (!result.ok) return refuse(result.code, { max: perFan });
      return { ok: true, type: 'propose', proposal: result.proposal };
    },
  },

  edit: {
    role: 'fan',
    async run(ctx, campaign, { proposalId, text: input }, actor) {
      const found = await findProposal(ctx, campaign, proposalId);
      if ('code' in found) return found;
      const text = checkProposalText(input, found.category.proposals);
      if (!text.ok) return refuse(text.code, text.params);
      const refused = await admit(ctx, campaign, actor, 'propose');
      if (refused) return refused;
      const result = await ctx.deps.store.editProposal(gate(ctx, 'propose'), campaign.id, proposalId, fanKey(actor), text.text, text.normalized);
      if (!result.ok) return refuse(result.code);
      return { ok: true, type: 'edit', proposal: result.proposal };
    },
  },

  withdraw: {
    role: 'fan',
    async run(ctx, campaign, { proposalId }, actor) {
      const found = await findProposal(ctx, campaign, proposalId);
      if ('code' in found) return found;
      const result = await ctx.deps.store.withdrawProposal(gate(ctx, 'propose'), campaign.id, proposalId, fanKey(actor));
      return result.ok ? { ok: true, type: 'withdraw', proposalId } : refuse(result.code);
    },
  },

  like: {
    role: 'fan',
    async run(ctx, campaign, { proposalId }, actor) {
      const found = await findProposal(ctx, campaign, proposalId);
      if ('code' in found) return found;
      const { proposal, category } = found;
      if (!fanPlatform(actor)) return refuse('actor.not-allowed');
      if (proposal.authorKey === fanKey(actor)) return refuse('like.own');
      const refused = await admit(ctx, campaign, actor, 'propose', 'likes');
      if (refused) return refused;
      const threshold = category.shortlist.by === 'threshold' ? category.shortlist.likes : undefined;
      const result = await ctx.deps.store.like(gate(ctx, 'propose'), campaign.id, proposalId, fanKey(actor), threshold);
      if (!result.ok) return refuse(result.code);
      if (result.reachedThreshold) {
        await ctx.deps.outbox.enqueue([event(ctx, campaign, category, `review.${proposalId}`, {
          kind: 'proposal.review', proposal: listed(proposal), likes: result.likes,
        })]);
      }
      return { ok: true, type: 'like', proposalId, likes: result.likes };
    },
  },

  unlike: {
    role: 'fan',
    async run(ctx, campaign, { proposalId }, actor) {
      const found = await findProposal(ctx, campaign, proposalId);
      if ('code' in found) return found;
      const refused = await limit(ctx, campaign, actor, 'likes');
      if (refused) return refused;
      const result = await ctx.deps.store.unlike(gate(ctx, 'propose'), campaign.id, proposalId, fanKey(actor));
      return result.ok ? { ok: true, type: 'unlike', proposalId, likes: result.likes } : refuse(result.code);
    },
  },

  /** A fan sees the ideas in play (or all of their own); curators see every status. */
  proposals: {
    role: 'fan',
    async run(ctx, campaign, { categoryId, mine }, actor) {
      const categories = selectCategories(campaign, categoryId);
      if (!categories) return refuse('category.unknown', { category: String(categoryId) });
      const own = mine === true;
      const curator = rolesOf(actor, campaign).includes('curator');
      const filter = own ? { authorKey: fanKey(actor) } : {};
      const out: Proposal[] = [];
      for (const category of categories) {
        if (category.options) continue;
        for (const p of await ctx.deps.store.listProposals(campaign.id, category.id, filter)) {
          if (own || curator || p.status === 'active' || p.status === 'review') out.push(p);
        }
      }
      return { ok: true, type: 'proposals', proposals: out };
    },
  },
};
