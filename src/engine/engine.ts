/**
 * The campaign engine: one entry point, `execute(command, actor)`, where every state change
 * enters with its actor and permissions are checked once (DESIGN invariant 2). It owns the
 * rules and the phase lifecycle; it does no I/O of its own and reaches the world only through
 * its ports (store, scheduler, outbox, clock).
 */
import { Duration } from 'luxon';
import { COUNTED_REFUSALS, refuse, type Refusal } from '../model/refusals';
import { checkEligibility, isFanKey } from './eligibility';
import type { Command, CommandResult, CategoryStatus, ExportCategory, ExportDocument, ExportEntry, FanDataDocument, PhaseChange, ReceiptItem } from './commands';
import { auditActor, type AuditEntry, type AuditRecord, type AuditValue } from '../model/audit';
import {
  ballotsDigest, fanHash, hashedBallots, MANIFEST_FORMAT, MANIFEST_SCHEME, pseudonymousVoterKey, sameTally, sortHashed, tallyOf,
  type HashedBallot, type ManifestCategory, type ResultsManifest,
} from './manifest';
import { addToTally, instantRunoff, winnersFromTally, type CountedOption } from './count';
import type { CampaignEvent, ListedProposal, Standing } from '../model/events';
import {
  deadlineOnEntering, declaredEnd, isDue, isTimed, nextPhase, REMINDER_BEFORE_MS,
} from './lifecycle';
import {
  DEFAULT_REMINDERS, fanKey, type Actor, type CampaignSpec, type CategorySpec, type Phase, type Platform, type ReminderSpec,
} from '../model/campaign';
import { mayRun, rolesOf } from './permissions';
import type { Ballot, CategoryResults, CategoryState, Proposal, Winner } from '../model/records';
import { checkProposalText, cleanBounded } from './text';
import type { BanEntry, CampaignStore, Gate, RateKind, ShortlistSeed } from '../ports/campaign-store';
import type { Outbox } from '../ports/outbox';
import { phaseJobId, reminderJobId, type PhaseJob, type PhaseScheduler } from '../ports/phase-scheduler';
import type { Clock } from '../ports/clock';

export interface EngineDeps {
  readonly campaigns: readonly CampaignSpec[];
  readonly store: CampaignStore;
  readonly scheduler: PhaseScheduler;
  readonly outbox: Outbox;
  readonly clock: Clock;
  /**
   * Called with anything thrown while serving a command or a job (a store that could not
   * confirm, or a bug). The fan is answered `store.unavailable`; nothing was acknowledged.
   */
  readonly onError?: (error: unknown, context: string) => void;
  /**
   * Called once a ban, an unban or an erasure is durable (issue 7): the hook for an audit log.
   * It carries no fan data beyond the key acted upon; it may reject (the command still succeeded).
   */
  readonly onModeration?: (entry: ModerationEntry) => void | Promise<void>;
}

/** A curator's or manager's action on a fan, or a fan's own erasure (see `EngineDeps.onModeration`). */
export interface ModerationEntry {
  readonly kind: 'ban' | 'unban' | 'erase';
  readonly campaignId: string;
  /** The fan acted upon (`platform:userId`). */
  readonly fan: string;
  /** Who acted (`platform:userId`); the fan themself for /forgetme. */
  readonly by: string;
  readonly reason?: string;
  /** UTC ms. */
  readonly at: number;
}

/** How long a process trusts the ban list it read (other processes' bans apply within this delay). */
export const BAN_CACHE_MS = 5_000;

const DISPLAY_NAME_MAX = 64;
const REASON_MAX = 280;
const OPTION_ID_MAX = 32;

export class Engine {
  private readonly campaigns: ReadonlyMap<string, CampaignSpec>;
  /** Each campaign's ban list as last read, and when (see BAN_CACHE_MS). */
  private readonly banCache = new Map<string, { readonly at: number; readonly bans: ReadonlyMap<string, BanEntry> }>();
  /** Shortlists of categories whose vote is open: frozen from then on, so safe to keep. */
  private readonly frozenShortlists = new Map<string, ReadonlyMap<string, Proposal>>();
  /** Seals under way (see `sealLater`). */
  private readonly sealing = new Set<Promise<void>>();

  constructor(private readonly deps: EngineDeps) {
    this.campaigns = new Map(deps.campaigns.map((c) => [c.id, c]));
  }

  /** The campaigns this engine runs. */
  campaign(id: string): CampaignSpec | undefined {
    return this.campaigns.get(id);
  }

  /**
   * Creates missing campaign state, applies (once each) every transition whose time passed
   * while nothing ran, publishes pending results, schedules what comes next, and starts the
   * scheduler. Safe to call from several processes.
   */
  async start(): Promise<void> {
    const now = this.deps.clock.now();
    for (const campaign of this.campaigns.values()) {
      await this.deps.store.initCampaign(
        campaign.id,
        campaign.categories.map((c) => ({
          id: c.id,
          deadline: declaredEnd(c, 'pending') ?? c.revealAt,
          ...(c.options ? { options: c.options } : {}),
        })),
        now,
      );
      // Created once, at the campaign's first start, and kept in the store (never printed).
      await this.deps.store.campaignSecret(campaign.id);
      for (const category of campaign.categories) await this.settle(campaign, category);
    }
    await this.deps.scheduler.start((job) => this.onJob(job));
  }

  /**
   * Runs one command for one actor and answers a result: a success, or a typed refusal whose
   * code is also the key of its localized message. A success is returned only once the
   * change is durable in the store. Never throws.
   */
  async execute(command: Command, actor: Actor): Promise<CommandResult> {
    try {
      const campaign = this.campaigns.get(command.campaignId);
      if (!campaign) return refuse('campaign.unknown', { campaign: String(command.campaignId) });
      if (!mayRun(command.type, rolesOf(actor, campaign))) return refuse('actor.not-allowed');
      if (!AUDITED.has(command.type)) return await this.dispatch(campaign, command, actor);
      // Manager and curator actions: the state before and after goes to the audit log,
      // durably, before the actor is answered.
      const before = await this.auditSnapshot(campaign, command);
      const result = await this.dispatch(campaign, command, actor);
      if (!result.ok) return result;
      try {
        await this.appendAudits(campaign, command, actor, before, await this.auditSnapshot(campaign, command));
      } catch (error) {
        // The change itself is durable: answering `store.unavailable` would invite a retry that
        // repeats it (a second advance). The lost entry is reported to the operator instead.
        this.deps.onError?.(error, `audit of ${command.type} by ${fanKey(actor)} (applied, not logged)`);
      }
      return result;
    } catch (error) {
      this.deps.onError?.(error, command.type);
      return refuse('store.unavailable');
    }
  }

  /**
   * Handles a scheduler job: moves the category on if, and only if, the job is still current
   * (same phase, same version), so a late, repeated or superseded job changes nothing. Rejects
   * when the store cannot confirm, so that the scheduler reports it (and may retry).
   */
  async onJob(job: PhaseJob): Promise<void> {
    const campaign = this.campaigns.get(job.campaignId);
    const category = campaign && findCategory(campaign, job.categoryId);
    if (!campaign || !category) return;
    const state = await this.deps.store.getState(campaign.id, category.id);
    if (job.kind === 'retention.purge') {
      if (state?.phase === 'reveal') await this.deps.store.purgeCategory(campaign.id, category.id);
      return;
    }
    if (!state || state.phase !== job.from || state.version !== job.version) return;
    if (job.kind === 'reminder') {
      if (state.pausedAt !== null || state.deadline === null || !isTimed(state.phase)) return;
      // A job scheduled before reminders were declared per file carries no `beforeMs`: the 24 h one.
      const beforeMs = job.beforeMs ?? REMINDER_BEFORE_MS;
      // The event id is the idempotency key: one reminder reaches each channel once, even when
      // a restart or an extension schedules it again.
      await this.deps.outbox.enqueue([this.event(campaign, category, `reminder.${state.phase}.${beforeMs}`, {
        kind: 'reminder', phase: state.phase, endsAt: state.deadline,
      })]);
      return;
    }
    await this.settle(campaign, category);
  }

  // ---------------------------------------------------------------- commands

