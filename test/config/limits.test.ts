import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, loadCampaignFile, MAX_FILE_BYTES } from '../../src/config/loader';
import { MAX_CATEGORIES } from '../../src/config/schema';
import { HEADER, problemsOf, SCHEDULE, VALID } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'cocreate-limits-'));

function campaignWith(categories: number): string {
  const lines = Array.from({ length: categories }, (_, i) => `  - { id: c${i}, title: "C ${i}", options: [a, b] }`);
  return `${HEADER}${SCHEDULE}shortlist: { by: curators, size: 2 }\ncategories:\n${lines.join('\n')}\n`;
}

describe('campaign file limits', () => {
  it('refuses a file larger than the limit before reading it', () => {
    const path = join(dir, 'huge.yaml');
    writeFileSync(path, `${VALID}# ${'x'.repeat(MAX_FILE_BYTES)}\n`);
    const loaded = loadCampaignFile(path);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.problems).toHaveLength(1);
    expect(formatProblem(loaded.problems[0]!)).toMatch(/huge\.yaml:1:1 \(root\): the file is 2\.0 MiB, more than the 2\.0 MiB a campaign file may take/);
  });

  it('refuses a device or anything that is not a regular file', () => {
    const loaded = loadCampaignFile('/dev/zero.yaml');
    expect(loaded.ok).toBe(false);
  });

  it(`refuses more than ${MAX_CATEGORIES} categories in one problem, and takes exactly ${MAX_CATEGORIES}`, () => {
    const problems = problemsOf(campaignWith(MAX_CATEGORIES + 1));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'categories', message: `expected at most ${MAX_CATEGORIES} categories, found ${MAX_CATEGORIES + 1}; split the campaign into several files` });
    expect(() => problemsOf(campaignWith(MAX_CATEGORIES))).toThrow(/the campaign is valid/);
  });

  it('refuses a document nested too deeply as one clear problem, not a stack overflow', () => {
    const problems = problemsOf(`id: x\ntitle: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/nested too deeply/);
  });

  it('refuses an alias bomb in words a brand understands', () => {
    let text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 0; i < 8; i++) {
      const name = String.fromCharCode(98 + i);
      text += `${name}: &${name} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]\n`;
    }
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/aliases \(\*name\) expand too much/);
  });

  it('reports every key written twice, not only the first', () => {
    const problems = problemsOf(`${VALID}title: again\nlocale: fr\n`);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [12, 'invalid YAML syntax: map keys must be unique'],
      [13, 'invalid YAML syntax: map keys must be unique'],
    ]);
  });

  it('says what a !!binary or !!timestamp tag did instead of "found a mapping"', () => {
    const problems = problemsOf(VALID.replace('title: Demo', 'title: !!binary aGVsbG8=').replace('start: "2026-03-02T09:00:00+01:00"', 'start: !!timestamp 2026-03-02T09:00:00+01:00'));
    expect(problems.map((p) => p.message)).toEqual([
      'expected text, found binary data, not text (a `!!binary` tag made it so): remove the tag and write the text itself, in quotes',
      'expected text, found a date, not text (a `!!timestamp` tag or an unquoted date made it one): remove the tag and write it in quotes, such as "2026-03-02T08:00:00Z"',
    ]);
  });

  it('gives a number past several bounds only the tightest one (maxLength: 1e308)', () => {
    const problems = problemsOf(`${VALID}proposals: { maxLength: 1e308 }\n`);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual(['proposals.maxLength: expected a whole number of at most 1000, found the number 1e+308']);
  });
});

describe('instants and durations in a campaign file', () => {
  it.each([
    ['P300000Y', 'expected a phase of at most 3 years (P3Y), found "P300000Y"'],
    ['P99999999999999999999D', 'expected a phase of at most 3 years (P3Y), found "P99999999999999999999D"'],
    [`P1${'0'.repeat(60)}D`, /^expected a phase of at most 3 years \(P3Y\), found "P1000/],
    ['PT0.1S', 'expected a phase of at least 1 second, found "PT0.1S"'],
  ])('refuses duration: %s with its line, column and a clear message', (duration, message) => {
    const problems = problemsOf(VALID.replace('shortlist: { duration: P2D }', `shortlist: { duration: ${duration} }`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 6, col: 26, path: 'schedule.shortlist.duration' });
    expect(problems[0]!.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  });

  it('refuses a start outside the years 2000 to 2099, and a phase that would end after 2099', () => {
    expect(problemsOf(VALID.replace('2026-03-02T09:00:00+01:00', '+275760-09-13T00:00:00Z'))[0]!.message).toMatch(/^expected an ISO 8601 date/);
    expect(problemsOf(VALID.replace('2026-03-02T09:00:00+01:00', '1999-12-31T09:00:00+01:00'))[0]!.message).toMatch(/^expected an instant in the years 2000 to 2099/);
    const late = problemsOf(VALID.replace('2026-03-02T09:00:00+01:00', '2099-12-30T09:00:00+01:00'));
    expect(late[0]).toMatchObject({ path: 'schedule.propose.duration' });
    expect(late[0]!.message).toMatch(/`propose` would end at 2100-01-06T09:00:00\+01:00 .* every phase ends before 2100-01-01T00:00:00Z/);
  });

  it('bounds each kind of duration on its own scale: reminders, rate windows, ages, retention', () => {
    const problems = problemsOf(`${VALID}reminders: [{ phase: vote, before: P4Y }]\nlimits: { likes: { max: 3, per: P2Y } }\neligibility: { minAccountAge: P31Y }\nretention: P11Y\n`);
    expect(problems.map((p) => p.message)).toEqual([
      'expected a reminder of at most 3 years (P3Y), found "P4Y"',
      'expected a rate-limit window of at most 1 year (P1Y), found "P2Y"',
      'expected an age of at most 30 years (P30Y), found "P31Y"',
      'expected a retention period of at most 10 years (P10Y), found "P11Y"',
    ]);
  });
});
