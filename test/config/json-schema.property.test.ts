/**
 * The JSON Schema editors use and the zod schema `validate` uses must judge campaign files
 * alike: on the shipped files and on generated ones, near-valid files with one or more values
 * broken. The JSON Schema may accept only what zod refuses for the reasons it cannot express
 * (see src/config/json-schema.ts); it must never refuse what zod accepts.
 *
 * ajv checks the JSON Schema: the reference JSON Schema validator for JavaScript, draft 2020-12
 * (what zod emits). `unicode: false` counts string lengths in UTF-16 units as JavaScript (and
 * zod) do; editors count code points, which only ever lets them accept more.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { parse } from 'yaml';
import { campaignFileSchema } from '../../src/config/schema';
import { CAMPAIGN_SCHEMA_PATH, campaignJsonSchema, campaignJsonSchemaText } from '../../src/config/json-schema';

const ROOT = join(__dirname, '../..');
const SHIPPED = readdirSync(join(ROOT, 'campaigns')).filter((f) => f.endsWith('.yaml')).map((f) => join(ROOT, 'campaigns', f));

const ajv = new Ajv2020({ allErrors: true, unicode: false, strict: true });
const jsonValid = ajv.compile(campaignJsonSchema());

/** What the JSON Schema cannot say; zod alone refuses a file for these. */
const BEYOND_JSON_SCHEMA = [
  /no proposal could be long enough and short enough/, // minLength > maxLength
  /options must differ/, // the same option but for case, accents or spaces
  /the same reminder as entry/, // P1D and PT24H
  /^expected a real date and time/, // 30 February, 25:00
  /^expected an instant in the years 2000 to 2099/, // 1999-12-31 or 2100-01-01 in an offset that leaves the bounds
];

function verdicts(input: unknown) {
  const zod = campaignFileSchema.safeParse(input);
  const json = jsonValid(input);
  return { zod, json, zodMessages: zod.success ? [] : zod.error.issues.map((i) => i.message), jsonErrors: json ? [] : (jsonValid.errors ?? []) };
}

/** Agreement: the same verdict, or the JSON Schema accepts and every zod issue is beyond it. */
function expectAgreement(generated: unknown): void {
  const input = JSON.parse(JSON.stringify(generated)) as unknown; // plain objects, as a parsed file gives
  const v = verdicts(input);
  if (v.zod.success) {
    if (!v.json) throw new Error(`the JSON Schema refuses a file zod accepts: ${ajv.errorsText(v.jsonErrors)}\n${JSON.stringify(input)}`);
    return;
  }
  if (v.json && !v.zodMessages.every((m) => BEYOND_JSON_SCHEMA.some((re) => re.test(m)))) {
    throw new Error(`the JSON Schema accepts a file zod refuses for: ${v.zodMessages.join(' | ')}\n${JSON.stringify(input)}`);
  }
}

