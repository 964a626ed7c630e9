/**
 * Trust and fairness: curators' bans, and fans' data rights (a fan's own data and erasure;
 * managers' export and erasure of a named fan). Each change is reported once durable to
 * `EngineDeps.onModeration`.
 */
import { refuse } from '../../model/refusals';
import { fanKey, type Actor, type CampaignSpec } from '../../model/campaign';
import { isoInstant } from '../../model/time-bounds';
import type { CommandResult, FanDataDocument } from '../commands';
import { isFanKey } from '../eligibility';
import { pseudonymousVoterKey } from '../manifest';
import { cleanBounded, REASON_MAX } from '../text';
import { forgetBans } from '../shared/admission';
import { banSnapshot } from '../shared/audit-trail';
import type { EngineContext, ModerationEntry } from '../shared/context';
import { fanPlatform } from '../shared/lookup';
import type { HandlerTable } from './handler';

/** The handlers of bans and fans' data rights. */
export const trustHandlers: HandlerTable<'ban' | 'unban' | 'bans' | 'mydata' | 'fan.export' | 'forgetme' | 'fan.erase'> = {
  /** Bans a fan from proposing, liking and voting (`changed` is false when they already were). */
  ban: {
    role: 'curator',
    audit: { snapshot: banSnapshot, details: (cmd) => ({ reason: cleanBounded(cmd.reason, REASON_MAX) }) },
    async run(ctx, campaign, { fan, reason }, actor) {
      if (!isFanKey(fan)) return refuse('fan.invalid');
      const at = ctx.deps.clock.now();
      const why = cleanBounded(reason ?? '', REASON_MAX);
      const changed = await ctx.deps.store.setBan(campaign.id, fan, { reason: why, by: fanKey(actor), at });
      forgetBans(ctx, campaign.id);
      if (changed) await moderated(ctx, { kind: 'ban', campaignId: campaign.id, fan, by: fanKey(actor), reason: why, at });
      return { ok: true, type: 'ban', fan, changed };
    },
  },

  unban: {
    role: 'curator',
    audit: { snapshot: banSnapshot },
    async run(ctx, campaign, { fan }, actor) {
      if (!isFanKey(fan)) return refuse('fan.invalid');
      const changed = await ctx.deps.store.setBan(campaign.id, fan, null);
      forgetBans(ctx, campaign.id);
      if (changed) await moderated(ctx, { kind: 'unban', campaignId: campaign.id, fan, by: fanKey(actor), at: ctx.deps.clock.now() });
      return { ok: true, type: 'unban', fan, changed };
    },
  },

  bans: {
    role: 'curator',
    run: async (ctx, campaign) => ({ ok: true, type: 'bans', bans: await ctx.deps.store.listBans(campaign.id) }),
  },

  mydata: {
    role: 'fan',
    run: (ctx, campaign, _command, actor) => fanExport(ctx, campaign, fanKey(actor), 'mydata', actor),
  },

  /** A manager's export of a named fan's data: the audit names whose data left. */
  'fan.export': {
    role: 'manager',
    audit: { target: (cmd) => cmd.fan.slice(0, 80) },
    run: (ctx, campaign, { fan }, actor) => fanExport(ctx, campaign, fan, 'fan.export', actor),
  },

  forgetme: {
    role: 'fan',
    run: (ctx, campaign, _command, actor) => erase(ctx, campaign, fanKey(actor), 'forgetme', actor),
  },

  /** A manager's erasure of a named fan: audited as an action alone (the log must not keep the erased fan). */
  'fan.erase': {
    role: 'manager',
    audit: {},
    run: (ctx, campaign, { fan }, actor) => erase(ctx, campaign, fan, 'fan.erase', actor),
  },
};

/** Everything the campaign holds about `fan`, as the JSON a fan receives. */
export async function fanDocument(ctx: EngineContext, campaign: CampaignSpec, fan: string): Promise<FanDataDocument> {
  const records = await ctx.deps.store.fanData(campaign.id, fan);
  const ban = await ctx.deps.store.getBan(campaign.id, fan);
  const iso = isoInstant;
  return {
    campaign: campaign.id, fan, exportedAt: iso(ctx.deps.clock.now()),
    proposals: records.proposals.map((p) => ({
      id: p.id, category: p.categoryId, text: p.text, status: p.status, likes: p.likes, proposedAt: iso(p.createdAt),
      ...(p.authorName !== undefined ? { authorName: p.authorName } : {}),
    })),
    likes: records.likes.map((l) => ({ proposal: l.proposalId, category: l.categoryId })),
    ballots: records.ballots.map((b) => ({ category: b.categoryId, choice: [...b.choice] })),
    ...(ban ? { ban: { reason: ban.reason, at: iso(ban.at) } } : {}),
  };
}

async function fanExport(ctx: EngineContext, campaign: CampaignSpec, fan: string, type: 'mydata' | 'fan.export', actor: Actor): Promise<CommandResult> {
  if (type === 'mydata' ? !fanPlatform(actor) : !isFanKey(fan)) return refuse(type === 'mydata' ? 'actor.not-allowed' : 'fan.invalid');
  return { ok: true, type, fan, data: await fanDocument(ctx, campaign, fan) };
}

/**
 * Erases `fan` from the campaign (see CampaignStore.eraseFan), then removes their name from
 * results already stored, so that no document credits an erased author.
 */
async function erase(ctx: EngineContext, campaign: CampaignSpec, fan: string, type: 'forgetme' | 'fan.erase', actor: Actor): Promise<CommandResult> {
  if (type === 'forgetme' ? !fanPlatform(actor) : !isFanKey(fan)) return refuse(type === 'forgetme' ? 'actor.not-allowed' : 'fan.invalid');
  const { store } = ctx.deps;
  const secret = await store.campaignSecret(campaign.id);
  const report = await store.eraseFan(campaign.id, fan, campaign.categories.map((c) => ({
    id: c.id, tallied: c.vote.method !== 'ranked', anon: pseudonymousVoterKey(secret, c.id, fan),
  })));
  const anonymous = new Set(report.proposalsAnonymized);
  if (anonymous.size > 0) {
    for (const category of campaign.categories) {
      const results = await store.getResults(campaign.id, category.id);
      if (!results?.winners.some((w) => anonymous.has(w.id))) continue;
      const winners = results.winners.map((w) => (anonymous.has(w.id) ? { id: w.id, text: w.text, votes: w.votes } : w));
      await store.saveResults(campaign.id, { ...results, winners }, [], true);
    }
    for (const [key, options] of ctx.frozenShortlists) {
      if ([...anonymous].some((id) => options.has(id))) ctx.frozenShortlists.delete(key);
    }
  }
  await moderated(ctx, { kind: 'erase', campaignId: campaign.id, fan, by: fanKey(actor), at: ctx.deps.clock.now() });
  return { ok: true, type, fan, report };
}

/** Reports a durable moderation to the hook; a failing hook is reported, never undoes the command. */
async function moderated(ctx: EngineContext, entry: ModerationEntry): Promise<void> {
  try {
    await ctx.deps.onModeration?.(entry);
  } catch (error) {
    ctx.deps.onError?.(error, `moderation.${entry.kind}`);
  }
}
