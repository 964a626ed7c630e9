import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, loadCampaignFile } from '../../src/config/loader';
import { load, problemsOf, VALID, yaml } from './helpers';

describe('campaign loader', () => {
  it('reports every problem of a file at once, in file order', () => {
    const text = yaml(`
      id: Demo
      title: Demo
      locale: en
      schedule:
        propose: { start: "2026-03-02T09:00:00", duration: P1W }
        shortlist: { duration: 2 days }
        vote: { duration: P3D }
      shortlist: { by: curators, size: 3 }
      categories:
        - id: one
          title: One
          reveal: { winners: 2, tieBreak: coin }
        - id: two
          title: Two
          options: [Red, Green]
          reveal: { winners: 3 }
          proposals: { perFan: 2 }
        - id: one
          title: Three
          prompts: "?"
    `);
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.line, p.col, p.path])).toEqual([
      [1, 5, 'id'],
      [5, 21, 'schedule.propose.start'],
      [6, 26, 'schedule.shortlist.duration'],
      [12, 37, 'categories.0.reveal.tieBreak'],
      [16, 24, 'categories.1.reveal.winners'],
      [17, 16, 'categories.1.proposals'],
      [18, 9, 'categories.2.id'],
      [20, 5, 'categories.2.prompts'],
    ]);
  });

  it('checks the rules of a valid category even when another part of the file is broken', () => {
    // categories.1 has a wrong title; categories.2 is valid but asks for more winners than the shortlist holds.
    const text = `${VALID}  - id: two\n    title: 42\n  - id: three\n    title: Three\n    reveal: { winners: 4 }\n`;
    expect(problemsOf(text).map((p) => p.path)).toEqual(['categories.1.title', 'categories.2.reveal.winners']);
  });

  it('turns a YAML syntax error into one problem at its position', () => {
    const text = `${VALID}  - id: two\n    title: "unterminated\n`;
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'campaign.yaml', path: '' });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(12);
    expect(problems[0]?.message).toMatch(/^invalid YAML syntax: /);
    expect(problems[0]?.message).not.toMatch(/\n|at line/);
  });

  it('refuses a key written twice', () => {
    const problems = problemsOf(`${VALID}locale: fr\n`);
    expect(problems).toEqual([{ file: 'campaign.yaml', line: 12, col: 1, path: '', message: 'invalid YAML syntax: map keys must be unique' }]);
  });

  it('refuses several documents in one file', () => {
    expect(problemsOf(`${VALID}---\n${VALID}`)).toHaveLength(1);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const problems = problemsOf(`${bomb.join('\n')}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^cannot read the document: /);
  });

  it('gives the line and column of a problem in a JSON file', () => {
    const json = '{\n  "id": "demo",\n  "title": "Demo",\n  "locale": "de",\n  "categories": []\n}\n';
    expect(problemsOf(json, 'demo.json').map(({ line, col, path }) => ({ line, col, path }))).toEqual([
      { line: 4, col: 13, path: 'locale' },
      { line: 5, col: 17, path: 'categories' },
    ]);
  });

  it('calls a broken JSON file a JSON syntax error', () => {
    const [problem] = problemsOf('{\n  "id": "demo",\n  "title": \n', 'demo.json');
    expect(problem?.message).toMatch(/^invalid JSON syntax: /);
  });

  it('returns the parsed file with its defaults beside the spec', () => {
    const result = load(VALID);
    expect(result.ok && result.file.vote).toEqual({ method: 'single', allowChange: true, liveCounts: false });
    expect(result.ok && result.file.categories[0]?.id).toBe('one');
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cocreate-config-'));

    it('loads a .yml file', () => {
      const file = join(dir, 'demo.yml');
      writeFileSync(file, VALID);
      expect(loadCampaignFile(file).ok).toBe(true);
    });

    it('reports a missing file as one problem at 1:1', () => {
      const file = join(dir, 'missing.yaml');
      expect(loadCampaignFile(file)).toEqual({ ok: false, problems: [{ file, line: 1, col: 1, path: '', message: 'cannot read the file: no such file' }] });
    });

    it('reports a directory as one problem at 1:1', () => {
      const file = join(dir, 'folder.yaml');
      mkdirSync(file);
      expect(loadCampaignFile(file)).toMatchObject({ ok: false, problems: [{ line: 1, col: 1, message: 'cannot read the file: it is a directory' }] });
    });

    it('refuses a file that is neither YAML nor JSON', () => {
      const file = join(dir, 'campaign.toml');
      writeFileSync(file, VALID);
      expect(loadCampaignFile(file)).toMatchObject({ ok: false, problems: [{ message: 'expected a campaign file ending in .yaml, .yml, .json, found ".toml"' }] });
    });
  });

  it('formats a problem as FILE:LINE:COL path: message, with (root) for the whole file', () => {
    expect(formatProblem({ file: 'c.yaml', line: 3, col: 9, path: 'locale', message: 'expected one of fr, en, found "de"' })).toBe(
      'c.yaml:3:9 locale: expected one of fr, en, found "de"',
    );
    expect(formatProblem({ file: 'c.yaml', line: 1, col: 1, path: '', message: 'the file is empty' })).toBe('c.yaml:1:1 (root): the file is empty');
  });
});
