/**
 * The phase sequence of a category and its deadlines. A category goes
 * pending → (propose → (shortlist →)) vote → reveal, skipping the phases it has no window for.
 * Deadlines are the declared ends plus `shift` (the time added by extensions and pauses).
 */
import { Duration } from 'luxon';
import { DEFAULT_REMINDERS, type CampaignSpec, type CategorySpec, type Phase, type ReminderSpec, type TimedPhase } from '../model/campaign';
import type { CategoryState } from '../model/records';

/** The phases this category goes through, in order, `pending` first and `reveal` last. */
export function phaseSequence(category: CategorySpec): Phase[] {
  return ['pending', ...category.phases.map((w) => w.phase), 'reveal'];
}

/** The phase after `phase`, or null after `reveal`. */
export function nextPhase(category: CategorySpec, phase: Phase): Phase | null {
  const seq = phaseSequence(category);
  const i = seq.indexOf(phase);
  return i < 0 || i === seq.length - 1 ? null : (seq[i + 1] ?? null);
}

/** When `phase` is declared to end (before any shift): the first start for `pending`. */
export function declaredEnd(category: CategorySpec, phase: Phase): number | null {
  if (phase === 'reveal') return null;
  if (phase === 'pending') return category.phases[0]?.start ?? category.revealAt;
  return category.phases.find((w) => w.phase === phase)?.end ?? null;
}

/** The deadline a category gets on entering `phase`. */
export function deadlineOnEntering(category: CategorySpec, phase: Phase, shift: number): number | null {
  const end = declaredEnd(category, phase);
  return end === null ? null : end + shift;
}

/** True when the scheduler should move the category on: running, not final, deadline reached. */
export function isDue(state: CategoryState, now: number): boolean {
  return state.phase !== 'reveal' && state.pausedAt === null && state.deadline !== null && now >= state.deadline;
}

/** Whether `phase` runs against a deadline (propose, shortlist, vote), unlike `pending` and `reveal`. */
export function isTimed(phase: Phase): phase is TimedPhase {
  return phase === 'propose' || phase === 'shortlist' || phase === 'vote';
}

/** The phases that get a reminder before they close. */
export function hasReminder(phase: Phase): phase is 'propose' | 'vote' {
  return phase === 'propose' || phase === 'vote';
}

/** The campaign's reminders: those of its file, or the two 24 h ones by default. */
export function remindersOf(campaign: CampaignSpec): readonly ReminderSpec[] {
  return campaign.reminders ?? DEFAULT_REMINDERS;
}

/** An ISO 8601 duration in milliseconds (P1D, PT2H30M, P1W), or null if it is not one or not positive. */
export function parseDurationMs(iso: string): number | null {
  if (typeof iso !== 'string' || iso.length > 40) return null;
  const d = Duration.fromISO(iso.trim());
  if (!d.isValid) return null;
  const ms = d.as('milliseconds');
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}
