import fc from 'fast-check';
import { Duration } from 'luxon';
import {
  checkDurationMs, checkInstant, DURATION_BOUNDS, EARLIEST_INSTANT_MS, isoInstant, LATEST_INSTANT_MS, parseDuration, type DurationKind,
} from '../../src/model/time-bounds';
import { parseCampaignText } from '../../src/config/loader';
import { formatDate } from '../../src/i18n/messages';
import { renderEvent, renderStatus, toDiscordMarkdown, toPlainText, toTelegramHtml } from '../../src/render/message';
import { auditLine } from '../../src/cli/manifest-io';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { MemoryPhaseScheduler } from '../../src/scheduler/memory-scheduler';

const KINDS = Object.keys(DURATION_BOUNDS) as DurationKind[];
const kind = fc.constantFrom(...KINDS);

/** Durations as a careless or hostile author writes them. */
const durationText = fc.oneof(
  fc.tuple(fc.oneof(fc.nat({ max: 400 }), fc.constantFrom(300000, 99999999999, 1e15)), fc.constantFrom('Y', 'M', 'W', 'D')).map(([n, u]) => `P${n}${u}`),
  fc.tuple(fc.oneof(fc.nat({ max: 100_000 }), fc.constantFrom(1e12, 1e20)), fc.constantFrom('H', 'M', 'S')).map(([n, u]) => `PT${n}${u}`),
  fc.constantFrom('P99999999999999999999D', `P1${'0'.repeat(400)}D`, 'P300000Y', 'P1000Y', 'P3Y', 'P1Y', 'PT0.5S', 'PT0.0001S', 'P0D', '-P1D', 'P', 'PT', 'P1.5W', 'P1,5D', 'P1Y2M3W4DT5H6M7S'),
  fc.string({ maxLength: 30 }),
);

