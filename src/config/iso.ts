/**
 * ISO 8601 instants and durations as campaign files write them (DESIGN invariant 8): an
 * instant always carries its offset, a duration is strictly positive, and both stay within
 * the bounds of src/model/time-bounds.ts (instants in the years 2000 to 2099, each kind of
 * duration its own plausible span). Parsing keeps the instant's own offset, so calendar
 * durations (P1M) are added in the offset the author wrote.
 */
import { DateTime, Duration } from 'luxon';
import { checkInstant, parseDuration as boundedDuration, type DurationKind } from '../model/time-bounds';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?/;
const OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
/** Longest instant text: 2026-03-02T09:00:00.123456789+01:00 is 35 characters. */
const MAX_INSTANT_TEXT = 40;

const INSTANT_EXAMPLE = 'such as 2026-03-02T09:00:00+01:00 or 2026-03-02T08:00:00Z';

/** Parses an instant that names its offset; refuses local times, dates alone and impossible dates. */
export function parseInstant(text: string): Parsed<DateTime> {
  const found = JSON.stringify(text.length > MAX_INSTANT_TEXT ? `${text.slice(0, MAX_INSTANT_TEXT - 3)}...` : text);
  if (text.length > MAX_INSTANT_TEXT || !DATE_TIME.test(text)) {
    return { ok: false, message: `expected an ISO 8601 date and time with an offset, ${INSTANT_EXAMPLE}; found ${found}` };
  }
  if (!OFFSET.test(text)) {
    return { ok: false, message: `expected an ISO 8601 date and time with an offset, ${INSTANT_EXAMPLE}; found ${found}, which has no offset (add +01:00, Z, …)` };
  }
  const value = DateTime.fromISO(text, { setZone: true });
  if (!value.isValid) {
    return { ok: false, message: `expected a real date and time, ${INSTANT_EXAMPLE}; found ${found} (${value.invalidExplanation ?? 'invalid'})` };
  }
  // The year as written (in its own offset), and so within the instants the model allows.
  const bounded = value.year >= 2000 && value.year <= 2099 && checkInstant(value.toMillis()).ok;
  if (!bounded) return { ok: false, message: `expected an instant in the years 2000 to 2099, ${INSTANT_EXAMPLE}; found ${found}` };
  return { ok: true, value };
}

/**
 * Parses a strictly positive ISO 8601 duration (P5W, PT12H, P1M…) that a duration of `kind`
 * may take (a phase by default): see DURATION_BOUNDS in src/model/time-bounds.ts.
 */
export function parseDuration(text: string, kind: DurationKind = 'phase'): Parsed<Duration> {
  const checked = boundedDuration(text, kind);
  if (!checked.ok) return { ok: false, message: checked.message };
  return { ok: true, value: Duration.fromISO(text.trim()) };
}

/**
 * An exact span as the ISO 8601 duration a campaign file would write: in whole hours when it
 * is whole hours (`PT24H`), else whole minutes, else seconds. Parses back to the same span.
 */
export function isoDurationOf(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) throw new Error(`isoDurationOf: expected a span longer than zero, got ${ms} ms`);
  if (ms % 3_600_000 === 0) return `PT${ms / 3_600_000}H`;
  if (ms % 60_000 === 0) return `PT${ms / 60_000}M`;
  return `PT${ms / 1000}S`;
}

/** The instant as ISO 8601 in its own offset, without milliseconds when they are zero. */
export function formatInstant(instant: DateTime): string {
  return instant.toISO({ suppressMilliseconds: true }) ?? String(instant.toMillis());
}

/** A span of time in plain English ("5 days, 2 hours"), for messages. */
export function describeSpan(ms: number): string {
  const parts = Duration.fromMillis(Math.abs(ms), { locale: 'en' })
    .shiftTo('weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds')
    .toObject();
  const words = Object.entries(parts)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([unit, n]) => `${n} ${n === 1 ? unit.slice(0, -1) : unit}`);
  return words.length === 0 ? 'no time' : words.join(', ');
}