  private async dispatch(campaign: CampaignSpec, cmd: Command, actor: Actor): Promise<CommandResult> {
    switch (cmd.type) {
      case 'propose': return this.propose(campaign, cmd.categoryId, cmd.text, actor);
      case 'edit': return this.edit(campaign, cmd.proposalId, cmd.text, actor);
      case 'withdraw': return this.withdraw(campaign, cmd.proposalId, actor);
      case 'like': return this.like(campaign, cmd.proposalId, actor);
      case 'unlike': return this.unlike(campaign, cmd.proposalId, actor);
      case 'reject': return this.reject(campaign, cmd.proposalId, cmd.reason);
      case 'shortlist.add': return this.shortlistChange(campaign, cmd.proposalId, 'add');
      case 'shortlist.remove': return this.shortlistChange(campaign, cmd.proposalId, 'remove');
      case 'shortlist.list': return this.shortlistList(campaign, cmd.categoryId);
      case 'vote': return this.vote(campaign, cmd.categoryId, cmd.choice, actor);
      case 'advance': return this.advance(campaign, cmd.categoryId, cmd.from);
      case 'pause': return this.pause(campaign, cmd.categoryId);
      case 'resume': return this.resume(campaign, cmd.categoryId);
      case 'extend': return this.extend(campaign, cmd.categoryId, cmd.by);
      case 'break-tie': return this.breakTie(campaign, cmd.categoryId, cmd.proposalId);
      case 'status': return this.status(campaign, actor);
      case 'proposals': return this.proposals(campaign, cmd.categoryId, cmd.mine === true, actor);
      case 'results': return this.results(campaign, cmd.categoryId);
      case 'export': return { ok: true, type: 'export', export: await this.exportDocument(campaign.id) };
      case 'ban': return this.ban(campaign, cmd.fan, cmd.reason, actor);
      case 'unban': return this.unban(campaign, cmd.fan, actor);
      case 'bans': return { ok: true, type: 'bans', bans: await this.deps.store.listBans(campaign.id) };
      case 'mydata': return this.fanExport(campaign, fanKey(actor), 'mydata', actor);
      case 'fan.export': return this.fanExport(campaign, cmd.fan, 'fan.export', actor);
      case 'forgetme': return this.erase(campaign, fanKey(actor), 'forgetme', actor);
      case 'fan.erase': return this.erase(campaign, cmd.fan, 'fan.erase', actor);
      case 'receipt': return this.receipt(campaign, cmd.categoryId, actor);
    }
  }

  private async propose(campaign: CampaignSpec, categoryId: string, input: string, actor: Actor): Promise<CommandResult> {
    const category = findCategory(campaign, categoryId);
    if (!category) return refuse('category.unknown', { category: categoryId });
    if (category.options) return refuse('category.fixed-options');
    const platform = fanPlatform(actor);
    if (!platform) return refuse('actor.not-allowed');
    const text = checkProposalText(input, category.proposals);
    if (!text.ok) return refuse(text.code, text.params);
    const refused = await this.admit(campaign, actor, 'propose', 'proposals');
    if (refused) return refused;
    const { perFan, maxTotal } = category.proposals;
    const result = await this.deps.store.addProposal(this.gate('propose'), campaign.id, {
      categoryId: category.id,
      text: text.text,
      normalized: text.normalized,
      authorKey: fanKey(actor),
      authorName: cleanBounded(actor.displayName, DISPLAY_NAME_MAX) || actor.userId,
      platform,
      createdAt: this.deps.clock.now(),
    }, perFan, maxTotal);
    if (!result.ok && result.code === 'proposal.category-full') return this.counted(campaign, refuse(result.code, { max: maxTotal ?? 0 }));
    if (!result.ok) return refuse(result.code, { max: perFan });
    return { ok: true, type: 'propose', proposal: result.proposal };
  }

  private async edit(campaign: CampaignSpec, proposalId: string, input: string, actor: Actor): Promise<CommandResult> {
    const found = await this.findProposal(campaign, proposalId);
    if ('code' in found) return found;
    const text = checkProposalText(input, found.category.proposals);
    if (!text.ok) return refuse(text.code, text.params);
    const refused = await this.admit(campaign, actor, 'propose');
    if (refused) return refused;
    const result = await this.deps.store.editProposal(this.gate('propose'), campaign.id, proposalId, fanKey(actor), text.text, text.normalized);
    if (!result.ok) return refuse(result.code);
    return { ok: true, type: 'edit', proposal: result.proposal };
  }

  private async withdraw(campaign: CampaignSpec, proposalId: string, actor: Actor): Promise<CommandResult> {
    const found = await this.findProposal(campaign, proposalId);
    if ('code' in found) return found;
    const result = await this.deps.store.withdrawProposal(this.gate('propose'), campaign.id, proposalId, fanKey(actor));
    return result.ok ? { ok: true, type: 'withdraw', proposalId } : refuse(result.code);
  }

  private async like(campaign: CampaignSpec, proposalId: string, actor: Actor): Promise<CommandResult> {
    const found = await this.findProposal(campaign, proposalId);
    if ('code' in found) return found;
    const { proposal, category } = found;
    if (!fanPlatform(actor)) return refuse('actor.not-allowed');
    if (proposal.authorKey === fanKey(actor)) return refuse('like.own');
    const refused = await this.admit(campaign, actor, 'propose', 'likes');
    if (refused) return refused;
    const threshold = category.shortlist.by === 'threshold' ? category.shortlist.likes : undefined;
    const result = await this.deps.store.like(this.gate('propose'), campaign.id, proposalId, fanKey(actor), threshold);
    if (!result.ok) return refuse(result.code);
    if (result.reachedThreshold) {
      await this.deps.outbox.enqueue([this.event(campaign, category, `review.${proposalId}`, {
        kind: 'proposal.review', proposal: listed(proposal), likes: result.likes,
      })]);
    }
    return { ok: true, type: 'like', proposalId, likes: result.likes };
  }

  private async unlike(campaign: CampaignSpec, proposalId: string, actor: Actor): Promise<CommandResult> {
    const found = await this.findProposal(campaign, proposalId);
    if ('code' in found) return found;
    const refused = await this.limit(campaign, actor, 'likes');
    if (refused) return refused;
    const result = await this.deps.store.unlike(this.gate('propose'), campaign.id, proposalId, fanKey(actor));
    return result.ok ? { ok: true, type: 'unlike', proposalId, likes: result.likes } : refuse(result.code);
  }

  private async reject(campaign: CampaignSpec, proposalId: string, reason: string): Promise<CommandResult> {
    const found = await this.findProposal(campaign, proposalId);
    if ('code' in found) return found;
    if (found.category.options) return refuse('category.fixed-options');
    const state = await this.deps.store.getState(campaign.id, found.category.id);
    if (!state || (state.phase !== 'propose' && state.phase !== 'shortlist')) return refuse('phase.closed');
    const result = await this.deps.store.reject(this.gate(state.phase), campaign.id, proposalId, cleanBounded(reason, REASON_MAX));
    return result.ok ? { ok: true, type: 'reject', proposalId } : refuse(result.code);
  }

  private async shortlistChange(campaign: CampaignSpec, proposalId: string, change: 'add' | 'remove'): Promise<CommandResult> {
    const found = await this.findProposal(campaign, proposalId);
    if ('code' in found) return found;
    const { category } = found;
    if (category.options) return refuse('category.fixed-options');
    const gate = this.gate('shortlist');
    const size = category.shortlist.size ?? Number.MAX_SAFE_INTEGER;
    const result = change === 'add'
      ? await this.deps.store.shortlistAdd(gate, campaign.id, proposalId, size)
      : await this.deps.store.shortlistRemove(gate, campaign.id, proposalId);
    if (!result.ok) return refuse(result.code, { max: size });
    return { ok: true, type: change === 'add' ? 'shortlist.add' : 'shortlist.remove', proposalId };
  }

  private async shortlistList(campaign: CampaignSpec, categoryId: string): Promise<CommandResult> {
    const category = findCategory(campaign, categoryId);
    if (!category) return refuse('category.unknown', { category: categoryId });
    return { ok: true, type: 'shortlist.list', proposals: await this.deps.store.getShortlist(campaign.id, category.id) };
  }

