import { HEADER, SCHEDULE, specOf, utc, VALID } from './helpers';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

describe('resolution to the engine model', () => {
  it('fills the defaults of every rule', () => {
    const [one] = specOf(VALID).categories;
    expect(one).toMatchObject({
      id: 'one',
      title: 'One',
      proposals: { minLength: 3, maxLength: 280, perFan: 3 },
      shortlist: { by: 'curators', size: 3 },
      vote: { method: 'single', allowChange: true },
      reveal: { winners: 1, tieBreak: 'earliest' },
    });
    expect(one).not.toHaveProperty('prompt');
    expect(one).not.toHaveProperty('options');
  });

  it('gives every phase its window in UTC milliseconds, each ending where the next starts', () => {
    const [one] = specOf(VALID).categories;
    const start = utc('2026-03-02T08:00:00Z');
    expect(one?.phases).toEqual([
      { phase: 'propose', start, end: start + 7 * DAY },
      { phase: 'shortlist', start: start + 7 * DAY, end: start + 9 * DAY },
      { phase: 'vote', start: start + 9 * DAY, end: start + 12 * DAY },
    ]);
    expect(one?.revealAt).toBe(start + 12 * DAY);
  });

  it('lets a category rule replace the whole campaign rule, then applies the defaults', () => {
    const text = `${VALID}proposals: { minLength: 10, maxLength: 500, perFan: 5 }\n`.replace('    title: One\n', '    title: One\n    proposals: { perFan: 1 }\n');
    const spec = specOf(text);
    expect(spec.categories[0]?.proposals).toEqual({ minLength: 3, maxLength: 280, perFan: 1 });
  });

  it('lets a category override schedule phases one key at a time', () => {
    const text = VALID.replace('    title: One\n', '    title: One\n    schedule:\n      propose: { start: "2026-03-09T09:00:00+01:00", duration: P2W }\n');
    const [one] = specOf(text).categories;
    const start = utc('2026-03-09T08:00:00Z');
    expect(one?.phases.map((w) => [w.phase, w.start - start])).toEqual([
      ['propose', 0],
      ['shortlist', 14 * DAY],
      ['vote', 16 * DAY],
    ]);
  });

  it('ends a phase without duration where the next phase starts', () => {
    const text = VALID.replace('duration: P1W }', '}').replace('shortlist: { duration: P2D }', 'shortlist: { start: "2026-03-05T21:00:00+01:00", duration: P2D }');
    const [propose] = specOf(text).categories[0]?.phases ?? [];
    expect(propose).toEqual({ phase: 'propose', start: utc('2026-03-02T08:00:00Z'), end: utc('2026-03-05T20:00:00Z') });
  });

  it('accepts a reveal start equal to the end of the vote, or in place of its duration', () => {
    const exact = VALID.replace('  vote: { duration: P3D }\n', '  vote: { duration: P3D }\n  reveal: { start: "2026-03-14T08:00:00Z" }\n');
    expect(specOf(exact).categories[0]?.revealAt).toBe(utc('2026-03-14T08:00:00Z'));
    const instead = VALID.replace('  vote: { duration: P3D }\n', '  vote: {}\n  reveal: { start: "2026-03-20T12:00:00+02:00" }\n');
    expect(specOf(instead).categories[0]?.phases.at(-1)).toEqual({ phase: 'vote', start: utc('2026-03-11T08:00:00Z'), end: utc('2026-03-20T10:00:00Z') });
  });

  it('adds calendar durations in the offset of the start', () => {
    const text = `${HEADER}schedule:\n  propose: { start: "2026-01-31T23:30:00-05:00", duration: P1M }\n  vote: { duration: P1D }\nshortlist: { by: likes, size: 3 }\ncategories:\n  - id: one\n    title: One\n`;
    const [propose] = specOf(text).categories[0]?.phases ?? [];
    // 31 January + 1 month = 28 February at 23:30 in -05:00, which is 1 March 04:30 UTC.
    expect(propose?.end).toBe(utc('2026-03-01T04:30:00Z'));
  });

  it('goes from propose straight to vote when a likes shortlist has no phase', () => {
    const text = VALID.replace('  shortlist: { duration: P2D }\n', '').replace('by: curators', 'by: likes');
    expect(specOf(text).categories[0]?.phases.map((w) => w.phase)).toEqual(['propose', 'vote']);
  });

  it('gives a fixed-option category only a vote, aligned on the campaign vote, and an internal shortlist of its options', () => {
    const text = `${HEADER}${SCHEDULE}shortlist: { by: curators, size: 3 }\ncategories:\n  - id: one\n    title: One\n  - id: colour\n    title: Colour\n    prompt: "Which one?"\n    options: [Red, Green, Blue]\n`;
    const [one, colour] = specOf(text).categories;
    expect(colour?.phases).toEqual([one?.phases[2]]);
    expect(colour?.revealAt).toBe(one?.revealAt);
    expect(colour).toMatchObject({ prompt: 'Which one?', options: ['Red', 'Green', 'Blue'], shortlist: { by: 'curators', size: 3 } });
  });

  it('gives a fixed-option category with its own vote phase only that vote window', () => {
    const text = `${HEADER}${SCHEDULE}shortlist: { by: curators, size: 3 }\ncategories:\n  - id: colour\n    title: Colour\n    options: [Red, Green]\n    schedule:\n      vote: { start: "2026-06-01T18:00:00+02:00", duration: PT34H }\n`;
    expect(specOf(text).categories[0]?.phases).toEqual([{ phase: 'vote', start: utc('2026-06-01T16:00:00Z'), end: utc('2026-06-03T02:00:00Z') }]);
  });

  it('seeds a seeded tie-break with the campaign and category ids unless a seed is given', () => {
    const seeded = specOf(`${VALID}reveal: { tieBreak: seeded }\n`).categories[0]?.reveal;
    expect(seeded).toEqual({ winners: 1, tieBreak: 'seeded', seed: 'demo/one' });
    const given = specOf(`${VALID}reveal: { tieBreak: seeded, seed: "2013" }\n`).categories[0]?.reveal;
    expect(given?.seed).toBe('2013');
  });

  it('keeps a threshold shortlist without size as it is', () => {
    const text = VALID.replace('shortlist: { by: curators, size: 3 }', 'shortlist: { by: threshold, likes: 100 }');
    expect(specOf(text).categories[0]?.shortlist).toEqual({ by: 'threshold', likes: 100 });
  });

  it('carries channels and roles with empty lists by default', () => {
    const spec = specOf(`${VALID}roles:\n  curators: { telegram: ["42"] }\n`);
    expect(spec.channels).toEqual({ discord: [], telegram: [] });
    expect(spec.roles).toEqual({ curators: { discord: [], telegram: ['42'] }, managers: { discord: [], telegram: [] } });
  });
});
