/**
 * What an instant and a duration may be, in one place for every layer: the campaign file
 * (src/config), the managers' commands (the engine's `/extend`), rendering and the audit.
 *
 * The bounds come from two sides. What the machinery can hold: a JS `Date` and `Intl` take
 * ±8.64e15 ms, luxon refuses to add a duration whose units overflow, BullMQ keeps a delayed
 * job's time in a Redis score (a double) multiplied by 4096, `setTimeout` waits at most
 * 2^31 - 1 ms (the clocks take longer waits in chunks). And what a campaign can plausibly
 * mean, which is far narrower and so the one that decides:
 *
 * - an instant (a phase start, a deadline, the reveal) lies in the years 2000 to 2099, in
 *   whatever offset it is written (so from 1999-12-31T00:00:00Z to before 2100-01-02T00:00:00Z);
 * - a phase lasts from one second to three years (a city's participatory budget runs a year);
 * - a reminder comes at most three years before a phase closes;
 * - a manager's extension adds one second to one year;
 * - a rate-limit window spans one second to one year;
 * - an eligibility age (account, membership) is at most 30 years;
 * - raw data is kept at most 10 years after a reveal.
 *
 * Every check answers a value, never throws: `{ ok: true, ms }` or a refusal whose code is
 * its message key (`duration.invalid`, `duration.out-of-range`, `instant.out-of-range`), with
 * the parameters the localized message needs and a plain-English `message` for the
 * command line's `FILE:LINE:COL` lines.
 */
import { Duration } from 'luxon';
import type { RefusalCode } from './refusals';

const SECOND = 1_000;
const DAY = 86_400_000;
const YEAR = 366 * DAY;

/**
 * The first instant a campaign may name: 2000-01-01T00:00 in the easternmost offset, so that
 * midnight on 1 January 2000 is in whatever offset the file writes (1999-12-31T00:00:00Z).
 */
export const EARLIEST_INSTANT_MS = Date.UTC(1999, 11, 31);
/** The end of what a campaign may name, excluded: the end of 2099 in the westernmost offset (2100-01-02T00:00:00Z). */
export const LATEST_INSTANT_MS = Date.UTC(2100, 0, 2);

/** The roles a duration plays; each has its own plausible span. */
export type DurationKind = 'phase' | 'reminder' | 'extension' | 'window' | 'age' | 'retention';

interface Span {
  readonly minMs: number;
  readonly maxMs: number;
  /** The maximum in words, for the command line's English messages. */
  readonly max: string;
  /** The maximum as an ISO 8601 duration, the same in every language (chat messages). */
  readonly maxIso: string;
  /** What the duration is, for messages. */
  readonly what: string;
}

/** The span each kind of duration may take, both ends included. */
export const DURATION_BOUNDS: { readonly [K in DurationKind]: Span } = {
  phase: { minMs: SECOND, maxMs: 3 * YEAR, max: '3 years (P3Y)', maxIso: 'P3Y', what: 'a phase' },
  reminder: { minMs: SECOND, maxMs: 3 * YEAR, max: '3 years (P3Y)', maxIso: 'P3Y', what: 'a reminder' },
  extension: { minMs: SECOND, maxMs: YEAR, max: '1 year (P1Y)', maxIso: 'P1Y', what: 'an extension' },
  window: { minMs: SECOND, maxMs: YEAR, max: '1 year (P1Y)', maxIso: 'P1Y', what: 'a rate-limit window' },
  age: { minMs: SECOND, maxMs: 30 * YEAR, max: '30 years (P30Y)', maxIso: 'P30Y', what: 'an age' },
  retention: { minMs: SECOND, maxMs: 10 * YEAR, max: '10 years (P10Y)', maxIso: 'P10Y', what: 'a retention period' },
};

/** Longest duration text looked at; anything longer is not a plausible duration. */
export const MAX_DURATION_TEXT = 40;

/** A time refusal: a code that is also its message key, the message's parameters, and English words. */
export interface TimeRefusal {
  readonly ok: false;
  readonly code: Extract<RefusalCode, 'duration.invalid' | 'duration.out-of-range' | 'instant.out-of-range'>;
  readonly params: Readonly<Record<string, string>>;
  /** Plain English for the command line (`cocreate validate`). */
  readonly message: string;
}

export type TimeCheck = { readonly ok: true; readonly ms: number } | TimeRefusal;

