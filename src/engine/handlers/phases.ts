/**
 * Managers steering the phases live: advance, pause, resume, extend. Each is a compare-and-set
 * on the state read (DESIGN invariant 3), so a manager racing the scheduler, or another
 * manager, makes one change; each change is audited with the phase and deadline before and after.
 */
import { refuse, type Refusal } from '../../model/refusals';
import type { CampaignSpec } from '../../model/campaign';
import type { CategoryState } from '../../model/records';
import type { CommandResult, PhaseChange } from '../commands';
import { nextPhase, parseDurationMs } from '../lifecycle';
import { event, type EventBody } from '../shared/announcements';
import { phaseSnapshot } from '../shared/audit-trail';
import type { EngineContext } from '../shared/context';
import { selectCategories } from '../shared/lookup';
import { move, scheduleFor } from '../shared/phase-machine';
import type { HandlerTable } from './handler';

/** The handlers of managers' phase commands. */
export const phaseHandlers: HandlerTable<'advance' | 'pause' | 'resume' | 'extend'> = {
  /** Moves each selected category (still running its course) one phase on; `from` makes it a strict compare-and-set. */
  advance: {
    role: 'manager',
    audit: { snapshot: phaseSnapshot },
    async run(ctx, campaign, { categoryId, from }) {
      const categories = selectCategories(campaign, categoryId);
      if (!categories) return refuse('category.unknown', { category: String(categoryId) });
      const changes: PhaseChange[] = [];
      let sawFinal = false;
      let sawPaused = false;
      for (const category of categories) {
        const state = await ctx.deps.store.getState(campaign.id, category.id);
        if (!state) continue;
        if (state.phase === 'reveal') { sawFinal = true; continue; }
        if (from !== undefined && state.phase !== from) continue;
        // A paused category is resumed first: its timing would otherwise be ambiguous.
        if (state.pausedAt !== null) { sawPaused = true; continue; }
        const to = nextPhase(category, state.phase);
        if (to && await move(ctx, campaign, category, state)) changes.push({ categoryId: category.id, from: state.phase, to });
      }
      if (changes.length === 0) {
        return refuse(sawPaused ? 'phase.paused' : sawFinal && categories.length === 1 ? 'phase.final' : 'phase.stale');
      }
      return { ok: true, type: 'advance', changes };
    },
  },

  /** Stops the clock of each selected category: its deadline waits until it is resumed. */
  pause: {
    role: 'manager',
    audit: { snapshot: phaseSnapshot },
    run: (ctx, campaign, { categoryId }) => retimeEach(ctx, campaign, categoryId, 'pause', (state, now) => {
      if (state.pausedAt !== null) return refuse('phase.paused');
      return {
        expect: 'running', deadline: state.deadline, shift: state.shift, pausedAt: now,
        event: { kind: 'phase.paused', phase: state.phase },
      };
    }),
  },

  /** Restarts the clock; the deadline moves by the time spent paused. */
  resume: {
    role: 'manager',
    audit: { snapshot: phaseSnapshot },
    run: (ctx, campaign, { categoryId }) => retimeEach(ctx, campaign, categoryId, 'resume', (state, now) => {
      if (state.pausedAt === null) return refuse('phase.not-paused');
      const paused = Math.max(0, now - state.pausedAt);
      const deadline = state.deadline === null ? null : state.deadline + paused;
      return {
        expect: 'paused', deadline, shift: state.shift + paused, pausedAt: null,
        event: { kind: 'phase.resumed', phase: state.phase, endsAt: deadline ?? now },
      };
    }),
  },

  /** Adds an ISO 8601 duration to the current phase of each selected category (and shifts the phases after it). */
  extend: {
    role: 'manager',
    audit: { snapshot: phaseSnapshot, details: (cmd) => ({ by: cmd.by.slice(0, 40) }) },
    async run(ctx, campaign, { categoryId, by }) {
      const ms = parseDurationMs(by);
      if (ms === null) return refuse('duration.invalid', { duration: by.slice(0, 40) });
      return retimeEach(ctx, campaign, categoryId, 'extend', (state) => {
        const deadline = state.deadline === null ? null : state.deadline + ms;
        return {
          expect: state.pausedAt === null ? 'running' : 'paused', deadline, shift: state.shift + ms, pausedAt: state.pausedAt,
          event: { kind: 'phase.extended', phase: state.phase, endsAt: deadline ?? 0 },
        };
      });
    },
  },
};

/** A new timing for one category, with its announcement, or why this category cannot take it. */
type Retiming = Refusal | {
  expect: 'running' | 'paused'; deadline: number | null; shift: number; pausedAt: number | null; event: EventBody;
};

/** Pause, resume and extend: a compare-and-set on each selected category still running its course. */
async function retimeEach(
  ctx: EngineContext, campaign: CampaignSpec, categoryId: string | undefined, type: 'pause' | 'resume' | 'extend',
  plan: (state: CategoryState, now: number) => Retiming,
): Promise<CommandResult> {
  const categories = selectCategories(campaign, categoryId);
  if (!categories) return refuse('category.unknown', { category: String(categoryId) });
  const done: string[] = [];
  let refusal: Refusal = refuse('phase.final');
  for (const category of categories) {
    const state = await ctx.deps.store.getState(campaign.id, category.id);
    if (!state || state.phase === 'reveal') continue;
    const change = plan(state, ctx.deps.clock.now());
    if ('code' in change) { refusal = change; continue; }
    const applied = await ctx.deps.store.retime({
      campaignId: campaign.id, categoryId: category.id, phase: state.phase, expect: change.expect,
      deadline: change.deadline, shift: change.shift, pausedAt: change.pausedAt,
      events: [event(ctx, campaign, category, `${type}.v${state.version}`, change.event)],
    });
    if (!applied) { refusal = refuse('phase.stale'); continue; }
    done.push(category.id);
    const after = await ctx.deps.store.getState(campaign.id, category.id);
    if (after) await scheduleFor(ctx, campaign, category, after);
  }
  return done.length > 0 ? { ok: true, type, categories: done } : refusal;
}
