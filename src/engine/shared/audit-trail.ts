/**
 * The audit log of manager and curator actions. A handler that declares an `AuditRule` gets,
 * for each success, one entry per thing it changed with the state before and after (read by
 * its snapshot), or one entry naming the action when nothing it watches changed. The entries
 * are durable before the actor is answered.
 */
import { auditActor, type AuditEntry, type AuditRecord, type AuditValue } from '../../model/audit';
import type { Actor, CampaignSpec } from '../../model/campaign';
import { isoInstant } from '../../model/time-bounds';
import type { Command } from '../commands';
import { requireCampaign, type EngineContext } from './context';
import { OPTION_ID_MAX, selectCategories, findCategory } from './lookup';

/** One watched thing as a snapshot reads it: its category and target, and the value compared. */
export interface Watched { readonly categoryId?: string; readonly target?: string; readonly value: AuditValue }

/** What an audited command may change, keyed by category id, proposal id or fan key. */
export type AuditSnapshot = ReadonlyMap<string, Watched>;

/** How a command is audited: what it watches, and what of the command itself each entry records. */
export interface AuditRule<C extends Command> {
  /** Reads what the command may change, before and after it runs; absent: one entry names the action. */
  readonly snapshot?: (ctx: EngineContext, campaign: CampaignSpec, command: C) => Promise<AuditSnapshot>;
  /** Facts given with the command (a bounded reason, the time added), added to each entry's `after`. */
  readonly details?: (command: C) => { readonly [key: string]: AuditValue };
  /** Whom the action concerned, for the entry written when nothing watched changed. */
  readonly target?: (command: C) => string;
}

const NOTHING: AuditSnapshot = new Map();

/** The snapshot of a rule, or nothing to compare. */
export async function auditSnapshot<C extends Command>(
  ctx: EngineContext, rule: AuditRule<C>, campaign: CampaignSpec, command: C,
): Promise<AuditSnapshot> {
  return rule.snapshot ? rule.snapshot(ctx, campaign, command) : NOTHING;
}

/**
 * Appends the entries of one audited success: one per watched thing whose value changed
 * (with the rule's details added to its `after`), or one naming the action if none did.
 */
export async function appendAudits<C extends Command>(
  ctx: EngineContext, rule: AuditRule<C>, campaign: CampaignSpec, command: C, actor: Actor, before: AuditSnapshot, after: AuditSnapshot,
): Promise<void> {
  const extra = rule.details?.(command) ?? null;
  let appended = 0;
  for (const [key, now] of after) {
    const was = before.get(key);
    if (was && JSON.stringify(was.value) === JSON.stringify(now.value)) continue;
    await appendAudit(ctx, campaign.id, actor, {
      action: command.type,
      ...(now.categoryId === undefined ? {} : { categoryId: now.categoryId }),
      ...(now.target === undefined ? {} : { target: now.target }),
      before: was?.value ?? null, after: extra === null ? now.value : { ...(now.value as Record<string, AuditValue>), ...extra },
    });
    appended++;
  }
  if (appended > 0) return;
  const target = rule.target ? { target: rule.target(command) } : {};
  const category = 'categoryId' in command && command.categoryId !== undefined ? { categoryId: command.categoryId } : {};
  await appendAudit(ctx, campaign.id, actor, { action: command.type, ...target, ...category });
}

/**
 * Appends an action to the campaign's audit log with its actor and the current time.
 * Resolves once the entry is durable; rejects when the store cannot confirm.
 */
export async function appendAudit(ctx: EngineContext, campaignId: string, actor: Actor, record: AuditRecord): Promise<void> {
  const entry: AuditEntry = { ...record, at: ctx.deps.clock.now(), actor: auditActor(actor) };
  await ctx.deps.store.appendAudit(requireCampaign(ctx, campaignId).id, entry);
}

/** Phase commands watch each selected category's phase, pause and deadline. */
export async function phaseSnapshot(ctx: EngineContext, campaign: CampaignSpec, command: { readonly categoryId?: string }): Promise<AuditSnapshot> {
  const out = new Map<string, Watched>();
  for (const category of selectCategories(campaign, command.categoryId) ?? []) {
    const state = await ctx.deps.store.getState(campaign.id, category.id);
    if (!state) continue;
    out.set(category.id, {
      categoryId: category.id,
      value: { phase: state.phase, paused: state.pausedAt !== null, deadline: state.deadline === null ? null : isoInstant(state.deadline) },
    });
  }
  return out;
}

/** Curation commands watch the proposal's status, reason and place on the shortlist. */
export async function proposalSnapshot(ctx: EngineContext, campaign: CampaignSpec, command: { readonly proposalId: string }): Promise<AuditSnapshot> {
  const out = new Map<string, Watched>();
  if (typeof command.proposalId !== 'string' || command.proposalId.length > OPTION_ID_MAX) return out;
  const { store } = ctx.deps;
  const p = await store.getProposal(campaign.id, command.proposalId);
  if (!p) return out;
  const shortlisted = (await store.getShortlist(campaign.id, p.categoryId)).some((s) => s.id === p.id);
  out.set(p.id, {
    categoryId: p.categoryId, target: p.id,
    value: { status: p.status, shortlisted, ...(p.rejectReason === undefined ? {} : { reason: p.rejectReason }) },
  });
  return out;
}

/** A tie-break watches the category's winners and the options still tied. */
export async function tieSnapshot(
  ctx: EngineContext, campaign: CampaignSpec, command: { readonly categoryId: string; readonly proposalId: string },
): Promise<AuditSnapshot> {
  const out = new Map<string, Watched>();
  const r = findCategory(campaign, command.categoryId) && await ctx.deps.store.getResults(campaign.id, command.categoryId);
  if (r) out.set(command.categoryId, { categoryId: command.categoryId, target: command.proposalId, value: { winners: r.winners.map((w) => w.id), tied: [...(r.tiedPending ?? [])] } });
  return out;
}

/** Ban and unban watch whether the fan is banned. */
export async function banSnapshot(ctx: EngineContext, campaign: CampaignSpec, command: { readonly fan: string }): Promise<AuditSnapshot> {
  const banned = (await ctx.deps.store.listBans(campaign.id)).some((b) => b.fanKey === command.fan);
  return new Map([[command.fan, { target: command.fan.slice(0, 80), value: { banned } }]]);
}
