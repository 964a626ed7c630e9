/**
 * Turns a category's effective schedule into consecutive phase windows. Each phase starts at
 * its own `start` or where the previous one ends, and ends after its `duration` or where the
 * next one starts; a phase given both a start and a computed beginning must agree exactly.
 */
import type { DateTime } from 'luxon';
import type { PhaseWindow, TimedPhase } from '../model/campaign';
import { checkInstant } from '../model/time-bounds';
import { describeSpan, formatInstant, parseDuration, parseInstant } from './iso';
import type { Issue, Path } from './issues';

/** One step of the chain as the file gives it, with where it was written. */
export interface ChainStep {
  readonly phase: TimedPhase | 'reveal';
  readonly start?: string | undefined;
  readonly duration?: string | undefined;
  /** Path of the phase's mapping (`schedule.vote` or `categories.2.schedule.vote`). */
  readonly path: Path;
}

export interface Chain {
  readonly windows: PhaseWindow[];
  /** End of the last window (the reveal), when the whole chain could be computed. */
  readonly revealAt?: number;
  readonly issues: Issue[];
}

const EXAMPLE_DURATION: Record<ChainStep['phase'], string> = { propose: 'P5W', shortlist: 'P1W', vote: 'P2W', reveal: '' };

// Values reach this module only after the schema accepted them.
function instant(text: string): DateTime {
  const parsed = parseInstant(text);
  if (!parsed.ok) throw new Error(`unchecked instant ${text}`);
  return parsed.value;
}

function plus(start: DateTime, text: string): DateTime {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new Error(`unchecked duration ${text}`);
  return start.plus(parsed.value);
}

function mismatch(step: ChainStep, start: DateTime, previous: ChainStep, end: DateTime): Issue {
  const diff = start.toMillis() - end.toMillis();
  const kind = diff > 0 ? 'a gap' : 'an overlap';
  return {
    path: [...step.path, 'start'],
    message:
      `\`${step.phase}\` starts at ${formatInstant(start)} but \`${previous.phase}\` ends at ${formatInstant(end)} ` +
      `(its start plus ${previous.duration ?? ''}), ${kind} of ${describeSpan(diff)}; phases follow each other without gap or overlap: ` +
      `omit \`start\` or \`duration\` (this start, or the duration of \`${previous.phase}\`)`,
  };
}

function noDuration(step: ChainStep, next: ChainStep | undefined): Issue {
  const alternative = next === undefined ? '' : `, or give \`${next.phase}\` a \`start\``;
  return { path: [...step.path, 'duration'], message: `\`${step.phase}\` needs a \`duration\` such as ${EXAMPLE_DURATION[step.phase]}${alternative}` };
}

/**
 * Computes the windows of `steps` (timed phases in order, then optionally the reveal, which
 * has only a start). Stops at the first step it cannot place and reports why.
 */
export function chainPhases(steps: readonly ChainStep[]): Chain {
  const windows: PhaseWindow[] = [];
  const issues: Issue[] = [];
  let end: DateTime | undefined;
  for (const [index, step] of steps.entries()) {
    const previous = steps[index - 1];
    let start = end;
    if (step.start !== undefined) {
      start = instant(step.start);
      if (end !== undefined && previous !== undefined && start.toMillis() !== end.toMillis()) issues.push(mismatch(step, start, previous, end));
    }
    if (start === undefined) {
      issues.push({
        path: [...step.path, 'start'],
        message: `\`${step.phase}\` is the first phase of this schedule, so it needs a \`start\`, such as 2026-03-02T09:00:00+01:00`,
      });
      return { windows, issues };
    }
    if (step.phase === 'reveal') return { windows, revealAt: start.toMillis(), issues };
    end = computeEnd(step, start, steps[index + 1], issues);
    if (end === undefined) return { windows, issues };
    windows.push({ phase: step.phase, start: start.toMillis(), end: end.toMillis() });
  }
  return end === undefined ? { windows, issues } : { windows, revealAt: end.toMillis(), issues };
}

function computeEnd(step: ChainStep, start: DateTime, next: ChainStep | undefined, issues: Issue[]): DateTime | undefined {
  if (step.duration !== undefined) {
    const end = plus(start, step.duration);
    // Each value is bounded on its own; their sum must stay a date a campaign may use too.
    if (!end.isValid || end.year > 2099 || !checkInstant(end.toMillis()).ok) {
      issues.push({
        path: [...step.path, 'duration'],
        message: `\`${step.phase}\` would end ${end.isValid ? `at ${formatInstant(end)}` : 'at no real date'} (its start ${formatInstant(start)} plus ${step.duration}), after 2099: every phase ends before 2100-01-01T00:00:00Z`,
      });
      return undefined;
    }
    return end;
  }
  if (next?.start === undefined) {
    issues.push(noDuration(step, next));
    return undefined;
  }
  const end = instant(next.start);
  if (end.toMillis() <= start.toMillis()) {
    issues.push({
      path: [...next.path, 'start'],
      message: `\`${next.phase}\` starts at ${formatInstant(end)}, not after \`${step.phase}\` starts at ${formatInstant(start)}; phases come in order propose, shortlist, vote, reveal`,
    });
    return undefined;
  }
  return end;
}
