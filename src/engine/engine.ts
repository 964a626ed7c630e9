/**
 * The campaign engine: one entry point, `execute(command, actor)`, where every state change
 * enters with its actor and permissions are checked once (DESIGN invariant 2). It owns the
 * rules and the phase lifecycle; it does no I/O of its own and reaches the world only through
 * its ports (store, scheduler, outbox, clock).
 *
 * Each command is served by its handler (src/engine/handlers, one module per concern), which
 * declares its least role and its audit rule; this class checks the role, runs the handler,
 * audits, and answers. The checks handlers share live in src/engine/shared.
 */
import { refuse, type Refusal } from '../model/refusals';
import { categoryById, DEFAULT_REMINDER_BEFORE_MS, fanKey, type Actor, type CampaignSpec, type CategorySpec } from '../model/campaign';
import type { AuditEntry, AuditRecord } from '../model/audit';
import type { Standing } from '../model/events';
import type { CategoryResults } from '../model/records';
import type { PhaseJob } from '../ports/phase-scheduler';
import type { Command, CommandResult, CommandType, ExportDocument, FanDataDocument } from './commands';
import { declaredEnd, isTimed } from './lifecycle';
import type { ResultsManifest } from './manifest';
import { rolesOf } from './roles';
import type { CommandOf, Handler } from './handlers/handler';
import { HANDLERS } from './handlers/registry';
import { exportDocument, report, standings, type ResultsDocument } from './handlers/reports';
import { fanDocument } from './handlers/trust';
import { manifest, pseudonymFor, recount, verifyManifest, type RecountReport, type VerifyReport } from './handlers/verification';
import { event } from './shared/announcements';
import { appendAudit, appendAudits, auditSnapshot, type AuditRule } from './shared/audit-trail';
import { createContext, requireCampaign, type EngineContext, type EngineDeps } from './shared/context';
import { idle, settle } from './shared/phase-machine';
import { countResults } from './shared/results-count';

export type { EngineDeps, ModerationEntry } from './shared/context';
export type { ResultsDocument } from './handlers/reports';
export type { RecountReport, VerifyReport } from './handlers/verification';
export { BAN_CACHE_MS } from './shared/admission';
export { parseDurationMs, remindersOf } from './lifecycle';

/**
 * The campaign engine of one process. Several engines (processes) may share one store: every
 * change is an atomic store step, so they agree without talking to each other.
 */
export class Engine {
  private readonly ctx: EngineContext;

  constructor(deps: EngineDeps) {
    this.ctx = createContext(deps);
  }

  /** The campaigns this engine runs. */
  campaign(id: string): CampaignSpec | undefined {
    return this.ctx.campaigns.get(id);
  }

  /**
   * Creates missing campaign state, applies (once each) every transition whose time passed
   * while nothing ran, publishes pending results, schedules what comes next, and starts the
   * scheduler. Safe to call from several processes.
   */
  async start(): Promise<void> {
    const { store, scheduler, clock } = this.ctx.deps;
    const now = clock.now();
    for (const campaign of this.ctx.campaigns.values()) {
      await store.initCampaign(
        campaign.id,
        campaign.categories.map((c) => ({
          id: c.id,
          deadline: declaredEnd(c, 'pending') ?? c.revealAt,
          ...(c.options ? { options: c.options } : {}),
        })),
        now,
      );
      // Created once, at the campaign's first start, and kept in the store (never printed).
      await store.campaignSecret(campaign.id);
      for (const category of campaign.categories) await settle(this.ctx, campaign, category);
    }
    await scheduler.start((job) => this.onJob(job));
  }

  /**
   * Runs one command for one actor and answers a result: a success, or a typed refusal whose
   * code is also the key of its localized message. A success is returned only once the
   * change is durable in the store. Never throws.
   */
  async execute(command: Command, actor: Actor): Promise<CommandResult> {
    try {
      const campaign = this.ctx.campaigns.get(command.campaignId);
      if (!campaign) return refuse('campaign.unknown', { campaign: String(command.campaignId) });
      return await this.run(campaign, command.type, command, actor);
    } catch (error) {
      this.ctx.deps.onError?.(error, command.type);
      return refuse('store.unavailable');
    }
  }

  /**
   * The permission check, then the handler (through the audit log for audited commands). Not
   * `async` on purpose: a fan's command costs no promise or frame beyond its handler's own,
   * and whatever it throws still lands in `execute`'s catch.
   */
  private run<T extends CommandType>(campaign: CampaignSpec, type: T, command: CommandOf<T>, actor: Actor): Promise<CommandResult> | Refusal {
    // A forged type finds no handler of its own (never one inherited from Object.prototype).
    const handler: Handler<CommandOf<T>> | undefined = Object.hasOwn(HANDLERS, type) ? HANDLERS[type] : undefined;
    const roles = rolesOf(actor, campaign);
    if (!handler || !roles.includes(handler.role)) return refuse('actor.not-allowed');
    const rule = handler.audit;
    return rule ? this.audited(handler, rule, campaign, command, actor) : handler.run(this.ctx, campaign, command, actor);
  }

  /**
   * Manager and curator actions: the state before and after goes to the audit log, durably,
   * before the actor is answered.
   */
  private async audited<C extends Command>(handler: Handler<C>, rule: AuditRule<C>, campaign: CampaignSpec, command: C, actor: Actor): Promise<CommandResult> {
    const before = await auditSnapshot(this.ctx, rule, campaign, command);
    const result = await handler.run(this.ctx, campaign, command, actor);
    if (!result.ok) return result;
    try {
      await appendAudits(this.ctx, rule, campaign, command, actor, before, await auditSnapshot(this.ctx, rule, campaign, command));
    } catch (error) {
      // The change itself is durable: answering `store.unavailable` would invite a retry that
      // repeats it (a second advance). The lost entry is reported to the operator instead.
      this.ctx.deps.onError?.(error, `audit of ${command.type} by ${fanKey(actor)} (applied, not logged)`);
    }
    return result;
  }