describe('the JSON Schema of campaign files', () => {
  it('is current: schema/campaign.schema.json is what the zod schema generates (npm run schema)', () => {
    expect(readFileSync(join(ROOT, CAMPAIGN_SCHEMA_PATH), 'utf8')).toBe(campaignJsonSchemaText());
  });

  it('is named on the first line of every shipped campaign file, by a path that reaches it', () => {
    for (const file of SHIPPED) {
      const first = readFileSync(file, 'utf8').split('\n')[0]!;
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(match).not.toBeNull();
      expect(readFileSync(join(file, '..', match![1]!), 'utf8')).toBe(campaignJsonSchemaText());
    }
  });

  it('accepts every shipped campaign file, as zod does', () => {
    for (const file of SHIPPED) {
      const input = parse(readFileSync(file, 'utf8')) as unknown;
      expect(campaignFileSchema.safeParse(input).success).toBe(true);
      expect(jsonValid(input) ? [] : ajv.errorsText(jsonValid.errors)).toEqual([]);
    }
  });

  it('refuses what zod refuses in each kind of value: ids, texts, platform ids, instants, durations, colours, numbers, unknown keys', () => {
    const base = parse(readFileSync(SHIPPED.find((f) => f.includes('danone'))!, 'utf8')) as Record<string, unknown>;
    const broken: Record<string, unknown>[] = [
      { ...base, id: 'Crunch Movie' }, { ...base, id: 'a'.repeat(65) }, { ...base, title: '   ' }, { ...base, title: 'x'.repeat(201) },
      { ...base, locale: 'de' }, { ...base, channels: { discord: [{ guild: '12a', channel: '1' }] } }, { ...base, channels: { telegram: [{ chat: 'group' }] } },
      { ...base, schedule: { vote: { start: '2026-03-02T09:00:00', duration: 'P1W' } } }, { ...base, schedule: { vote: { start: '2026-03-02T09:00:00Z', duration: 'P1DT' } } },
      { ...base, schedule: { vote: { start: '2026-03-02T09:00:00Z', duration: 'PT0S' } } }, { ...base, schedule: { vote: { start: '2026-03-02T09:00:00Z', duration: 'P1,5D' } } },
      { ...base, colors: { winner: 'red' } }, { ...base, reveal: { winners: 0 } }, { ...base, reveal: { seed: 'x' } }, { ...base, vote: { method: 'approval' } },
      { ...base, categorie: [] }, { ...base, proposals: { perFan: 2.5 } }, { ...base, roles: { curators: { telegram: ['everyone'] } } },
    ];
    for (const input of broken) {
      const v = verdicts(input);
      expect(v.zod.success).toBe(false);
      expect(v.json).toBe(false);
    }
  });

  it('says less than zod only where JSON Schema cannot: minLength above maxLength, near-duplicate options, impossible dates', () => {
    const base = parse(readFileSync(SHIPPED.find((f) => f.includes('danone'))!, 'utf8')) as Record<string, unknown>;
    for (const input of [
      { ...base, proposals: { minLength: 50, maxLength: 10 } },
      { ...base, categories: [{ id: 'flavour', title: 'Le parfum', options: ['Framboise', 'framboise '] }] },
      { ...base, schedule: { vote: { start: '2026-02-30T09:00:00Z', duration: 'P1W' } } },
    ]) {
      const v = verdicts(input);
      expect(v.zod.success).toBe(false);
      expect(v.json).toBe(true);
      expectAgreement(input);
    }
  });

  // ---------------------------------------------------------------- generated files

  const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^\\d{${min},${max}}$`));
  const id = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.constantFrom('Bad Id', '', 'é', 'a'.repeat(64), 'a'.repeat(65)), fc.integer());
  const text = (max: number) => fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
    fc.constantFrom('', ' \t\n', '\u00a0', '\ufeff', 'x'.repeat(max), 'x'.repeat(max + 1), '😀'.repeat(Math.ceil(max / 2)), 'ok'),
    fc.integer(), fc.constant(null),
  );
  const discordId = fc.oneof(digits(1, 20), fc.constantFrom('', '1'.repeat(21), 'abc', '12 3'), fc.integer());
  const chatId = fc.oneof(fc.tuple(fc.constantFrom('', '-'), digits(1, 20)).map(([s, d]) => s + d), fc.constantFrom('--1', 'group', '+1'));
  const userId = fc.oneof(digits(1, 20), fc.constantFrom('admins', 'Admins', ''));
  const instant = fc.oneof(
    fc.tuple(
      fc.integer({ min: 1990, max: 2040 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 60 }),
      fc.constantFrom('', ':00', ':59', ':60', '00', ':00.5', ':00,123', ':00.1234567890'),
      fc.constantFrom('Z', 'z', '+01:00', '-0530', '+01', '', '+1:00', '[Europe/Paris]'),
      fc.constantFrom('T', 't', ' '),
    ).map(([y, mo, d, h, mi, sec, off, t]) => `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}${t}${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}${sec}${off}`),
    fc.constantFrom('2013-02-18', 'tomorrow', '2013-02-18T09:00:00+01:00'),
  );
  const duration = fc.oneof(
    fc.array(fc.constantFrom('P', 'T', '1', '0', '5', '12', '.', ',', '5.5', 'Y', 'M', 'W', 'D', 'H', 'S', '-'), { minLength: 1, maxLength: 7 }).map((parts) => parts.join('')),
    fc.tuple(fc.constantFrom('P', 'P1Y', 'P2M', 'P0W', 'P5W', 'P1D', 'P0.5D', 'P1,5D'), fc.constantFrom('', 'T', 'T12H', 'T0S', 'T1,5S', 'T1.5S', 'T30M', 'T1H1M1S', 'T1S1M')).map(([a, b]) => a + b),
    fc.constantFrom('P5W', 'PT12H', 'P1M', '5 weeks', '-P1D', 'p1d'),
  );
  const int = (min: number, max: number) => fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max }) }, fc.constantFrom(min - 1, max + 1, 1.5, '3'));
  const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const record = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) => fc.record(model, { requiredKeys: [] });
  const phase = record({ start: instant, duration });
  const schedule = record({ propose: phase, shortlist: phase, vote: phase, reveal: record({ start: instant }) });
  const proposals = record({ minLength: int(1, 1000), maxLength: int(1, 1000), perFan: int(1, 100), maxTotal: int(1, 1_000_000) });
  const shortlist = fc.oneof(
    fc.record({ by: fc.constantFrom('curators', 'likes'), size: int(1, 25) }),
    record({ by: fc.constant('threshold'), likes: int(1, 1000), size: int(1, 25) }),
    fc.record({ by: fc.constantFrom('votes', 'jury') }),
  );
  const vote = fc.oneof(
    record({ method: fc.constant('single'), allowChange: fc.boolean(), liveCounts: fc.oneof(fc.boolean(), fc.constant('yes')) }),
    record({ method: fc.constant('approval'), maxChoices: int(1, 25), allowChange: fc.boolean() }),
    record({ method: fc.constantFrom('ranked', 'borda'), maxRanks: int(1, 25) }),
  );
  const reveal = record({ winners: int(1, 25), tieBreak: fc.constantFrom('earliest', 'curators', 'seeded', 'coin'), seed: text(200), mentionAuthors: fc.oneof(fc.boolean(), fc.constant(1)) });
  const color = fc.oneof(fc.stringMatching(/^#[0-9a-fA-F]{6}$/), fc.constantFrom('#fff', 'red', '#GGGGGG', '#e4002b '));
  const grants = record({ discord: fc.array(discordId, { maxLength: 2 }), telegram: fc.array(userId, { maxLength: 2 }) });
  const eligibility = record({
    minAccountAge: duration, unknown: fc.constantFrom('allow', 'refuse', 'ask'), requireRoles: grants,
    excludeUsers: record({ discord: fc.array(discordId, { maxLength: 2 }), telegram: fc.array(fc.oneof(digits(1, 20), fc.constant('admins')), { maxLength: 2 }) }),
    vote: record({ minMemberAge: duration }),
  });
  const category = record({
    id, title: text(200), prompt: text(1000),
    options: fc.array(fc.oneof(text(200), fc.constantFrom('Framboise', 'framboise', 'Fraise')), { minLength: 0, maxLength: 4 }),
    schedule, vote, reveal, shortlist, proposals,
  });
  const campaign = fc.record({
    id, title: text(200), locale: fc.constantFrom('fr', 'en', 'de'),
    channels: optional(record({ discord: fc.array(record({ guild: discordId, channel: discordId }), { maxLength: 2 }), telegram: fc.array(record({ chat: chatId }), { maxLength: 2 }) })),
    roles: optional(record({ curators: grants, managers: grants })),
    schedule: optional(schedule), proposals: optional(proposals), shortlist: optional(shortlist), vote: optional(vote), reveal: optional(reveal),
    colors: optional(record({ background: color, winner: color })),
    reminders: optional(fc.array(fc.record({ phase: fc.constantFrom('propose', 'vote', 'reveal'), before: duration }), { maxLength: 3 })),
    eligibility: optional(eligibility),
    limits: optional(record({ proposals: fc.record({ max: int(1, 10_000), per: duration }) })),
    retention: optional(duration),
    categories: fc.oneof({ weight: 5, arbitrary: fc.array(category, { minLength: 1, maxLength: 3 }) }, fc.constant([]), fc.constant('none')),
    extra: optional(fc.constantFrom('unknown', 1)),
  }, { requiredKeys: ['categories'] }).map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));

  it('agrees with zod on generated campaign files, valid and broken', () => {
    fc.assert(fc.property(campaign, (input) => expectAgreement(input)), { numRuns: 3000 });
  });

  it('judges each kind of value alike when the rest of the file is valid', () => {
    const base = parse(readFileSync(SHIPPED.find((f) => f.includes('danone'))!, 'utf8')) as Record<string, unknown>;
    const at: Record<string, (value: unknown) => Record<string, unknown>> = {
      instant: (v) => ({ ...base, schedule: { vote: { start: v, duration: 'P1W' } } }),
      duration: (v) => ({ ...base, schedule: { vote: { start: '2026-03-02T09:00:00Z', duration: v } } }),
      id: (v) => ({ ...base, id: v }),
      text: (v) => ({ ...base, title: v }),
      discord: (v) => ({ ...base, channels: { discord: [{ guild: v, channel: '1' }] } }),
      chat: (v) => ({ ...base, channels: { telegram: [{ chat: v }] } }),
      user: (v) => ({ ...base, roles: { managers: { telegram: [v] } } }),
      colour: (v) => ({ ...base, colors: { bar: v } }),
    };
    const value = fc.oneof(
      fc.tuple(fc.constant('instant'), instant), fc.tuple(fc.constant('duration'), duration), fc.tuple(fc.constant('id'), id),
      fc.tuple(fc.constant('text'), text(200)), fc.tuple(fc.constant('discord'), discordId), fc.tuple(fc.constant('chat'), chatId),
      fc.tuple(fc.constant('user'), userId), fc.tuple(fc.constant('colour'), color),
    );
    fc.assert(fc.property(value, ([kind, v]) => expectAgreement(at[kind]!(v))), { numRuns: 3000 });
  });

  it('accepts every generated file zod accepts, on files that are mostly valid', () => {
    // The same generators reach valid files too rarely to trust the property above for them alone.
    const valid = fc.record({
      id: fc.stringMatching(/^[a-z0-9-]{1,20}$/), title: fc.string({ minLength: 1, maxLength: 30 }).filter((t) => t.trim() !== ''), locale: fc.constantFrom('fr', 'en'),
      schedule: fc.record({ vote: fc.record({ start: fc.date({ min: new Date('2000-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), duration: fc.constantFrom('P1W', 'PT36H', 'P1DT12H', 'P0.5D') }) }),
      vote: vote.filter((v) => (v as { method: string }).method !== 'borda'),
      categories: fc.array(fc.record({ id: fc.stringMatching(/^[a-z]{1,8}$/), title: fc.string({ minLength: 1, maxLength: 30 }).filter((t) => t.trim() !== ''), options: fc.uniqueArray(fc.stringMatching(/^[A-Z][a-z]{2,8}$/), { minLength: 2, maxLength: 5 }) }), { minLength: 1, maxLength: 3 }),
    });
    let accepted = 0;
    fc.assert(fc.property(valid, (input) => {
      if (campaignFileSchema.safeParse(input).success) accepted++;
      expectAgreement(input);
    }), { numRuns: 500 });
    expect(accepted).toBeGreaterThan(100);
  });
});