  private async vote(campaign: CampaignSpec, categoryId: string, choice: readonly string[], actor: Actor): Promise<CommandResult> {
    const category = findCategory(campaign, categoryId);
    if (!category) return refuse('category.unknown', { category: categoryId });
    if (!fanPlatform(actor)) return refuse('actor.not-allowed');
    const invalid = checkChoice(category, choice);
    if (invalid) return invalid;
    const refused = await this.admit(campaign, actor, 'vote');
    if (refused) return refused;
    const key = `${campaign.id}/${category.id}`;
    const frozen = this.frozenShortlists.get(key);
    if (frozen && choice.some((id) => !frozen.has(id))) return refuse('vote.not-shortlisted');
    const rule = category.vote;
    const result = await this.deps.store.castBallot(this.gate('vote'), campaign.id, category.id,
      { voterKey: fanKey(actor), choice: [...choice] }, { allowChange: rule.allowChange, tallied: rule.method !== 'ranked' });
    if (!result.ok) return refuse(result.code);
    // The ballot was accepted, so the vote is open and the shortlist can no longer change.
    const options = frozen ?? await this.freezeShortlist(key, campaign.id, category.id);
    return {
      ok: true, type: 'vote', categoryId: category.id, choice: [...choice], changed: result.changed,
      labels: choice.map((id) => options.get(id)?.text ?? id),
    };
  }

  private async freezeShortlist(key: string, campaignId: string, categoryId: string): Promise<ReadonlyMap<string, Proposal>> {
    const options = new Map((await this.deps.store.getShortlist(campaignId, categoryId)).map((p) => [p.id, p]));
    this.frozenShortlists.set(key, options);
    return options;
  }

  private async advance(campaign: CampaignSpec, categoryId: string | undefined, from: Phase | undefined): Promise<CommandResult> {
    const categories = selectCategories(campaign, categoryId);
    if (!categories) return refuse('category.unknown', { category: String(categoryId) });
    const changes: PhaseChange[] = [];
    let sawFinal = false;
    let sawPaused = false;
    for (const category of categories) {
      const state = await this.deps.store.getState(campaign.id, category.id);
      if (!state) continue;
      if (state.phase === 'reveal') { sawFinal = true; continue; }
      if (from !== undefined && state.phase !== from) continue;
      // A paused category is resumed first: its timing would otherwise be ambiguous.
      if (state.pausedAt !== null) { sawPaused = true; continue; }
      const to = nextPhase(category, state.phase);
      if (to && await this.move(campaign, category, state)) changes.push({ categoryId: category.id, from: state.phase, to });
    }
    if (changes.length === 0) {
      return refuse(sawPaused ? 'phase.paused' : sawFinal && categories.length === 1 ? 'phase.final' : 'phase.stale');
    }
    return { ok: true, type: 'advance', changes };
  }

  private async pause(campaign: CampaignSpec, categoryId: string | undefined): Promise<CommandResult> {
    return this.retimeEach(campaign, categoryId, 'pause', (state, now) => {
      if (state.pausedAt !== null) return refuse('phase.paused');
      return {
        expect: 'running', deadline: state.deadline, shift: state.shift, pausedAt: now,
        event: { kind: 'phase.paused', phase: state.phase },
      };
    });
  }

  private async resume(campaign: CampaignSpec, categoryId: string | undefined): Promise<CommandResult> {
    return this.retimeEach(campaign, categoryId, 'resume', (state, now) => {
      if (state.pausedAt === null) return refuse('phase.not-paused');
      const paused = Math.max(0, now - state.pausedAt);
      const deadline = state.deadline === null ? null : state.deadline + paused;
      return {
        expect: 'paused', deadline, shift: state.shift + paused, pausedAt: null,
        event: { kind: 'phase.resumed', phase: state.phase, endsAt: deadline ?? now },
      };
    });
  }

  private async extend(campaign: CampaignSpec, categoryId: string | undefined, by: string): Promise<CommandResult> {
    const ms = parseDurationMs(by);
    if (ms === null) return refuse('duration.invalid', { duration: by.slice(0, 40) });
    return this.retimeEach(campaign, categoryId, 'extend', (state) => {
      const deadline = state.deadline === null ? null : state.deadline + ms;
      return {
        expect: state.pausedAt === null ? 'running' : 'paused', deadline, shift: state.shift + ms, pausedAt: state.pausedAt,
        event: { kind: 'phase.extended', phase: state.phase, endsAt: deadline ?? 0 },
      };
    });
  }

  /** Pause, resume and extend: a compare-and-set on each selected category still running its course. */
  private async retimeEach(
    campaign: CampaignSpec,
    categoryId: string | undefined,
    type: 'pause' | 'resume' | 'extend',
    plan: (state: CategoryState, now: number) => Refusal | {
      expect: 'running' | 'paused'; deadline: number | null; shift: number; pausedAt: number | null;
      event: DistributiveOmit<CampaignEvent, 'id' | 'campaignId' | 'categoryId' | 'at'>;
    },
  ): Promise<CommandResult> {
    const categories = selectCategories(campaign, categoryId);
    if (!categories) return refuse('category.unknown', { category: String(categoryId) });
    const done: string[] = [];
    let refusal: Refusal = refuse('phase.final');
    for (const category of categories) {
      const state = await this.deps.store.getState(campaign.id, category.id);
      if (!state || state.phase === 'reveal') continue;
      const change = plan(state, this.deps.clock.now());
      if ('code' in change) { refusal = change; continue; }
      const applied = await this.deps.store.retime({
        campaignId: campaign.id, categoryId: category.id, phase: state.phase, expect: change.expect,
        deadline: change.deadline, shift: change.shift, pausedAt: change.pausedAt,
        events: [this.event(campaign, category, `${type}.v${state.version}`, change.event)],
      });
      if (!applied) { refusal = refuse('phase.stale'); continue; }
      done.push(category.id);
      const after = await this.deps.store.getState(campaign.id, category.id);
      if (after) await this.scheduleFor(campaign, category, after);
    }
    return done.length > 0 ? { ok: true, type, categories: done } : refusal;
  }

  private async breakTie(campaign: CampaignSpec, categoryId: string, proposalId: string): Promise<CommandResult> {
    const category = findCategory(campaign, categoryId);
    if (!category) return refuse('category.unknown', { category: categoryId });
    const current = await this.deps.store.getResults(campaign.id, category.id);
    if (!current?.tiedPending?.length) return refuse('reveal.no-tie');
    if (!current.tiedPending.includes(proposalId)) return refuse('reveal.not-tied');
    const picked = [...current.winners.map((w) => w.id), proposalId];
    const { results, options } = await this.count(campaign, category, picked);
    await this.deps.store.saveResults(campaign.id, results, [this.resultsEvent(campaign, category, results, options, picked.length)], true);
    return { ok: true, type: 'break-tie', results };
  }

  private async status(campaign: CampaignSpec, actor: Actor): Promise<CommandResult> {
    const states = new Map((await this.deps.store.getStates(campaign.id)).map((s) => [s.categoryId, s]));
    const categories: CategoryStatus[] = [];
    for (const category of campaign.categories) {
      const state = states.get(category.id);
      if (!state) continue;
      const proposals = category.options ? 0 : (await this.deps.store.listProposals(campaign.id, category.id))
        .filter((p) => p.status === 'active' || p.status === 'review').length;
      const ballots = countsShown(category, state.phase) ? (await this.deps.store.getTally(campaign.id, category.id)).ballots : null;
      categories.push({
        id: category.id, title: category.title, phase: state.phase, paused: state.pausedAt !== null,
        endsAt: state.pausedAt === null ? state.deadline : null, proposals, ballots,
      });
    }
    const roles = rolesOf(actor, campaign);
    const refusals = roles.includes('manager') ? { refusals: await this.deps.store.getRefusalCounts(campaign.id) } : {};
    return { ok: true, type: 'status', title: campaign.title, roles, categories, ...refusals };
  }

  private async proposals(campaign: CampaignSpec, categoryId: string | undefined, mine: boolean, actor: Actor): Promise<CommandResult> {
    const categories = selectCategories(campaign, categoryId);
    if (!categories) return refuse('category.unknown', { category: String(categoryId) });
    const curator = rolesOf(actor, campaign).includes('curator');
    const filter = mine ? { authorKey: fanKey(actor) } : {};
    const out: Proposal[] = [];
    for (const category of categories) {
      if (category.options) continue;
      for (const p of await this.deps.store.listProposals(campaign.id, category.id, filter)) {
        if (mine || curator || p.status === 'active' || p.status === 'review') out.push(p);
      }
    }
    return { ok: true, type: 'proposals', proposals: out };
  }

