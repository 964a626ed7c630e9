/**
 * A fuzz run over generated campaign files: validate → resolve → simulate a tiny crowd →
 * render status and results. No stack trace, no hang, no category left unable to reveal.
 * A few thousand files in `npm test`; more with COCREATE_FUZZ_RUNS (e.g. 20000).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseCampaignText } from '../../src/config/loader';
import { simulate } from '../../src/cli/simulate';
import { renderEvent, renderResult, toDiscordMarkdown, toPlainText, toTelegramHtml } from '../../src/render/message';
import { SYSTEM_ACTOR } from '../../src/model/campaign';

const RUNS = Number(process.env['COCREATE_FUZZ_RUNS'] ?? 2000);

const duration = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('PT1H', 'PT12H', 'P1D', 'P2D', 'P1W', 'P5W', 'P1M', 'PT30M') },
  { weight: 1, arbitrary: fc.constantFrom('P300000Y', 'P99999999999999999999D', 'P0D', '-P1D', 'PT0.1S', 'P4Y', 'P3Y', 'xyz', '', 'P1Y2M3DT4H') },
);
const start = fc.oneof(
  { weight: 6, arbitrary: fc.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2098-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => `${d.toISOString().slice(0, 19)}+01:00`) },
  { weight: 1, arbitrary: fc.constantFrom('1970-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '2099-12-31T00:00:00Z', '2026-03-02T09:00:00', 'tomorrow') },
);
const hostileText = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('@everyone', '<b>x</b>', 'https://evil.example', '🏳️‍🌈 中文', '\u202Egnp.exe', '  '));

const category = fc.record({
  fixed: fc.boolean(),
  options: fc.uniqueArray(fc.constantFrom('Rouge', 'Vert', 'Bleu', 'Jaune', 'Noir', 'Blanc'), { minLength: 1, maxLength: 5 }),
  title: hostileText,
  own: fc.option(fc.record({ vote: fc.record({ duration }) }), { nil: undefined }),
});

const file = fc.record({
  start, propose: duration, shortlist: duration, vote: duration,
  by: fc.constantFrom('curators', 'likes', 'threshold'),
  size: fc.integer({ min: 0, max: 30 }),
  winners: fc.integer({ min: 0, max: 4 }),
  method: fc.constantFrom('single', 'approval', 'ranked'),
  tieBreak: fc.constantFrom('earliest', 'curators', 'seeded'),
  categories: fc.array(category, { minLength: 1, maxLength: 3 }),
  title: hostileText,
  locale: fc.constantFrom('fr', 'en'),
}).map((f) => stringify({
  id: 'fuzz', title: f.title, locale: f.locale,
  schedule: { propose: { start: f.start, duration: f.propose }, shortlist: { duration: f.shortlist }, vote: { duration: f.vote } },
  shortlist: f.by === 'threshold' ? { by: 'threshold', likes: 1 } : { by: f.by, size: f.size },
  vote: f.method === 'approval' ? { method: 'approval', maxChoices: 2 } : { method: f.method },
  reveal: { winners: f.winners, tieBreak: f.tieBreak },
  categories: f.categories.map((c, i) => ({
    id: `c${i}`, title: c.title, ...(c.fixed ? { options: c.options } : {}),
    ...(c.own && c.fixed ? { schedule: { vote: { start: f.start, duration: c.own.vote.duration } } } : {}),
  })),
}));

describe('fuzzed campaign files', () => {
  it('validate without a stack trace, whatever the file', () => {
    fc.assert(fc.property(file, (text) => {
      const result = parseCampaignText(text, 'fuzz.yaml');
      if (!result.ok) for (const p of result.problems) expect(p.message).not.toMatch(/\n\s+at |Error:|undefined|NaN/);
    }), { numRuns: RUNS });
  });

  it('once valid, simulate with a tiny crowd, reveal every category and render status and results', async () => {
    let played = 0;
    await fc.assert(fc.asyncProperty(file, fc.integer({ min: 1, max: 6 }), async (text, fans) => {
      const result = parseCampaignText(text, 'fuzz.yaml');
      if (!result.ok) return;
      played++;
      const sim = await simulate(result.spec, { fans, seed: 'fuzz' });
      try {
        const status = await sim.runtime.engine.execute({ type: 'status', campaignId: 'fuzz' }, SYSTEM_ACTOR);
        expect(status.ok).toBe(true);
        if (!status.ok || status.type !== 'status') return;
        // No category left unable to reveal: each is revealed, or waits for the curators to break a tie.
        for (const c of status.categories) expect(c.phase).toBe('reveal');
        for (const locale of ['fr', 'en'] as const) {
          const shown = renderResult(status, { type: 'status', campaignId: 'fuzz' }, result.spec, locale);
          expect(toPlainText(shown)).not.toMatch(/impossible date|NaN|undefined/);
          const results = await sim.runtime.engine.execute({ type: 'results', campaignId: 'fuzz' }, SYSTEM_ACTOR);
          const rendered = renderResult(results, { type: 'results', campaignId: 'fuzz' }, result.spec, locale);
          expect(toDiscordMarkdown(rendered).length).toBeGreaterThan(0);
          expect(toTelegramHtml(rendered)).not.toMatch(/undefined|NaN/);
          for (const c of result.spec.categories) {
            toPlainText(renderEvent({ id: 'e', campaignId: 'fuzz', categoryId: c.id, at: c.revealAt, kind: 'phase.opened', phase: 'vote', endsAt: c.revealAt }, result.spec, locale));
          }
        }
      } finally {
        await sim.runtime.close();
      }
    }), { numRuns: Math.max(60, Math.round(RUNS / 20)) });
    expect(played).toBeGreaterThan(5);
  }, 600_000);
});
