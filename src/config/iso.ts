/**
 * ISO 8601 instants and durations as campaign files write them (DESIGN invariant 8): an
 * instant always carries its offset, a duration is strictly positive. Parsing keeps the
 * instant's own offset, so calendar durations (P1M) are added in the offset the author wrote.
 */
import { DateTime, Duration } from 'luxon';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?/;
const OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;
// Y M W D, then T H M S; each number may carry a fraction. Luxon checks the order.
const DURATION = /^P(?:\d+(?:[.,]\d+)?[YMWD])*(?:T(?:\d+(?:[.,]\d+)?[HMS])+)?$/;

const INSTANT_EXAMPLE = 'such as 2026-03-02T09:00:00+01:00 or 2026-03-02T08:00:00Z';
const DURATION_EXAMPLE = 'such as P5W (5 weeks), P3D (3 days), PT12H (12 hours) or P1M (1 month)';

/** Parses an instant that names its offset; refuses local times, dates alone and impossible dates. */
export function parseInstant(text: string): Parsed<DateTime> {
  const found = JSON.stringify(text);
  if (!DATE_TIME.test(text)) {
    return { ok: false, message: `expected an ISO 8601 date and time with an offset, ${INSTANT_EXAMPLE}; found ${found}` };
  }
  if (!OFFSET.test(text)) {
    return { ok: false, message: `expected an ISO 8601 date and time with an offset, ${INSTANT_EXAMPLE}; found ${found}, which has no offset (add +01:00, Z, …)` };
  }
  const value = DateTime.fromISO(text, { setZone: true });
  if (!value.isValid) {
    return { ok: false, message: `expected a real date and time, ${INSTANT_EXAMPLE}; found ${found} (${value.invalidExplanation ?? 'invalid'})` };
  }
  return { ok: true, value };
}

/** Parses a strictly positive ISO 8601 duration (P5W, PT12H, P1M…). */
export function parseDuration(text: string): Parsed<Duration> {
  if (text.startsWith('-')) {
    return { ok: false, message: `expected a duration longer than zero, ${DURATION_EXAMPLE}; found ${JSON.stringify(text)}, which is negative` };
  }
  const value = DURATION.test(text) && text !== 'P' ? Duration.fromISO(text) : undefined;
  if (value === undefined || !value.isValid) {
    return { ok: false, message: `expected an ISO 8601 duration, ${DURATION_EXAMPLE}; found ${JSON.stringify(text)}` };
  }
  if (!Object.values(value.toObject()).some((n) => n > 0)) {
    return { ok: false, message: `expected a duration longer than zero, ${DURATION_EXAMPLE}; found ${JSON.stringify(text)}` };
  }
  return { ok: true, value };
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