  private async results(campaign: CampaignSpec, categoryId: string | undefined): Promise<CommandResult> {
    const categories = selectCategories(campaign, categoryId);
    if (!categories) return refuse('category.unknown', { category: String(categoryId) });
    const results: CategoryResults[] = [];
    for (const category of categories) {
      const r = await this.deps.store.getResults(campaign.id, category.id);
      if (r) results.push(r);
    }
    return { ok: true, type: 'results', results };
  }

  private async receipt(campaign: CampaignSpec, categoryId: string | undefined, actor: Actor): Promise<CommandResult> {
    const categories = selectCategories(campaign, categoryId);
    if (!categories) return refuse('category.unknown', { category: String(categoryId) });
    if (!fanPlatform(actor)) return refuse('actor.not-allowed');
    const secret = await this.deps.store.campaignSecret(campaign.id);
    const receipts: ReceiptItem[] = [];
    for (const category of categories) {
      const ballot = await this.deps.store.getBallot(campaign.id, category.id, fanKey(actor));
      if (!ballot) continue;
      const options = new Map((await this.deps.store.getShortlist(campaign.id, category.id)).map((p) => [p.id, p.text]));
      const results = await this.deps.store.getResults(campaign.id, category.id);
      receipts.push({
        categoryId: category.id, fanHash: fanHash(secret, category.id, ballot.voterKey), choice: ballot.choice,
        labels: ballot.choice.map((id) => options.get(id) ?? id),
        ...(results?.ballotsDigest ? { ballotsDigest: results.ballotsDigest } : {}),
      });
    }
    return receipts.length > 0 ? { ok: true, type: 'receipt', receipts } : refuse('receipt.none');
  }

  // ---------------------------------------------------------------- audit

  /**
   * Appends an action to the campaign's audit log with its actor and the current time. The
   * engine audits its own manager and curator commands; other parts (exports, bans…) call this
   * for theirs. Resolves once the entry is durable; rejects when the store cannot confirm.
   */
  async audit(campaignId: string, actor: Actor, record: AuditRecord): Promise<void> {
    const entry: AuditEntry = { ...record, at: this.deps.clock.now(), actor: auditActor(actor) };
    await this.deps.store.appendAudit(this.requireCampaign(campaignId).id, entry);
  }

  /** The campaign's audit log, oldest first. */
  async auditLog(campaignId: string): Promise<AuditEntry[]> {
    return this.deps.store.readAudit(this.requireCampaign(campaignId).id);
  }

  /** What an audited command may change, keyed by category id or proposal id. */
  private async auditSnapshot(campaign: CampaignSpec, cmd: Command): Promise<Map<string, { categoryId?: string; target?: string; value: AuditValue }>> {
    const out = new Map<string, { categoryId?: string; target?: string; value: AuditValue }>();
    const { store } = this.deps;
    switch (cmd.type) {
      case 'advance': case 'pause': case 'resume': case 'extend': {
        for (const category of selectCategories(campaign, cmd.categoryId) ?? []) {
          const state = await store.getState(campaign.id, category.id);
          if (!state) continue;
          out.set(category.id, {
            categoryId: category.id,
            value: { phase: state.phase, paused: state.pausedAt !== null, deadline: state.deadline === null ? null : new Date(state.deadline).toISOString() },
          });
        }
        return out;
      }
      case 'shortlist.add': case 'shortlist.remove': case 'reject': {
        if (typeof cmd.proposalId !== 'string' || cmd.proposalId.length > OPTION_ID_MAX) return out;
        const p = await store.getProposal(campaign.id, cmd.proposalId);
        if (!p) return out;
        const shortlisted = (await store.getShortlist(campaign.id, p.categoryId)).some((s) => s.id === p.id);
        out.set(p.id, {
          categoryId: p.categoryId, target: p.id,
          value: { status: p.status, shortlisted, ...(p.rejectReason === undefined ? {} : { reason: p.rejectReason }) },
        });
        return out;
      }
      case 'break-tie': {
        const r = findCategory(campaign, cmd.categoryId) && await store.getResults(campaign.id, cmd.categoryId);
        if (r) out.set(cmd.categoryId, { categoryId: cmd.categoryId, target: cmd.proposalId, value: { winners: r.winners.map((w) => w.id), tied: [...(r.tiedPending ?? [])] } });
        return out;
      }
      case 'ban': case 'unban': {
        const banned = (await store.listBans(campaign.id)).some((b) => b.fanKey === cmd.fan);
        out.set(cmd.fan, { target: cmd.fan.slice(0, 80), value: { banned } });
        return out;
      }
      default:
        return out;
    }
  }

  private async appendAudits(
    campaign: CampaignSpec, cmd: Command, actor: Actor,
    before: Map<string, { categoryId?: string; target?: string; value: AuditValue }>,
    after: Map<string, { categoryId?: string; target?: string; value: AuditValue }>,
  ): Promise<void> {
    const extra: AuditValue = cmd.type === 'extend' ? { by: cmd.by.slice(0, 40) }
      : cmd.type === 'reject' || cmd.type === 'ban' ? { reason: cleanBounded(cmd.reason, REASON_MAX) } : null;
    let appended = 0;
    for (const [key, now] of after) {
      const was = before.get(key);
      if (was && JSON.stringify(was.value) === JSON.stringify(now.value)) continue;
      await this.audit(campaign.id, actor, {
        action: cmd.type,
        ...(now.categoryId === undefined ? {} : { categoryId: now.categoryId }),
        ...(now.target === undefined ? {} : { target: now.target }),
        before: was?.value ?? null, after: extra === null ? now.value : { ...(now.value as Record<string, AuditValue>), ...extra },
      });
      appended++;
    }
    // An export names whose data left; an erasure names nobody (the log must not keep the erased fan).
    const target = cmd.type === 'fan.export' ? { target: cmd.fan.slice(0, 80) } : {};
    if (appended === 0) await this.audit(campaign.id, actor, { action: cmd.type, ...target, ...('categoryId' in cmd && cmd.categoryId !== undefined ? { categoryId: cmd.categoryId } : {}) });
  }

  // ---------------------------------------------------------------- verifiable results

  /**
   * For erasing a fan: the voter key their stored ballot in `categoryId` may be rewritten to.
   * The ballot keeps counting and keeps its fan hash, so every manifest and receipt still
   * verifies, but it no longer names the fan (see `pseudonymousVoterKey`). Idempotent.
   */
  async pseudonymFor(campaignId: string, categoryId: string, voterKey: string): Promise<string> {
    const campaign = this.requireCampaign(campaignId);
    return pseudonymousVoterKey(await this.deps.store.campaignSecret(campaign.id), categoryId, voterKey);
  }

  /**
   * The results manifest of the revealed categories: per category the counting rule, the
   * tie-break seed, the tally and the digest over the (fan hash, choice) ballots fixed at
   * reveal; with `ballots`, the canonical list itself, so that a fan finds their receipt in it.
   */
  async manifest(campaignId: string, options: { ballots?: boolean } = {}): Promise<ResultsManifest> {
    const campaign = this.requireCampaign(campaignId);
    const secret = await this.deps.store.campaignSecret(campaign.id);
    const categories: ManifestCategory[] = [];
    for (const category of campaign.categories) {
      const results = await this.deps.store.getResults(campaign.id, category.id);
      if (!results) continue;
      const list = options.ballots || !results.ballotsDigest ? hashedBallots(secret, category.id, await this.rawBallots(campaign.id, category.id)) : null;
      categories.push({
        id: category.id,
        rule: { vote: category.vote, reveal: category.reveal },
        seed: results.seed ?? seedOf(campaign, category),
        ballots: results.ballots,
        tally: results.tally,
        ...(results.rounds ? { rounds: results.rounds } : {}),
        winners: results.winners.map((w) => ({ id: w.id, votes: w.votes })),
        ballotsDigest: results.ballotsDigest ?? ballotsDigest(list!),
        ...(options.ballots && list ? { ballotList: list } : {}),
      });
    }
    return { format: MANIFEST_FORMAT, campaign: campaign.id, scheme: MANIFEST_SCHEME, categories };
  }

