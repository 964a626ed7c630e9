/**
 * A campaign's definition as the store keeps it: read back, it is the same campaign (validated
 * again, its schedule moved as it ran), or a clear list of problems.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { decodeDefinition, encodeDefinition } from '../../src/config/definition';
import { formatObjectProblem, validateCampaignObject } from '../../src/config/campaign-object';
import { formatProblem, loadCampaignFile, parseCampaignText } from '../../src/config/loader';

const FILE = join(__dirname, '../../campaigns/crunch-super-social-movie.yaml');
const HOUR = 3_600_000;

describe('stored campaign definitions', () => {
  const loaded = loadCampaignFile(FILE);
  if (!loaded.ok) throw new Error('the Crunch campaign must validate');

  it('reads back the same campaign as the file', () => {
    const decoded = decodeDefinition(encodeDefinition(loaded.file));
    expect(decoded).toEqual({ ok: true, spec: loaded.spec, file: loaded.file, shiftMs: 0 });
  });

  it('reads back the schedule as it ran: every window moved by the stored shift', () => {
    const decoded = decodeDefinition(encodeDefinition(loaded.file, 5 * HOUR));
    if (!decoded.ok) throw new Error(decoded.problems.join('\n'));
    decoded.spec.categories.forEach((category, i) => {
      const original = loaded.spec.categories[i]!;
      expect(category.revealAt).toBe(original.revealAt + 5 * HOUR);
      expect(category.phases.map((w) => [w.start, w.end])).toEqual(original.phases.map((w) => [w.start + 5 * HOUR, w.end + 5 * HOUR]));
    });
  });

  it('refuses a text that is not a definition, and says why', () => {
    expect(decodeDefinition('{oops')).toEqual({ ok: false, problems: ['the stored definition is not JSON'] });
    expect(decodeDefinition(JSON.stringify({ format: 2, file: loaded.file, shiftMs: 0 }))).toEqual({ ok: false, problems: ['the stored definition is not a campaign definition of format 1'] });
  });

  it('refuses a definition that no longer validates with every problem as path: message', () => {
    const file = { ...loaded.file, locale: 'de', categories: [{ ...loaded.file.categories[0]!, id: 'Bad Id' }] };
    const decoded = decodeDefinition(JSON.stringify({ format: 1, file, shiftMs: 0 }));
    expect(decoded).toEqual({ ok: false, problems: ['locale: expected one of fr, en, found "de"', 'categories.0.id: expected an id made of lowercase letters a-z, digits and hyphens, such as "cult-line"; found "Bad Id"'] });
  });
});

describe('campaign objects', () => {
  it('list the same problems as validate lists for the same file, without FILE:LINE:COL', () => {
    const text = readFileSync(FILE, 'utf8').replace('locale: fr', 'locale: de').replace('id: cult-line', 'id: Cult Line').replace('perFan: 3', 'perFan: 0');
    const parsed = parseCampaignText(text, 'c.yaml');
    const fromFile = parsed.ok ? [] : parsed.problems.map((p) => formatProblem(p).replace(/^c\.yaml:\d+:\d+ /, ''));
    const fromObject = validateCampaignObject(parse(text));
    expect(fromObject.ok).toBe(false);
    if (fromObject.ok) return;
    expect(fromFile.length).toBeGreaterThanOrEqual(3);
    expect([...fromObject.problems.map(formatObjectProblem)].sort()).toEqual([...fromFile].sort());
  });

  it('name the whole object (root) when it is not a mapping', () => {
    const r = validateCampaignObject([]);
    expect(r.ok ? [] : r.problems.map(formatObjectProblem)).toEqual(['(root): expected a campaign: a mapping of keys to values (id, title, locale, categories…), found a list']);
  });
});
