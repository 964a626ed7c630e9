/**
 * /status: where each category stands, for everyone; managers also get the campaign's
 * eligibility and anti-spam refusal counts. What the answer reports is decided here alone.
 */
import type { CategoryStatus } from '../commands';
import { rolesOf } from '../roles';
import { countsShown } from '../shared/phase-gate';
import type { HandlerTable } from './handler';

/** The handler of /status. */
export const statusHandlers: HandlerTable<'status'> = {
  status: {
    role: 'fan',
    async run(ctx, campaign, _command, actor) {
      const { store } = ctx.deps;
      const states = new Map((await store.getStates(campaign.id)).map((s) => [s.categoryId, s]));
      const categories: CategoryStatus[] = [];
      for (const category of campaign.categories) {
        const state = states.get(category.id);
        if (!state) continue;
        const proposals = category.options ? 0 : (await store.listProposals(campaign.id, category.id))
          .filter((p) => p.status === 'active' || p.status === 'review').length;
        const ballots = countsShown(category, state.phase) ? (await store.getTally(campaign.id, category.id)).ballots : null;
        categories.push({
          id: category.id, title: category.title, phase: state.phase, paused: state.pausedAt !== null,
          endsAt: state.pausedAt === null ? state.deadline : null, proposals, ballots,
        });
      }
      const roles = rolesOf(actor, campaign);
      const refusals = roles.includes('manager') ? { refusals: await store.getRefusalCounts(campaign.id) } : {};
      const durability = roles.includes('manager') && ctx.deps.durability ? { durability: ctx.deps.durability() } : {};
      return { ok: true, type: 'status', title: campaign.title, roles, categories, ...refusals, ...durability };
    },
  },
};
