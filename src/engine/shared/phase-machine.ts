/**
 * The phase machine of a category: compare-and-set transitions with their announcements,
 * the jobs that fire the next ones (deadline, reminders, retention), and the reveal's count
 * and seal. The scheduler's jobs, `Engine.start` and the managers' phase commands all move
 * categories through here.
 */
import type { CampaignSpec, CategorySpec, Phase, ReminderSpec } from '../../model/campaign';
import type { CampaignEvent } from '../../model/events';
import type { CategoryState } from '../../model/records';
import type { ShortlistSeed } from '../../ports/campaign-store';
import { phaseJobId, reminderJobId, type PhaseJob } from '../../ports/phase-scheduler';
import { deadlineOnEntering, isDue, isTimed, nextPhase, remindersOf } from '../lifecycle';
import { ballotsDigest, hashedBallots, sortHashed, type HashedBallot } from '../manifest';
import { event, resultsEvent } from './announcements';
import type { EngineContext } from './context';
import { countResults } from './results-count';

/** Applies every transition now due for the category (once each), then schedules the next. */
export async function settle(ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec): Promise<void> {
  // Each pass either moves the category one phase on or stops; a category has at most five phases.
  for (let pass = 0; pass < 8; pass++) {
    const state = await ctx.deps.store.getState(campaign.id, category.id);
    if (!state) return;
    if (!isDue(state, ctx.deps.clock.now())) {
      await scheduleFor(ctx, campaign, category, state);
      if (state.phase === 'reveal') await ensureResults(ctx, campaign, category);
      return;
    }
    await move(ctx, campaign, category, state);
  }
}

/**
 * One compare-and-set from the state read to the next phase, with its announcement in the
 * same atomic step (DESIGN invariant 3). False when another process or command moved first.
 */
export async function move(ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec, state: CategoryState): Promise<boolean> {
  const to = nextPhase(category, state.phase);
  if (!to) return false;
  const now = ctx.deps.clock.now();
  const deadline = deadlineOnEntering(category, to, state.shift);
  const seedShortlist = seedFor(category, state.phase, to);
  const applied = await ctx.deps.store.transition({
    campaignId: campaign.id, categoryId: category.id, from: state.phase, expectVersion: state.version, to, deadline,
    ...(seedShortlist ? { seedShortlist } : {}),
    events: eventsOnEntering(ctx, campaign, category, to, deadline, now),
  });
  if (!applied) return false;
  const entered: CategoryState = { ...state, phase: to, deadline, version: state.version + 1 };
  await scheduleFor(ctx, campaign, category, entered);
  if (to === 'reveal') await ensureResults(ctx, campaign, category);
  return true;
}

/** Schedules the jobs of the category's current state (its deadline and reminders), or cancels its deadline job. */
export async function scheduleFor(ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec, state: CategoryState): Promise<void> {
  const { scheduler } = ctx.deps;
  const dueId = phaseJobId(campaign.id, category.id, 'phase.due', state.phase);
  if (state.phase === 'reveal' || state.deadline === null || state.pausedAt !== null) {
    await scheduler.cancel(dueId);
    return;
  }
  const base = { campaignId: campaign.id, categoryId: category.id, from: state.phase, version: state.version };
  await scheduler.schedule({ ...base, id: dueId, kind: 'phase.due', at: state.deadline });
  await scheduleReminders(ctx, campaign, category, state, base);
}

/** Resolves once every seal under way (see `sealLater`) has finished. */
export async function idle(ctx: EngineContext): Promise<void> {
  while (ctx.sealing.size > 0) await Promise.allSettled([...ctx.sealing]);
}

function eventsOnEntering(
  ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec, to: Phase, deadline: number | null, now: number,
): CampaignEvent[] {
  // A phase that is already over (catching up after downtime) is not announced.
  if (deadline === null || deadline <= now) return [];
  if (to === 'vote') {
    return [event(ctx, campaign, category, 'opened.vote', { kind: 'shortlist.published', items: [], endsAt: deadline })];
  }
  if (to === 'propose' || to === 'shortlist') {
    return [event(ctx, campaign, category, `opened.${to}`, { kind: 'phase.opened', phase: to, endsAt: deadline })];
  }
  return [];
}