  /**
   * Checks a manifest against the store: recounts every listed category from the raw ballots,
   * recomputes the digest over their fan hashes, and compares both (and the rule, the seed
   * and the winners) with the manifest and with the results stored at reveal. `ok` is true
   * only when nothing differs.
   */
  async verifyManifest(manifest: ResultsManifest): Promise<VerifyReport> {
    const campaign = this.requireCampaign(manifest.campaign);
    const secret = await this.deps.store.campaignSecret(campaign.id);
    const categories: VerifyReport['categories'][number][] = [];
    for (const m of manifest.categories) {
      const problems: string[] = [];
      const category = findCategory(campaign, m.id);
      if (!category) {
        categories.push({ id: m.id, ballots: 0, problems: ['no such category in the campaign'] });
        continue;
      }
      const raw = await this.rawBallots(campaign.id, category.id);
      const digest = ballotsDigest(hashedBallots(secret, category.id, raw));
      if (digest !== m.ballotsDigest) problems.push(`ballots digest differs: manifest ${m.ballotsDigest}, store ${digest}`);
      if (m.ballotList) {
        const listed = ballotsDigest(m.ballotList);
        if (listed !== m.ballotsDigest) problems.push(`the manifest's ballot list does not hash to its digest (${listed})`);
        if (m.ballotList.length !== m.ballots) problems.push(`the manifest lists ${m.ballotList.length} ballots but counts ${m.ballots}`);
      }
      if (raw.length !== m.ballots) problems.push(`ballots differ: manifest ${m.ballots}, store ${raw.length}`);
      if (canonicalJson(m.rule) !== canonicalJson({ vote: category.vote, reveal: category.reveal })) problems.push('the counting rule differs from the campaign file');
      const seed = seedOf(campaign, category);
      if (m.seed !== seed) problems.push(`tie-break seed differs: manifest "${m.seed}", campaign "${seed}"`);
      // Recount from the raw ballots, with the declared rule.
      const shortlist = await this.deps.store.getShortlist(campaign.id, category.id);
      const options: CountedOption[] = shortlist.map((p) => ({ id: p.id, seq: p.seq }));
      let recounted: Record<string, number>;
      let winners: readonly { id: string; votes: number }[] | null;
      if (category.vote.method === 'ranked') {
        const runoff = instantRunoff(options, raw, category.reveal, seed);
        recounted = runoff.tally;
        winners = runoff.winners;
      } else {
        recounted = tallyOf(raw);
        const incremental = await this.deps.store.getTally(campaign.id, category.id);
        if (!sameTally(incremental.tally, recounted) || incremental.ballots !== raw.length) problems.push('the incremental tally differs from the recount');
        // Curators break ties by hand: their pick is checked against the stored results only.
        winners = category.reveal.tieBreak === 'curators' ? null : winnersFromTally(options, recounted, category.reveal, seed).winners;
      }
      if (!sameTally(recounted, m.tally)) problems.push(`tally differs: manifest ${JSON.stringify(m.tally)}, recount ${JSON.stringify(recounted)}`);
      if (winners && JSON.stringify(winners.map((w) => [w.id, w.votes])) !== JSON.stringify(m.winners.map((w) => [w.id, w.votes]))) {
        problems.push(`winners differ: manifest ${JSON.stringify(m.winners)}, recount ${JSON.stringify(winners)}`);
      }
      const stored = await this.deps.store.getResults(campaign.id, category.id);
      if (!stored) problems.push('the category has no results in the store (not revealed)');
      else {
        if (stored.ballotsDigest !== undefined && stored.ballotsDigest !== m.ballotsDigest) problems.push('the digest differs from the one fixed at reveal');
        if (!sameTally(stored.tally, m.tally)) problems.push('the tally differs from the results stored at reveal');
        if (JSON.stringify(stored.winners.map((w) => [w.id, w.votes])) !== JSON.stringify(m.winners.map((w) => [w.id, w.votes]))) problems.push('the winners differ from the results stored at reveal');
      }
      categories.push({ id: m.id, ballots: raw.length, problems });
    }
    // A manifest may not leave out a revealed category.
    const listed = new Set(manifest.categories.map((c) => c.id));
    for (const category of campaign.categories) {
      if (listed.has(category.id) || !(await this.deps.store.getResults(campaign.id, category.id))) continue;
      categories.push({ id: category.id, ballots: (await this.deps.store.getTally(campaign.id, category.id)).ballots, problems: ['revealed in the store but missing from the manifest'] });
    }
    return { campaign: campaign.id, ok: categories.every((c) => c.problems.length === 0), categories };
  }

  private async rawBallots(campaignId: string, categoryId: string): Promise<Ballot[]> {
    const all: Ballot[] = [];
    for await (const batch of this.deps.store.scanBallots(campaignId, categoryId)) all.push(...batch);
    return all;
  }

  // ---------------------------------------------------------------- reports

  /**
   * Recomputes every category's tally from the raw ballots and compares it with the
   * incremental one (DESIGN invariant 6). `agrees` is false if any count differs.
   */
  async recount(campaignId: string): Promise<RecountReport> {
    const campaign = this.requireCampaign(campaignId);
    const categories: RecountReport['categories'][number][] = [];
    for (const category of campaign.categories) {
      const stored = await this.deps.store.getTally(campaign.id, category.id);
      const recounted: Record<string, number> = {};
      let ballots = 0;
      for await (const batch of this.deps.store.scanBallots(campaign.id, category.id)) {
        for (const ballot of batch) {
          ballots++;
          if (category.vote.method !== 'ranked') addToTally(recounted, ballot.choice, 1);
        }
      }
      const differences = [...new Set([...Object.keys(stored.tally), ...Object.keys(recounted)])]
        .filter((id) => (stored.tally[id] ?? 0) !== (recounted[id] ?? 0))
        .map((id) => ({ option: id, stored: stored.tally[id] ?? 0, recounted: recounted[id] ?? 0 }));
      if (stored.ballots !== ballots) differences.unshift({ option: '(ballots)', stored: stored.ballots, recounted: ballots });
      categories.push({ id: category.id, ballots, differences });
    }
    return { campaign: campaign.id, agrees: categories.every((c) => c.differences.length === 0), categories };
  }

  /** The results document (DESIGN.md, "The command line"): per category, counts, shortlist and winners. */
  async report(campaignId: string): Promise<ResultsDocument> {
    const campaign = this.requireCampaign(campaignId);
    const categories: ResultsDocument['categories'][number][] = [];
    for (const category of campaign.categories) {
      const proposals = category.options ? 0 : (await this.deps.store.listProposals(campaign.id, category.id))
        .filter((p) => p.status !== 'withdrawn').length;
      const shortlist = (await this.deps.store.getShortlist(campaign.id, category.id)).map(listed);
      const results = await this.deps.store.getResults(campaign.id, category.id);
      const state = results ? null : await this.deps.store.getState(campaign.id, category.id);
      const ballots = results?.ballots
        ?? (state && countsShown(category, state.phase) ? (await this.deps.store.getTally(campaign.id, category.id)).ballots : null);
      categories.push({ id: category.id, proposals, ballots, shortlist, winners: (results?.winners ?? []).map(withoutAuthorKey) });
    }
    return { campaign: campaign.id, categories };
  }

  /**
   * Every idea with its author, likes, shortlist and, once a category is revealed, its votes
   * (see ExportDocument). Votes of an open vote are never included.
   */
  async exportDocument(campaignId: string): Promise<ExportDocument> {
    const campaign = this.requireCampaign(campaignId);
    const { store } = this.deps;
    const categories: ExportCategory[] = [];
    for (const category of campaign.categories) {
      const state = await store.getState(campaign.id, category.id);
      const shortlist = await store.getShortlist(campaign.id, category.id);
      const listedIds = new Set(shortlist.map((p) => p.id));
      const results = await store.getResults(campaign.id, category.id);
      const all = category.options ? shortlist : await store.listProposals(campaign.id, category.id);
      const rank = new Map(results?.winners.map((w, i) => [w.id, i + 1]) ?? []);
      const entries = [...all].sort((a, b) => a.seq - b.seq).map((p): ExportEntry => ({
        id: p.id, text: p.text,
        ...(p.authorName ? { author: p.authorName } : {}),
        ...(p.platform ? { platform: p.platform } : {}),
        status: p.status, likes: p.likes,
        ...(category.options ? {} : { createdAt: p.createdAt }),
        shortlisted: listedIds.has(p.id),
        votes: results ? (results.tally[p.id] ?? 0) : null,
        winnerRank: rank.get(p.id) ?? null,
      }));
      categories.push({ id: category.id, title: category.title, phase: state?.phase ?? 'pending', ballots: results?.ballots ?? null, entries });
    }
    return { campaign: campaign.id, title: campaign.title, exportedAt: this.deps.clock.now(), categories };
  }

