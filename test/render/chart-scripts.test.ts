import { PNG } from 'pngjs';
import { renderResultsChart, scriptFontFiles } from '../../src/render/chart';
import type { Standing } from '../../src/model/events';

const WHITE = { background: '#ffffff', text: '#000000', bar: '#888888', winner: '#cc0000' };
// The label of the first candidate is drawn between these rows (the header ends at 170).
const TOP = 172;
const BOTTOM = 210;

function labelPixels(text: string, author?: string): { image: PNG; ink: number[] } {
  const standings: Standing[] = [{ id: '1', text, votes: 1, winner: false, ...(author ? { author } : {}) }];
  const chart = renderResultsChart({ campaignTitle: 'T', categoryTitle: 'C', locale: 'en', ballots: 1, standings, colors: WHITE });
  const image = PNG.sync.read(chart.png);
  const ink: number[] = [];
  for (let y = TOP; y < BOTTOM; y++) {
    for (let x = 48; x < image.width - 48; x++) {
      const i = (image.width * y + x) << 2;
      if (image.data[i]! < 128) ink.push(y * image.width + x);
    }
  }
  return { image, ink };
}

/** The columns where the label left ink. */
function inkWidth(ink: readonly number[], width: number): number {
  const xs = ink.map((p) => p % width);
  return xs.length === 0 ? 0 : Math.max(...xs) - Math.min(...xs) + 1;
}

describe('the results picture draws every script with real glyphs', () => {
  it.each([
    ['Chinese', '我', '你'],
    ['Japanese kana', 'あ', 'い'],
    ['Korean', '한', '국'],
    ['Arabic', 'ج', 'ع'],
    ['Hebrew', 'ש', 'ל'],
    ['Devanagari', 'क', 'ग'],
    ['Thai', 'ก', 'ข'],
  ])('%s: two different letters leave two different pictures (a missing glyph is the same empty box)', (_script, a, b) => {
    const first = labelPixels(a.repeat(6));
    const second = labelPixels(b.repeat(6));
    expect(first.ink.length).toBeGreaterThan(50);
    expect(first.ink).not.toEqual(second.ink);
    // A private-use character has no glyph anywhere: the fallback box, the same for every one.
    expect(labelPixels('\u{E000}'.repeat(6)).ink).toEqual(labelPixels('\u{E001}'.repeat(6)).ink);
  });

  it.each([
    ['a family', '👨‍👩‍👧', '👨👩👧'],
    ['the rainbow flag', '🏳️‍🌈', '🏳️🌈'],
    ['a heart on fire', '❤️‍🔥', '❤️🔥'],
    ['an astronaut with a skin tone', '👩🏽‍🚀', '👩🏽🚀'],
  ])('shapes %s (a ZWJ sequence) as one glyph, narrower than its parts side by side', (_name, joined, apart) => {
    const { image, ink } = labelPixels(joined);
    const parts = labelPixels(apart);
    expect(inkWidth(ink, image.width)).toBeLessThan(inkWidth(parts.ink, parts.image.width) * 0.7);
  });
});

describe('the results picture credits the author of a long idea', () => {
  it('cuts the idea, never the “— by author” credit', () => {
    const standings: Standing[] = [{ id: '1', text: 'une idée vraiment très longue '.repeat(20), author: 'Zoé Müller', votes: 3, winner: true }];
    const chart = renderResultsChart({ campaignTitle: 'T', categoryTitle: 'C', locale: 'fr', ballots: 3, standings });
    expect(chart.bars[0]!.label).toMatch(/^🏆 une idée vraiment.*… — par Zoé Müller$/u);
  });

  it('keeps a short idea whole with its credit', () => {
    const chart = renderResultsChart({
      campaignTitle: 'T',
      categoryTitle: 'C',
      locale: 'en',
      ballots: 1,
      standings: [{ id: '1', text: 'Short', author: 'Ann', votes: 1, winner: false }],
    });
    expect(chart.bars[0]!.label).toBe('Short — by Ann');
  });
});

describe('the results picture loads only the fonts its text needs', () => {
  it('needs no script font for Latin text with accents and emoji', () => {
    expect(scriptFontFiles('🏆 Ça croque ou ça craque ? — par Zoé Müller 🏳️‍🌈 #1 Ελλάδα Привет')).toEqual([]);
  });

  it('needs, for a few Chinese characters, a few of the Chinese files, not the whole script', () => {
    const files = scriptFontFiles('我你好');
    expect(files.length).toBeGreaterThan(0);
    expect(files.length).toBeLessThanOrEqual(3);
    expect(new Set(files.map((f) => f.family))).toEqual(new Set(['CocreateSC']));
  });

  it('needs one family per script written, each with the files of its letters only', () => {
    const families = scriptFontFiles('한국 مرحبا שלום नमस्ते สวัสดี').map((f) => f.family);
    expect(new Set(families)).toEqual(new Set(['CocreateKR', 'CocreateArabic', 'CocreateHebrew', 'CocreateDevanagari', 'CocreateThai']));
    expect(families.length).toBeLessThanOrEqual(8);
  });

  it('draws Chinese with real glyphs after a Latin picture was drawn without its fonts', () => {
    renderResultsChart({
      campaignTitle: 'T',
      categoryTitle: 'C',
      locale: 'en',
      ballots: 1,
      standings: [{ id: '1', text: 'Latin only', votes: 1, winner: true }],
    });
    const first = labelPixels('国'.repeat(6));
    const second = labelPixels('家'.repeat(6));
    expect(first.ink.length).toBeGreaterThan(50);
    expect(first.ink).not.toEqual(second.ink);
  });
});
