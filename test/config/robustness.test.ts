import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { parseCampaignText, type LoadResult } from '../../src/config/loader';
import { validateCampaign } from '../../src/config/validate';
import { VALID } from './helpers';

const CRUNCH = parse(readFileSync(join(__dirname, '../../campaigns/crunch-super-social-movie.yaml'), 'utf8')) as unknown;
const SMALL = parse(VALID) as unknown;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Step = string | number;

function pathsOf(value: unknown, prefix: Step[] = []): Step[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(value.flatMap((v, i) => pathsOf(v, [...prefix, i])));
  if (typeof value === 'object' && value !== null) return here.concat(Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k])));
  return here;
}

type Mutation = { kind: 'delete' | 'replace' | 'add'; at: number; key: string; value: Json };

/** Applies one mutation to a copy: deletes, replaces or adds a key somewhere in the tree. */
function mutate(root: unknown, { kind, at, key, value }: Mutation): unknown {
  const copy = structuredClone(root) as Json;
  const paths = pathsOf(copy);
  const path = paths[at % paths.length] ?? [];
  if (path.length === 0) return kind === 'replace' ? value : copy;
  let parent: unknown = copy;
  for (const step of path.slice(0, -1)) parent = (parent as Record<Step, unknown>)[step];
  const last = path.at(-1) as Step;
  const target = parent as Record<Step, unknown> & unknown[];
  if (kind === 'delete') {
    if (Array.isArray(target) && typeof last === 'number') target.splice(last, 1);
    else delete target[last];
  } else if (kind === 'replace') target[last] = value;
  else {
    const node = target[last];
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) (node as Record<string, unknown>)[key] = value;
    else target[last] = { [key]: value };
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'add'),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom('start', 'duration', 'options', 'by', 'size', 'vote', 'schedule', 'winners'), fc.string()),
  value: fc.oneof(
    fc.jsonValue() as fc.Arbitrary<Json>,
    fc.constantFrom<Json>('P1W', '-P1D', 'P0D', '2013-02-18T09:00:00', '2013-02-18T09:00:00+01:00', 'curators', 'approval', 0, -1, 1.5, 30, [], {}),
  ),
});

const YAMLISH = [
  'id', 'title', 'locale', 'schedule', 'propose', 'vote', 'categories', 'options', 'start', 'duration', ':', ': ', ' ', '\n', '\n  ', '\n    ',
  '- ', '{', '}', '[', ']', ',', '"', "'", '&a ', '*a', '!!str ', '!x ', '#', '|', '>', '? ', '---', '...', '\t', '%YAML 1.2\n', '<<: ',
  'P1W', '2026-03-02T09:00:00+01:00', 'fr', 'x', '1', '-1', '1e400', 'true', 'null', '~', '\u0000', '\uFEFF', 'é', '😀',
];

function assertWellFormed(result: LoadResult): void {
  if (result.ok) {
    for (const category of result.spec.categories) {
      expect(category.phases.length).toBeGreaterThan(0);
      category.phases.forEach((w, i) => {
        expect(w.end).toBeGreaterThan(w.start);
        if (i > 0) expect(w.start).toBe(category.phases[i - 1]?.end);
      });
      expect(category.revealAt).toBe(category.phases.at(-1)?.end);
    }
    return;
  }
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.col).toBeGreaterThanOrEqual(1);
    expect(typeof problem.path).toBe('string');
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

describe('campaign loader robustness', () => {
  it('answers a result, never an exception, for any YAML-like text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.constantFrom(...YAMLISH), { maxLength: 60 }).map((parts) => parts.join('')), fc.string({ unit: 'binary' })), (text) => {
        assertWellFormed(parseCampaignText(text, 'fuzz.yaml'));
      }),
      { numRuns: 500 },
    );
  });

  it('answers a result, never an exception, for random mutations of a valid campaign, in YAML or JSON', () => {
    fc.assert(
      fc.property(fc.constantFrom(CRUNCH, SMALL), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (base, mutations, asJson) => {
        const mutated = mutations.reduce(mutate, base);
        expect(() => validateCampaign(mutated)).not.toThrow();
        const text = asJson ? JSON.stringify(mutated, null, 2) : stringify(mutated);
        assertWellFormed(parseCampaignText(text, asJson ? 'mutant.json' : 'mutant.yaml'));
      }),
      { numRuns: 400 },
    );
  });

  it('gives every phase exactly its declared length, whatever the offset', () => {
    const offset = fc.integer({ min: -12 * 4, max: 14 * 4 }).map((quarters) => {
      const minutes = Math.abs(quarters) * 15;
      return `${quarters < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    });
    const hours = fc.integer({ min: 1, max: 24 * 60 });
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-01-01'), noInvalidDate: true }), offset, hours, hours, hours, (date, zone, propose, shortlist, vote) => {
        const start = `${date.toISOString().slice(0, 19)}${zone}`;
        const text = `id: p\ntitle: P\nlocale: fr\nschedule:\n  propose: { start: "${start}", duration: PT${propose}H }\n  shortlist: { duration: PT${shortlist}H }\n  vote: { duration: PT${vote}H }\nshortlist: { by: curators, size: 2 }\ncategories:\n  - { id: c, title: C }\n`;
        const result = parseCampaignText(text, 'p.yaml');
        if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
        const lengths = result.spec.categories[0]?.phases.map((w) => (w.end - w.start) / 3_600_000);
        expect(lengths).toEqual([propose, shortlist, vote]);
        expect(result.spec.categories[0]?.phases[0]?.start).toBe(Date.parse(start));
      }),
      { numRuns: 200 },
    );
  });
});