  /**
   * The final standings of a revealed category (every candidate, most votes first, winners
   * flagged), as the results picture draws them; null while its vote is not revealed.
   */
  async standings(campaignId: string, categoryId: string): Promise<{ ballots: number; standings: Standing[] } | null> {
    const campaign = this.requireCampaign(campaignId);
    const category = findCategory(campaign, categoryId);
    const results = category && await this.deps.store.getResults(campaign.id, category.id);
    if (!category || !results || results.tiedPending?.length) return null;
    const options = new Map((await this.deps.store.getShortlist(campaign.id, category.id)).map((p) => [p.id, p]));
    return { ballots: results.ballots, standings: standingsOf(results, options) };
  }

  private requireCampaign(id: string): CampaignSpec {
    const campaign = this.campaigns.get(id);
    if (!campaign) throw new Error(`unknown campaign ${id}`);
    return campaign;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Applies every transition now due for the category (once each), then schedules the next. */
  private async settle(campaign: CampaignSpec, category: CategorySpec): Promise<void> {
    // Each pass either moves the category one phase on or stops; a category has at most five phases.
    for (let pass = 0; pass < 8; pass++) {
      const state = await this.deps.store.getState(campaign.id, category.id);
      if (!state) return;
      if (!isDue(state, this.deps.clock.now())) {
        await this.scheduleFor(campaign, category, state);
        if (state.phase === 'reveal') await this.ensureResults(campaign, category);
        return;
      }
      await this.move(campaign, category, state);
    }
  }

  /**
   * One compare-and-set from the state read to the next phase, with its announcement in the
   * same atomic step (DESIGN invariant 3). False when another process or command moved first.
   */
  private async move(campaign: CampaignSpec, category: CategorySpec, state: CategoryState): Promise<boolean> {
    const to = nextPhase(category, state.phase);
    if (!to) return false;
    const now = this.deps.clock.now();
    const deadline = deadlineOnEntering(category, to, state.shift);
    const seedShortlist = seedFor(category, state.phase, to);
    const applied = await this.deps.store.transition({
      campaignId: campaign.id, categoryId: category.id, from: state.phase, expectVersion: state.version, to, deadline,
      ...(seedShortlist ? { seedShortlist } : {}),
      events: this.eventsOnEntering(campaign, category, to, deadline, now),
    });
    if (!applied) return false;
    const entered: CategoryState = { ...state, phase: to, deadline, version: state.version + 1 };
    await this.scheduleFor(campaign, category, entered);
    if (to === 'reveal') await this.ensureResults(campaign, category);
    return true;
  }

  private eventsOnEntering(campaign: CampaignSpec, category: CategorySpec, to: Phase, deadline: number | null, now: number): CampaignEvent[] {
    // A phase that is already over (catching up after downtime) is not announced.
    if (deadline === null || deadline <= now) return [];
    if (to === 'vote') {
      return [this.event(campaign, category, 'opened.vote', { kind: 'shortlist.published', items: [], endsAt: deadline })];
    }
    if (to === 'propose' || to === 'shortlist') {
      return [this.event(campaign, category, `opened.${to}`, { kind: 'phase.opened', phase: to, endsAt: deadline })];
    }
    return [];
  }

  private async scheduleFor(campaign: CampaignSpec, category: CategorySpec, state: CategoryState): Promise<void> {
    const { scheduler } = this.deps;
    const dueId = phaseJobId(campaign.id, category.id, 'phase.due', state.phase);
    if (state.phase === 'reveal' || state.deadline === null || state.pausedAt !== null) {
      await scheduler.cancel(dueId);
      return;
    }
    const base = { campaignId: campaign.id, categoryId: category.id, from: state.phase, version: state.version };
    await scheduler.schedule({ ...base, id: dueId, kind: 'phase.due', at: state.deadline });
    await this.scheduleReminders(campaign, category, state, base);
  }

  /**
   * Schedules the reminders the campaign declares for the category's current phase. A reminder
   * due while nothing ran is sent late, once (it states the real closing time); when several
   * were missed, only the one closest to the deadline is sent. A reminder that falls before the
   * phase opened (a phase shorter than the reminder's lead) is skipped.
   */
  private async scheduleReminders(
    campaign: CampaignSpec, category: CategorySpec, state: CategoryState, base: Omit<PhaseJob, 'id' | 'kind' | 'at'>,
  ): Promise<void> {
    const phase = state.phase;
    if (!isTimed(phase) || state.deadline === null) return;
    const now = this.deps.clock.now();
    const window = category.phases.find((w) => w.phase === phase);
    const openedAt = window ? window.start + state.shift : Number.NEGATIVE_INFINITY;
    const reminders = remindersOf(campaign).filter((r) => r.phase === phase && state.deadline! - r.beforeMs >= openedAt);
    const missed = reminders.filter((r) => state.deadline! - r.beforeMs <= now);
    const late = missed.reduce<ReminderSpec | undefined>((closest, r) => (!closest || r.beforeMs < closest.beforeMs ? r : closest), undefined);
    for (const r of reminders) {
      const at = state.deadline - r.beforeMs;
      if (at <= now && r !== late) continue;
      await this.deps.scheduler.schedule({
        ...base, id: reminderJobId(campaign.id, category.id, phase, r.beforeMs), kind: 'reminder', at: Math.max(at, now), beforeMs: r.beforeMs,
      });
    }
  }

  /** Counts and publishes a revealed category's results, once (a second call keeps the first). */
  private async ensureResults(campaign: CampaignSpec, category: CategorySpec): Promise<void> {
    const saved = await this.deps.store.getResults(campaign.id, category.id);
    if (saved) {
      if (saved.ballotsDigest === undefined) this.sealLater(campaign, category);
      return this.scheduleRetention(campaign, category, saved.revealedAt);
    }
    const { results, options } = await this.count(campaign, category, []);
    await this.deps.store.saveResults(campaign.id, results, [this.resultsEvent(campaign, category, results, options, 0)], false);
    this.sealLater(campaign, category);
    await this.scheduleRetention(campaign, category, results.revealedAt);
  }

  /**
   * Seals a revealed category off the reveal's critical path: hashes its ballots (frozen since
   * the vote closed; an erasure keeps each hash), keeps the digest with the results and
   * publishes it. The reveal itself reads only the tally (milliseconds at a million ballots);
   * this scan takes seconds there. Until it is done — or if the process stops first; the next
   * start seals again — a manifest computes the digest on demand. Two processes sealing at once
   * store the same digest and publish one event (its id is fixed).
   */
  private sealLater(campaign: CampaignSpec, category: CategorySpec): void {
    const sealing = this.seal(campaign, category).catch((error: unknown) => this.deps.onError?.(error, `seal ${campaign.id}/${category.id}`));
    this.sealing.add(sealing);
    void sealing.finally(() => this.sealing.delete(sealing));
  }

  private async seal(campaign: CampaignSpec, category: CategorySpec): Promise<void> {
    const { store } = this.deps;
    // Hashing takes seconds at a million ballots: start after the reveal's own work, and let
    // commands and deliveries run between batches.
    await yieldToEvents();
    const secret = await store.campaignSecret(campaign.id);
    const hashed: HashedBallot[] = [];
    for await (const batch of store.scanBallots(campaign.id, category.id)) {
      hashed.push(...hashedBallots(secret, category.id, batch));
      await yieldToEvents();
    }
    const digest = ballotsDigest(sortHashed(hashed));
    const latest = await store.getResults(campaign.id, category.id);
    if (!latest || latest.ballotsDigest !== undefined) return;
    const event = this.event(campaign, category, 'sealed', { kind: 'results.sealed', ballotsDigest: digest, ballots: hashed.length });
    await store.saveResults(campaign.id, { ...latest, ballotsDigest: digest }, [event], true);
  }

  /** Resolves once every seal under way (see `sealLater`) has finished. */
  async idle(): Promise<void> {
    while (this.sealing.size > 0) await Promise.allSettled([...this.sealing]);
  }

  /** With a `retention`, the purge of the category's raw fan data, that long after its reveal. */
  private async scheduleRetention(campaign: CampaignSpec, category: CategorySpec, revealedAt: number): Promise<void> {
    const retention = campaign.trust?.retentionMs;
    if (retention === undefined) return;
    await this.deps.scheduler.schedule({
      id: phaseJobId(campaign.id, category.id, 'retention.purge', 'reveal'), kind: 'retention.purge',
      campaignId: campaign.id, categoryId: category.id, from: 'reveal', version: 0, at: revealedAt + retention,
    });
  }

  // ---------------------------------------------------------------- trust and fairness (issue 7)

  /**
   * Whether a fan may act in `phase`: the campaign's eligibility rules for the phase, the ban
   * list, then (when `rate` is given) the fan's sliding-window limit, which records this action.
   * A refusal is counted for managers' /status.
   */
  private async admit(campaign: CampaignSpec, actor: Actor, phase: 'propose' | 'vote', rate?: RateKind): Promise<Refusal | null> {
    const now = this.deps.clock.now();
    const rules = campaign.trust?.eligibility?.[phase];
    const ineligible = checkEligibility(rules, actor, now);
    if (ineligible) return this.counted(campaign, ineligible);
    if ((await this.bans(campaign.id)).has(fanKey(actor))) return this.counted(campaign, refuse('eligibility.banned'));
    return rate ? this.limit(campaign, actor, rate) : null;
  }

  /** The fan's sliding-window limit of `kind`, if the campaign declares one. */
  private async limit(campaign: CampaignSpec, actor: Actor, kind: RateKind): Promise<Refusal | null> {
    const limit = campaign.trust?.limits?.[kind];
    if (!limit) return null;
    const hit = await this.deps.store.hitRateLimit(campaign.id, fanKey(actor), kind, limit, this.deps.clock.now());
    return hit.ok ? null : this.counted(campaign, refuse('rate.limited', { waitMs: hit.retryAfterMs }));
  }

  /** Counts a refusal for managers' /status (only eligibility and anti-spam ones), then returns it. */
  private async counted(campaign: CampaignSpec, refusal: Refusal): Promise<Refusal> {
    if (COUNTED_REFUSALS.includes(refusal.code)) await this.deps.store.countRefusal(campaign.id, refusal.code);
    return refusal;
  }

  /** The ban list, read at most every BAN_CACHE_MS per process (every fan action checks it). */
  private async bans(campaignId: string): Promise<ReadonlyMap<string, BanEntry>> {
    const now = this.deps.clock.now();
    const cached = this.banCache.get(campaignId);
    if (cached && now >= cached.at && now - cached.at < BAN_CACHE_MS) return cached.bans;
    const bans = new Map((await this.deps.store.listBans(campaignId)).map((b) => [b.fanKey, b]));
    this.banCache.set(campaignId, { at: now, bans });
    return bans;
  }

  private async ban(campaign: CampaignSpec, fan: string, reason: string, actor: Actor): Promise<CommandResult> {
    if (!isFanKey(fan)) return refuse('fan.invalid');
    const at = this.deps.clock.now();
    const why = cleanBounded(reason ?? '', REASON_MAX);
    const changed = await this.deps.store.setBan(campaign.id, fan, { reason: why, by: fanKey(actor), at });
    this.banCache.delete(campaign.id);
    if (changed) await this.moderated({ kind: 'ban', campaignId: campaign.id, fan, by: fanKey(actor), reason: why, at });
    return { ok: true, type: 'ban', fan, changed };
  }

  private async unban(campaign: CampaignSpec, fan: string, actor: Actor): Promise<CommandResult> {
    if (!isFanKey(fan)) return refuse('fan.invalid');
    const changed = await this.deps.store.setBan(campaign.id, fan, null);
    this.banCache.delete(campaign.id);
    if (changed) await this.moderated({ kind: 'unban', campaignId: campaign.id, fan, by: fanKey(actor), at: this.deps.clock.now() });
    return { ok: true, type: 'unban', fan, changed };
  }

  private async moderated(entry: ModerationEntry): Promise<void> {
    try {
      await this.deps.onModeration?.(entry);
    } catch (error) {
      this.deps.onError?.(error, `moderation.${entry.kind}`);
    }
  }

  private async fanExport(campaign: CampaignSpec, fan: string, type: 'mydata' | 'fan.export', actor: Actor): Promise<CommandResult> {
    if (type === 'mydata' ? !fanPlatform(actor) : !isFanKey(fan)) return refuse(type === 'mydata' ? 'actor.not-allowed' : 'fan.invalid');
    return { ok: true, type, fan, data: await this.fanDocument(campaign, fan) };
  }

  /** Everything the campaign holds about `fan`, as the JSON a fan receives. */
  async fanDocument(campaign: CampaignSpec, fan: string): Promise<FanDataDocument> {
    const records = await this.deps.store.fanData(campaign.id, fan);
    const ban = await this.deps.store.getBan(campaign.id, fan);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      campaign: campaign.id, fan, exportedAt: iso(this.deps.clock.now()),
      proposals: records.proposals.map((p) => ({
        id: p.id, category: p.categoryId, text: p.text, status: p.status, likes: p.likes, proposedAt: iso(p.createdAt),
        ...(p.authorName !== undefined ? { authorName: p.authorName } : {}),
      })),
      likes: records.likes.map((l) => ({ proposal: l.proposalId, category: l.categoryId })),
      ballots: records.ballots.map((b) => ({ category: b.categoryId, choice: [...b.choice] })),
      ...(ban ? { ban: { reason: ban.reason, at: iso(ban.at) } } : {}),
    };
  }