/** Rule-made shortlists are seeded when proposals close. */
function seedFor(category: CategorySpec, from: Phase, to: Phase): ShortlistSeed | undefined {
  if (from !== 'propose' || (to !== 'shortlist' && to !== 'vote')) return undefined;
  const rule = category.shortlist;
  if (rule.by === 'likes') return { by: 'likes', size: rule.size };
  if (rule.by === 'threshold') return rule.size === undefined ? { by: 'threshold' } : { by: 'threshold', size: rule.size };
  return undefined;
}

/**
 * Schedules the reminders the campaign declares for the category's current phase. A reminder
 * due while nothing ran is sent late, once (it states the real closing time); when several
 * were missed, only the one closest to the deadline is sent. A reminder that falls before the
 * phase opened (a phase shorter than the reminder's lead) is skipped.
 */
async function scheduleReminders(
  ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec, state: CategoryState, base: Omit<PhaseJob, 'id' | 'kind' | 'at'>,
): Promise<void> {
  const phase = state.phase;
  if (!isTimed(phase) || state.deadline === null) return;
  const now = ctx.deps.clock.now();
  const window = category.phases.find((w) => w.phase === phase);
  const openedAt = window ? window.start + state.shift : Number.NEGATIVE_INFINITY;
  const reminders = remindersOf(campaign).filter((r) => r.phase === phase && state.deadline! - r.beforeMs >= openedAt);
  const missed = reminders.filter((r) => state.deadline! - r.beforeMs <= now);
  const late = missed.reduce<ReminderSpec | undefined>((closest, r) => (!closest || r.beforeMs < closest.beforeMs ? r : closest), undefined);
  for (const r of reminders) {
    const at = state.deadline - r.beforeMs;
    if (at <= now && r !== late) continue;
    await ctx.deps.scheduler.schedule({
      ...base, id: reminderJobId(campaign.id, category.id, phase, r.beforeMs), kind: 'reminder', at: Math.max(at, now), beforeMs: r.beforeMs,
    });
  }
}

/** Counts and publishes a revealed category's results, once (a second call keeps the first). */
async function ensureResults(ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec): Promise<void> {
  const saved = await ctx.deps.store.getResults(campaign.id, category.id);
  if (saved) {
    if (saved.ballotsDigest === undefined) sealLater(ctx, campaign, category);
    return scheduleRetention(ctx, campaign, category, saved.revealedAt);
  }
  const { results, options } = await countResults(ctx, campaign, category, []);
  await ctx.deps.store.saveResults(campaign.id, results, [resultsEvent(ctx, campaign, category, results, options, 0)], false);
  sealLater(ctx, campaign, category);
  await scheduleRetention(ctx, campaign, category, results.revealedAt);
}

/**
 * Seals a revealed category off the reveal's critical path: hashes its ballots (frozen since
 * the vote closed; an erasure keeps each hash), keeps the digest with the results and
 * publishes it. The reveal itself reads only the tally (milliseconds at a million ballots);
 * this scan takes seconds there. Until it is done — or if the process stops first; the next
 * start seals again — a manifest computes the digest on demand. Two processes sealing at once
 * store the same digest and publish one event (its id is fixed).
 */
function sealLater(ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec): void {
  const sealing = seal(ctx, campaign, category).catch((error: unknown) => ctx.deps.onError?.(error, `seal ${campaign.id}/${category.id}`));
  ctx.sealing.add(sealing);
  void sealing.finally(() => ctx.sealing.delete(sealing));
}

async function seal(ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec): Promise<void> {
  const { store } = ctx.deps;
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
  const sealed = event(ctx, campaign, category, 'sealed', { kind: 'results.sealed', ballotsDigest: digest, ballots: hashed.length });
  await store.saveResults(campaign.id, { ...latest, ballotsDigest: digest }, [sealed], true);
}

/** With a `retention`, the purge of the category's raw fan data, that long after its reveal. */
async function scheduleRetention(ctx: EngineContext, campaign: CampaignSpec, category: CategorySpec, revealedAt: number): Promise<void> {
  const retention = campaign.trust?.retentionMs;
  if (retention === undefined) return;
  await ctx.deps.scheduler.schedule({
    id: phaseJobId(campaign.id, category.id, 'retention.purge', 'reveal'), kind: 'retention.purge',
    campaignId: campaign.id, categoryId: category.id, from: 'reveal', version: 0, at: revealedAt + retention,
  });
}

/** Lets pending I/O callbacks and timers run (a macrotask turn), without any platform API. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => { setImmediate(resolve); });
}