  /**
   * Handles a scheduler job: moves the category on if, and only if, the job is still current
   * (same phase, same version), so a late, repeated or superseded job changes nothing. Rejects
   * when the store cannot confirm, so that the scheduler reports it (and may retry).
   */
  async onJob(job: PhaseJob): Promise<void> {
    const { store, outbox } = this.ctx.deps;
    const campaign = this.ctx.campaigns.get(job.campaignId);
    const category = campaign && categoryById(campaign, job.categoryId);
    if (!campaign || !category) return;
    const state = await store.getState(campaign.id, category.id);
    if (job.kind === 'retention.purge') {
      if (state?.phase === 'reveal') await store.purgeCategory(campaign.id, category.id);
      return;
    }
    if (!state || state.phase !== job.from || state.version !== job.version) return;
    if (job.kind === 'reminder') {
      if (state.pausedAt !== null || state.deadline === null || !isTimed(state.phase)) return;
      // A job scheduled before reminders were declared per file carries no `beforeMs`: the 24 h one.
      const beforeMs = job.beforeMs ?? DEFAULT_REMINDER_BEFORE_MS;
      // The event id is the idempotency key: one reminder reaches each channel once, even when
      // a restart or an extension schedules it again.
      await outbox.enqueue([event(this.ctx, campaign, category, `reminder.${state.phase}.${beforeMs}`, {
        kind: 'reminder', phase: state.phase, endsAt: state.deadline,
      })]);
      return;
    }
    await settle(this.ctx, campaign, category, state);
  }

  /**
   * Appends an action to the campaign's audit log with its actor and the current time. The
   * engine audits its own manager and curator commands; other parts (exports, bans…) call this
   * for theirs. Resolves once the entry is durable; rejects when the store cannot confirm.
   */
  async audit(campaignId: string, actor: Actor, record: AuditRecord): Promise<void> {
    await appendAudit(this.ctx, campaignId, actor, record);
  }

  /** The campaign's audit log, oldest first. */
  async auditLog(campaignId: string): Promise<AuditEntry[]> {
    return this.ctx.deps.store.readAudit(requireCampaign(this.ctx, campaignId).id);
  }

  /**
   * For erasing a fan: the voter key their stored ballot in `categoryId` may be rewritten to.
   * The ballot keeps counting and keeps its fan hash, so every manifest and receipt still
   * verifies, but it no longer names the fan (see `pseudonymousVoterKey`). Idempotent.
   */
  async pseudonymFor(campaignId: string, categoryId: string, voterKey: string): Promise<string> {
    return pseudonymFor(this.ctx, campaignId, categoryId, voterKey);
  }

  /**
   * The results manifest of the revealed categories: per category the counting rule, the
   * tie-break seed, the tally and the digest over the (fan hash, choice) ballots fixed at
   * reveal; with `ballots`, the canonical list itself, so that a fan finds their receipt in it.
   */
  async manifest(campaignId: string, options: { ballots?: boolean } = {}): Promise<ResultsManifest> {
    return manifest(this.ctx, campaignId, options);
  }

  /**
   * Checks a manifest against the store: recounts every listed category from the raw ballots,
   * recomputes the digest over their fan hashes, and compares both (and the rule, the seed
   * and the winners) with the manifest and with the results stored at reveal. `ok` is true
   * only when nothing differs.
   */
  async verifyManifest(manifest: ResultsManifest): Promise<VerifyReport> {
    return verifyManifest(this.ctx, manifest);
  }

  /**
   * Recomputes every category's tally from the raw ballots and compares it with the
   * incremental one (DESIGN invariant 6). `agrees` is false if any count differs.
   */
  async recount(campaignId: string): Promise<RecountReport> {
    return recount(this.ctx, campaignId);
  }

  /** The results document (DESIGN.md, "The command line"): per category, counts, shortlist and winners. */
  async report(campaignId: string): Promise<ResultsDocument> {
    return report(this.ctx, campaignId);
  }

  /**
   * Every idea with its author, likes, shortlist and, once a category is revealed, its votes
   * (see ExportDocument). Votes of an open vote are never included.
   */
  async exportDocument(campaignId: string): Promise<ExportDocument> {
    return exportDocument(this.ctx, campaignId);
  }

  /**
   * The final standings of a revealed category (every candidate, most votes first, winners
   * flagged), as the results picture draws them; null while its vote is not revealed.
   */
  async standings(campaignId: string, categoryId: string): Promise<{ ballots: number; standings: Standing[] } | null> {
    return standings(this.ctx, campaignId, categoryId);
  }

  /**
   * Counts a category: from the incremental tally for single and approval ballots (no scan),
   * from the raw ballots by instant-runoff for ranked ones.
   */
  async countCategory(campaign: CampaignSpec, category: CategorySpec, picked: readonly string[] = []): Promise<CategoryResults> {
    return (await countResults(this.ctx, campaign, category, picked)).results;
  }

  /** Everything the campaign holds about `fan`, as the JSON a fan receives. */
  async fanDocument(campaign: CampaignSpec, fan: string): Promise<FanDataDocument> {
    return fanDocument(this.ctx, campaign, fan);
  }

  /** Resolves once every seal under way (the hashing of a revealed category's ballots) has finished. */
  async idle(): Promise<void> {
    return idle(this.ctx);
  }
}