  /**
   * Erases `fan` from the campaign (see CampaignStore.eraseFan), then removes their name from
   * results already stored, so that no document credits an erased author.
   */
  private async erase(campaign: CampaignSpec, fan: string, type: 'forgetme' | 'fan.erase', actor: Actor): Promise<CommandResult> {
    if (type === 'forgetme' ? !fanPlatform(actor) : !isFanKey(fan)) return refuse(type === 'forgetme' ? 'actor.not-allowed' : 'fan.invalid');
    const secret = await this.deps.store.campaignSecret(campaign.id);
    const report = await this.deps.store.eraseFan(campaign.id, fan, campaign.categories.map((c) => ({
      id: c.id, tallied: c.vote.method !== 'ranked', anon: pseudonymousVoterKey(secret, c.id, fan),
    })));
    const anonymous = new Set(report.proposalsAnonymized);
    if (anonymous.size > 0) {
      for (const category of campaign.categories) {
        const results = await this.deps.store.getResults(campaign.id, category.id);
        if (!results?.winners.some((w) => anonymous.has(w.id))) continue;
        const winners = results.winners.map((w) => (anonymous.has(w.id) ? { id: w.id, text: w.text, votes: w.votes } : w));
        await this.deps.store.saveResults(campaign.id, { ...results, winners }, [], true);
      }
      for (const [key, options] of this.frozenShortlists) {
        if ([...anonymous].some((id) => options.has(id))) this.frozenShortlists.delete(key);
      }
    }
    await this.moderated({ kind: 'erase', campaignId: campaign.id, fan, by: fanKey(actor), at: this.deps.clock.now() });
    return { ok: true, type, fan, report };
  }

  private resultsEvent(
    campaign: CampaignSpec, category: CategorySpec, results: CategoryResults, options: ReadonlyMap<string, Proposal>, round: number,
  ): CampaignEvent {
    if (results.tiedPending?.length) {
      const tied = results.tiedPending.flatMap((id) => { const p = options.get(id); return p ? [listed(p)] : []; });
      return this.event(campaign, category, `tie.${round}`, { kind: 'reveal.tie', tied });
    }
    return this.event(campaign, category, 'results', {
      kind: 'results', winners: results.winners, ballots: results.ballots, standings: standingsOf(results, options),
      ...(results.ballotsDigest ? { ballotsDigest: results.ballotsDigest } : {}),
    });
  }

