// The defaults of the campaign file are declared once, in src/model/campaign.ts: a file that
// leaves a key out resolves to exactly the model's default, and the engine's fallbacks agree.
import { isoDurationOf, parseDuration } from '../../src/config/iso';
import {
  DEFAULT_COLORS,
  DEFAULT_ELIGIBILITY,
  DEFAULT_PROPOSAL_RULES,
  DEFAULT_REMINDERS,
  DEFAULT_REVEAL_RULE,
  DEFAULT_VOTE_RULE,
  defaultSeed,
} from '../../src/model/campaign';
import { load, specOf, VALID } from './helpers';

describe('defaults written once', () => {
  it('resolves a file without rules to the rules the model declares as defaults', () => {
    const spec = specOf(VALID);
    const [one] = spec.categories;
    expect(one?.proposals).toEqual(DEFAULT_PROPOSAL_RULES);
    expect(one?.vote).toEqual(DEFAULT_VOTE_RULE);
    const { mentionAuthors, ...reveal } = DEFAULT_REVEAL_RULE;
    expect(one?.reveal).toEqual(reveal);
    expect(mentionAuthors).toBe(false); // absent in the spec: the engine reads it as off
    expect(spec.colors).toEqual(DEFAULT_COLORS);
    expect(spec.reminders).toEqual(DEFAULT_REMINDERS);
  });

  it('writes the default reminders in the file as ISO durations that parse back to the same spans', () => {
    const result = load(VALID);
    if (!result.ok) throw new Error('VALID is valid');
    expect(result.file.reminders).toEqual([
      { phase: 'propose', before: 'PT24H' },
      { phase: 'vote', before: 'PT24H' },
    ]);
    result.file.reminders.forEach((r, i) => {
      const parsed = parseDuration(r.before);
      expect(parsed.ok && parsed.value.toMillis()).toBe(DEFAULT_REMINDERS[i]?.beforeMs);
    });
  });

  it("fills the keys an eligibility rule leaves out with the model's defaults", () => {
    const spec = specOf(`${VALID}eligibility: { minAccountAge: P7D }\n`);
    expect(spec.trust?.eligibility?.vote).toEqual({ ...DEFAULT_ELIGIBILITY, minAccountAgeMs: 7 * 86_400_000 });
  });

  it('seeds a seeded tie-break with the default seed of the model', () => {
    const reveal = specOf(`${VALID}reveal: { tieBreak: seeded }\n`).categories[0]?.reveal;
    expect(reveal?.seed).toBe(defaultSeed('demo', 'one'));
    expect(defaultSeed('demo', 'one')).toBe('demo/one');
  });
});

describe('isoDurationOf', () => {
  it('writes a span in whole hours, else minutes, else seconds', () => {
    expect(isoDurationOf(86_400_000)).toBe('PT24H');
    expect(isoDurationOf(90 * 60_000)).toBe('PT90M');
    expect(isoDurationOf(1_500)).toBe('PT1.5S');
  });

  it('refuses a span that is not longer than zero', () => {
    expect(() => isoDurationOf(0)).toThrow(/longer than zero/);
    expect(() => isoDurationOf(Number.NaN)).toThrow(/longer than zero/);
  });
});