/** Instants a file may write: plausible, ancient, far future, and strings that are not instants. */
const instantText = fc.oneof(
  fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
    .chain((d) => fc.constantFrom('Z', '+01:00', '-12:00', '+14:00').map((z) => `${d.toISOString().slice(0, 19)}${z}`)),
  fc.constantFrom('+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '9999-12-31T23:59:59Z', '2099-12-31T23:59:59-12:00', '2000-01-01T00:00:00+14:00', '1999-12-31T23:59:59Z'),
  fc.string({ maxLength: 40 }),
);

describe('the bounds of instants and durations', () => {
  it('parses any text into a duration within its bounds, or refuses it with a typed code and a message', () => {
    fc.assert(fc.property(durationText, kind, (text, k) => {
      const checked = parseDuration(text, k);
      if (checked.ok) {
        expect(checked.ms).toBeGreaterThanOrEqual(DURATION_BOUNDS[k].minMs);
        expect(checked.ms).toBeLessThanOrEqual(DURATION_BOUNDS[k].maxMs);
        // Usable where a start is known: luxon adds it to any campaign instant without failing.
        const end = new Date(LATEST_INSTANT_MS).getTime() + Duration.fromISO(text.trim()).as('milliseconds');
        expect(Number.isFinite(end)).toBe(true);
      } else {
        expect(['duration.invalid', 'duration.out-of-range']).toContain(checked.code);
        expect(checked.message.length).toBeGreaterThan(10);
        expect(checked.message.length).toBeLessThan(300);
      }
    }), { numRuns: 2000 });
  });

  it('refuses P300000Y and P99999999999999999999D as out of range and P5X as invalid', () => {
    expect(parseDuration('P300000Y', 'extension')).toMatchObject({ ok: false, code: 'duration.out-of-range', params: { max: 'P1Y' } });
    expect(parseDuration('P99999999999999999999D', 'phase')).toMatchObject({ ok: false, code: 'duration.out-of-range' });
    expect(parseDuration('P5X', 'phase')).toMatchObject({ ok: false, code: 'duration.invalid' });
    expect(parseDuration('PT2H', 'extension')).toEqual({ ok: true, ms: 2 * 3_600_000 });
  });

  it('takes an instant of the years 2000 to 2099 and refuses any other number, never throwing', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.integer({ min: EARLIEST_INSTANT_MS, max: LATEST_INSTANT_MS - 1 })), (ms) => {
      const checked = checkInstant(ms);
      if (checked.ok) expect(Number.isInteger(ms) && ms >= EARLIEST_INSTANT_MS && ms < LATEST_INSTANT_MS).toBe(true);
      else expect(checked.code).toBe('instant.out-of-range');
      expect(typeof isoInstant(ms)).toBe('string');
      expect(typeof formatDate(ms, 'fr')).toBe('string');
      expect(typeof formatDate(ms, 'en')).toBe('string');
    }), { numRuns: 2000 });
    expect(checkDurationMs(Number.NaN, 'phase').ok).toBe(false);
  });

  it('never throws while writing an audit line or a date, whatever instant the store holds', () => {
    for (const at of [Number.NaN, Number.POSITIVE_INFINITY, 1e20, -1e20, 8.64e15 + 1, 0]) {
      expect(() => auditLine({ at, actor: { platform: 'local', userId: 'lea', displayName: 'Léa' }, action: 'extend', before: null, after: null })).not.toThrow();
      expect(formatDate(at, 'en')).toMatch(/impossible date|1970/);
    }
  });

  it('lets a campaign file through only when every instant and duration is usable by rendering, status and scheduling', async () => {
    await fc.assert(fc.asyncProperty(instantText, durationText, durationText, durationText, async (start, propose, shortlist, vote) => {
      const text = `id: t\ntitle: T\nlocale: en\nschedule:\n  propose: { start: ${JSON.stringify(start)}, duration: ${JSON.stringify(propose)} }\n`
        + `  shortlist: { duration: ${JSON.stringify(shortlist)} }\n  vote: { duration: ${JSON.stringify(vote)} }\nshortlist: { by: curators, size: 2 }\n`
        + 'categories:\n  - { id: c, title: C }\n  - { id: f, title: F, options: [a, b] }\n';
      const result = parseCampaignText(text, 't.yaml');
      if (!result.ok) {
        for (const p of result.problems) expect(p.message).not.toMatch(/\n|at .*\.ts:\d+|Error:/);
        return;
      }
      const spec = result.spec;
      const clock = new VirtualClock(EARLIEST_INSTANT_MS);
      const scheduler = new MemoryPhaseScheduler({ clock });
      const fired: string[] = [];
      await scheduler.start(async (job) => { fired.push(job.id); });
      for (const category of spec.categories) {
        const instants = [...category.phases.flatMap((w) => [w.start, w.end]), category.revealAt];
        for (const ms of instants) {
          expect(checkInstant(ms).ok).toBe(true);
          for (const locale of ['fr', 'en'] as const) {
            expect(formatDate(ms, locale)).not.toMatch(/impossible/);
            const msg = renderEvent({ id: 'e', campaignId: 't', categoryId: category.id, at: ms, kind: 'phase.opened', phase: 'vote', endsAt: ms }, spec, locale);
            expect(toPlainText(msg)).toContain(formatDate(ms, locale));
            expect(toDiscordMarkdown(msg).length).toBeGreaterThan(0);
            expect(toTelegramHtml(msg)).not.toBe('');
            const status = renderStatus({ ok: true, type: 'status', title: 'T', roles: ['fan'], categories: [{ id: category.id, title: category.title, phase: 'propose', paused: false, endsAt: ms, proposals: 0, ballots: null }] }, locale);
            expect(toPlainText(status)).toContain(formatDate(ms, locale));
          }
        }
        await scheduler.schedule({ id: `reveal-${category.id}`, campaignId: 't', categoryId: category.id, kind: 'phase.due', from: 'vote', version: 0, at: category.revealAt });
      }
      await clock.runUntil(Math.max(...spec.categories.map((c) => c.revealAt)));
      await scheduler.idle();
      expect(fired.sort()).toEqual(spec.categories.map((c) => `reveal-${c.id}`).sort());
    }), { numRuns: 400 });
  });
});