  /**
   * Counts a category: from the incremental tally for single and approval ballots (no scan),
   * from the raw ballots by instant-runoff for ranked ones.
   */
  async countCategory(campaign: CampaignSpec, category: CategorySpec, picked: readonly string[] = []): Promise<CategoryResults> {
    return (await this.count(campaign, category, picked)).results;
  }

  private async count(campaign: CampaignSpec, category: CategorySpec, picked: readonly string[]) {
    const { store } = this.deps;
    const shortlist = await store.getShortlist(campaign.id, category.id);
    const byId = new Map(shortlist.map((p) => [p.id, p]));
    const options: CountedOption[] = shortlist.map((p) => ({ id: p.id, seq: p.seq }));
    const seed = seedOf(campaign, category);
    let ranking: { winners: readonly { id: string; votes: number }[]; tied: readonly string[] };
    let tally: Record<string, number>;
    let ballots: number;
    let rounds: Record<string, number>[] | undefined;
    if (category.vote.method === 'ranked') {
      // Ranked ballots are counted from the raw ballots; single and approval from the tally (no scan).
      const all: Ballot[] = [];
      for await (const batch of store.scanBallots(campaign.id, category.id)) all.push(...batch);
      const runoff = instantRunoff(options, all, category.reveal, seed);
      ranking = { winners: runoff.winners, tied: [] };
      tally = runoff.tally;
      rounds = [...runoff.rounds];
      ballots = all.length;
    } else {
      const counted = await store.getTally(campaign.id, category.id);
      ranking = winnersFromTally(options, counted.tally, category.reveal, seed, picked);
      tally = counted.tally;
      ballots = counted.ballots;
    }
    const winners = ranking.winners.map((w) => {
      const p = byId.get(w.id);
      return {
        id: w.id, text: p?.text ?? w.id, votes: w.votes,
        ...(p?.authorName ? { author: p.authorName } : {}),
        ...(p?.authorName && category.reveal.mentionAuthors ? { authorKey: p.authorKey } : {}),
      };
    });
    const results: CategoryResults = {
      categoryId: category.id, ballots, tally, winners, tieBreak: category.reveal.tieBreak, revealedAt: this.deps.clock.now(),
      seed,
      ...(rounds ? { rounds } : {}),
      ...(ranking.tied.length ? { tiedPending: [...ranking.tied] } : {}),
    };
    return { results, options: byId as ReadonlyMap<string, Proposal> };
  }

  // ---------------------------------------------------------------- helpers

  private gate(phase: Phase): Gate {
    return { phase, now: this.deps.clock.now() };
  }

  private event(
    campaign: CampaignSpec, category: CategorySpec, suffix: string,
    body: DistributiveOmit<CampaignEvent, 'id' | 'campaignId' | 'categoryId' | 'at'>,
  ): CampaignEvent {
    return {
      ...body, id: `${campaign.id}.${category.id}.${suffix}`, campaignId: campaign.id, categoryId: category.id, at: this.deps.clock.now(),
    } as CampaignEvent;
  }

  private async findProposal(campaign: CampaignSpec, proposalId: string): Promise<{ proposal: Proposal; category: CategorySpec } | Refusal> {
    if (typeof proposalId !== 'string' || proposalId.length === 0 || proposalId.length > OPTION_ID_MAX) return refuse('proposal.unknown');
    const proposal = await this.deps.store.getProposal(campaign.id, proposalId);
    const category = proposal && findCategory(campaign, proposal.categoryId);
    return proposal && category ? { proposal, category } : refuse('proposal.unknown');
  }
}

export interface RecountReport {
  readonly campaign: string;
  readonly agrees: boolean;
  readonly categories: readonly {
    readonly id: string;
    readonly ballots: number;
    readonly differences: readonly { option: string; stored: number; recounted: number }[];
  }[];
}

export interface VerifyReport {
  readonly campaign: string;
  readonly ok: boolean;
  /** Per category of the manifest: the raw ballots found and what differs (empty when it verifies). */
  readonly categories: readonly { readonly id: string; readonly ballots: number; readonly problems: readonly string[] }[];
}

export interface ResultsDocument {
  readonly campaign: string;
  readonly categories: readonly {
    readonly id: string;
    readonly proposals: number;
    /** null while results are hidden (vote not closed, `vote.liveCounts` off). */
    readonly ballots: number | null;
    readonly shortlist: readonly ListedProposal[];
    readonly winners: readonly Winner[];
  }[];
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The campaign's reminders: those of its file, or the two 24 h ones by default. */
export function remindersOf(campaign: CampaignSpec): readonly ReminderSpec[] {
  return campaign.reminders ?? DEFAULT_REMINDERS;
}

/** Lets pending I/O callbacks and timers run (a macrotask turn), without any platform API. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => { setImmediate(resolve); });
}

/** The commands whose successes go to the audit log. */
const AUDITED: ReadonlySet<Command['type']> = new Set([
  'advance', 'pause', 'resume', 'extend', 'shortlist.add', 'shortlist.remove', 'reject', 'break-tie',
  'export', 'ban', 'unban', 'fan.export', 'fan.erase',
]);

/** Whether ballot counts may be shown: after the reveal, or while voting when the campaign opts into live counts. */
function countsShown(category: CategorySpec, phase: Phase): boolean {
  return phase === 'reveal' || category.vote.liveCounts === true;
}

/** JSON with object keys sorted: two equal values give the same text whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}

function seedOf(campaign: CampaignSpec, category: CategorySpec): string {
  return category.reveal.seed ?? `${campaign.id}/${category.id}`;
}

// Every command and job looks its category up: a scan of the list made the cost of a whole
// campaign grow with the square of its categories (simulate, reveal of thousands).
const categoryIndexes = new WeakMap<CampaignSpec, ReadonlyMap<string, CategorySpec>>();

function findCategory(campaign: CampaignSpec, id: string): CategorySpec | undefined {
  let index = categoryIndexes.get(campaign);
  if (index === undefined) {
    index = new Map(campaign.categories.map((c) => [c.id, c]));
    categoryIndexes.set(campaign, index);
  }
  return index.get(id);
}

function selectCategories(campaign: CampaignSpec, id: string | undefined): readonly CategorySpec[] | null {
  if (id === undefined) return campaign.categories;
  const one = findCategory(campaign, id);
  return one ? [one] : null;
}

/** The platform a fan acts from; the system actor never proposes, likes or votes. */
function fanPlatform(actor: Actor): Platform | null {
  return actor.platform === 'system' ? null : actor.platform;
}

/** A winner as the results document shows it: the author's name, never their platform id. */
function withoutAuthorKey({ authorKey: _key, ...winner }: Winner): Winner {
  return winner;
}

function listed(p: Proposal): ListedProposal {
  return { id: p.id, text: p.text, ...(p.authorName ? { author: p.authorName } : {}) };
}

/** Every candidate with its final count, most votes first, then in proposal order. */
function standingsOf(results: CategoryResults, options: ReadonlyMap<string, Proposal>): Standing[] {
  const winners = new Set(results.winners.map((w) => w.id));
  return [...options.values()]
    .map((p) => ({ p, votes: results.tally[p.id] ?? 0 }))
    .sort((a, b) => b.votes - a.votes || Number(winners.has(b.p.id)) - Number(winners.has(a.p.id)) || a.p.seq - b.p.seq)
    .map(({ p, votes }) => ({ id: p.id, text: p.text, ...(p.authorName ? { author: p.authorName } : {}), votes, winner: winners.has(p.id) }));
}

/** Rule-made shortlists are seeded when proposals close. */
function seedFor(category: CategorySpec, from: Phase, to: Phase): ShortlistSeed | undefined {
  if (from !== 'propose' || (to !== 'shortlist' && to !== 'vote')) return undefined;
  const rule = category.shortlist;
  if (rule.by === 'likes') return { by: 'likes', size: rule.size };
  if (rule.by === 'threshold') return rule.size === undefined ? { by: 'threshold' } : { by: 'threshold', size: rule.size };
  return undefined;
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

/** An ISO 8601 duration in milliseconds (P1D, PT2H30M, P1W), or null if it is not one or not positive. */
export function parseDurationMs(iso: string): number | null {
  if (typeof iso !== 'string' || iso.length > 40) return null;
  const d = Duration.fromISO(iso.trim());
  if (!d.isValid) return null;
  const ms = d.as('milliseconds');
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}