// Y M W D, then T H M S; each number may carry a fraction. Luxon checks the order.
const ISO_DURATION = /^P(?:\d+(?:[.,]\d+)?[YMWD])*(?:T(?:\d+(?:[.,]\d+)?[HMS])+)?$/;
const DURATION_EXAMPLE = 'such as P5W (5 weeks), P3D (3 days), PT12H (12 hours) or P1M (1 month)';

function quoted(text: string): string {
  return JSON.stringify(text.length > MAX_DURATION_TEXT ? `${text.slice(0, MAX_DURATION_TEXT - 3)}...` : text);
}

/**
 * `new Date(ms).toISOString()`, except that it never throws: a number no `Date` can hold
 * (NaN, Infinity, beyond ±8.64e15) comes back as `(not a date: …)`. For every place that
 * writes a stored instant (audit lines, exports, logs), where one corrupt value must not
 * break the whole output.
 */
export function isoInstant(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `(not a date: ${String(ms)})`;
  return new Date(ms).toISOString();
}

/**
 * Whether an instant (UTC epoch ms) is one a campaign may use: a whole number of
 * milliseconds in the years 2000 to 2099 (see `EARLIEST_INSTANT_MS`, `LATEST_INSTANT_MS`).
 */
export function checkInstant(ms: number): TimeCheck {
  if (Number.isInteger(ms) && ms >= EARLIEST_INSTANT_MS && ms < LATEST_INSTANT_MS) return { ok: true, ms };
  const instant = isoInstant(ms);
  return {
    ok: false,
    code: 'instant.out-of-range',
    params: { instant },
    message: `expected an instant in the years 2000 to 2099, found ${instant}`,
  };
}

/** Whether `ms` is a duration of `kind` a campaign may use (see `DURATION_BOUNDS`). */
export function checkDurationMs(ms: number, kind: DurationKind, text = `${String(ms)} ms`): TimeCheck {
  const span = DURATION_BOUNDS[kind];
  if (Number.isFinite(ms) && ms >= span.minMs && ms <= span.maxMs) return { ok: true, ms: Math.round(ms) };
  const short = Number.isFinite(ms) && ms < span.minMs;
  return {
    ok: false,
    code: 'duration.out-of-range',
    params: { duration: text.slice(0, MAX_DURATION_TEXT), max: span.maxIso },
    message: short
      ? `expected ${span.what} of at least 1 second, found ${quoted(text)}`
      : `expected ${span.what} of at most ${span.max}, found ${quoted(text)}`,
  };
}

/**
 * Parses an ISO 8601 duration (P5W, PT2H30M, P1M…) and checks it against the bounds of
 * `kind`. Calendar units count as luxon counts them casually (a month 30 days, a year 365):
 * the bound is about plausibility, the exact end is computed where the start is known.
 * Refuses with `duration.invalid` what is not a positive ISO duration, with
 * `duration.out-of-range` what is one but too short or too long.
 */
export function parseDuration(text: string, kind: DurationKind): TimeCheck {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const refusal = (message: string): TimeRefusal => ({
    ok: false, code: 'duration.invalid', params: { duration: trimmed.slice(0, MAX_DURATION_TEXT) }, message,
  });
  if (trimmed.startsWith('-')) {
    return refusal(`expected a duration longer than zero, ${DURATION_EXAMPLE}; found ${quoted(trimmed)}, which is negative`);
  }
  if (trimmed.length > MAX_DURATION_TEXT) {
    // Only digits and unit letters: a duration, and a huge one; anything else is no duration.
    if (/^P[\dYMWDTHS.,]+$/.test(trimmed)) return checkDurationMs(Number.POSITIVE_INFINITY, kind, trimmed);
    return refusal(`expected an ISO 8601 duration, ${DURATION_EXAMPLE}; found ${quoted(trimmed)}`);
  }
  const duration = ISO_DURATION.test(trimmed) && trimmed !== 'P' && !trimmed.endsWith('T') ? Duration.fromISO(trimmed) : undefined;
  if (duration === undefined || !duration.isValid) {
    return refusal(`expected an ISO 8601 duration, ${DURATION_EXAMPLE}; found ${quoted(trimmed)}`);
  }
  const units = Object.values(duration.toObject());
  if (!units.some((n) => n > 0)) return refusal(`expected a duration longer than zero, ${DURATION_EXAMPLE}; found ${quoted(trimmed)}`);
  if (!units.every((n) => Number.isFinite(n))) return checkDurationMs(Number.POSITIVE_INFINITY, kind, trimmed);
  return checkDurationMs(duration.as('milliseconds'), kind, trimmed);
}
