import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadCampaignFile, parseCampaignText } from '../../src/config/loader';
import type { CampaignSpec } from '../../src/model/campaign';
import { utc } from './helpers';

const DIR = join(__dirname, '../../campaigns');
const FILES = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f));

function loaded(file: string): CampaignSpec {
  const result = loadCampaignFile(join(DIR, file));
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.line}:${p.col} ${p.path}: ${p.message}`).join('\n'));
  return result.spec;
}

describe('shipped campaigns', () => {
  it('ships the five campaigns', () => {
    expect(FILES).toEqual(expect.arrayContaining([
      'carrefour-et-si-jetais-carrefour.yaml',
      'city-participatory-budget.yaml',
      'crunch-super-social-movie.yaml',
      'danone-michalak.yaml',
      'quirky-auchan.yaml',
    ]));
  });

  it.each(FILES)('%s validates and resolves into a playable campaign', (file) => {
    const spec = loaded(file);
    expect(`${spec.id}.yaml`).toBe(file);
    for (const category of spec.categories) {
      expect(category.phases.length).toBeGreaterThan(0);
      expect(category.phases.at(-1)?.phase).toBe('vote');
      category.phases.forEach((window, i) => {
        expect(window.end).toBeGreaterThan(window.start);
        const next = category.phases[i + 1];
        if (next !== undefined) expect(next.start).toBe(window.end);
      });
      expect(category.revealAt).toBe(category.phases.at(-1)?.end);
      if (category.options === undefined) expect(category.phases[0]?.phase).toBe('propose');
      else expect(category.phases.map((w) => w.phase)).toEqual(['vote']);
    }
  });

  it('gives Crunch seven categories, five weeks of proposals from the TV spot, then one week of shortlist and two of vote', () => {
    const spec = loaded('crunch-super-social-movie.yaml');
    expect(spec.locale).toBe('fr');
    expect(spec.categories.map((c) => c.id)).toEqual(['cult-line', 'final-location', 'super-villain', 'sidekick', 'gadget', 'opening-scene', 'super-power']);
    for (const category of spec.categories) {
      expect(category.phases).toEqual([
        { phase: 'propose', start: utc('2013-02-18T08:00:00Z'), end: utc('2013-03-25T08:00:00Z') },
        { phase: 'shortlist', start: utc('2013-03-25T08:00:00Z'), end: utc('2013-04-01T08:00:00Z') },
        { phase: 'vote', start: utc('2013-04-01T08:00:00Z'), end: utc('2013-04-15T08:00:00Z') },
      ]);
      expect(category.shortlist).toEqual({ by: 'curators', size: 5 });
      expect(category.vote).toEqual({ method: 'single', allowChange: true, liveCounts: false });
      expect(category.reveal).toEqual({ winners: 1, tieBreak: 'earliest' });
    }
    expect(spec.channels.discord).toHaveLength(1);
    expect(spec.roles.curators.telegram).toEqual(['100000001']);
  });

  it('runs the Danone flavour election as a vote among fixed options only', () => {
    const [flavour] = loaded('danone-michalak.yaml').categories;
    expect(flavour?.options).toHaveLength(4);
    expect(flavour?.phases.map((w) => w.phase)).toEqual(['vote']);
    expect(flavour?.shortlist).toEqual({ by: 'curators', size: 4 });
  });

  it('staggers the city-wide projects of the participatory budget by two weeks', () => {
    const [neighbourhoods, cityWide] = loaded('city-participatory-budget.yaml').categories;
    const twoWeeks = 14 * 24 * 3600 * 1000;
    expect((cityWide?.phases[0]?.start ?? 0) - (neighbourhoods?.phases[0]?.start ?? 0)).toBe(twoWeeks);
    expect((cityWide?.revealAt ?? 0) - (neighbourhoods?.revealAt ?? 0)).toBe(twoWeeks);
    expect(cityWide?.vote).toEqual({ method: 'approval', maxChoices: 3, allowChange: true, liveCounts: false });
    expect(cityWide?.reveal.winners).toBe(2);
  });

  it('sends Carrefour ideas with enough likes to the experts, and Quirky ideas by likes', () => {
    expect(loaded('carrefour-et-si-jetais-carrefour.yaml').categories[0]?.shortlist).toEqual({ by: 'threshold', likes: 50, size: 20 });
    expect(loaded('quirky-auchan.yaml').categories[0]?.shortlist).toEqual({ by: 'likes', size: 10 });
  });

  it.each(FILES)('%s gives the same campaign when written as JSON', (file) => {
    const asData = parse(readFileSync(join(DIR, file), 'utf8')) as unknown;
    const fromJson = parseCampaignText(JSON.stringify(asData, null, 2), file.replace(/\.yaml$/, '.json'));
    expect(fromJson.ok && fromJson.spec).toEqual(loaded(file));
  });

  it('reads a campaign written by hand in JSON', () => {
    const json = JSON.stringify({
      id: 'json-demo',
      title: 'JSON',
      locale: 'fr',
      schedule: { vote: { start: '2026-05-01T12:00:00Z', duration: 'PT48H' } },
      categories: [{ id: 'colour', title: 'Couleur', options: ['Rouge', 'Vert'] }],
    });
    const result = parseCampaignText(json, 'demo.json');
    expect(result.ok && result.spec.categories[0]?.phases).toEqual([{ phase: 'vote', start: utc('2026-05-01T12:00:00Z'), end: utc('2026-05-03T12:00:00Z') }]);
  });

  it('accepts the complete example of the README', () => {
    const doc = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const example = /### A complete example\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    expect(example).toContain('categories:');
    const result = parseCampaignText(example, 'README.md');
    expect(result.ok && result.spec.categories.map((c) => c.phases.map((w) => w.phase))).toEqual([['propose', 'shortlist', 'vote'], ['vote']]);
  });

  it('round-trips a shipped campaign through YAML stringify', () => {
    const text = readFileSync(join(DIR, 'quirky-auchan.yaml'), 'utf8');
    const first = parseCampaignText(text, 'a.yaml');
    const again = first.ok ? parseCampaignText(stringify(first.file), 'b.yaml') : first;
    expect(again.ok && again.spec).toEqual(first.ok && first.spec);
  });
});
