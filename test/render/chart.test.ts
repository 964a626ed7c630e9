import { PNG } from 'pngjs';
import { renderResultsChart, CHART_WIDTH } from '../../src/render/chart';
import type { Standing } from '../../src/model/events';

const colors = { background: '#101820', text: '#f2f2f2', bar: '#5a6b7c', winner: '#e4002b' };

const standings: Standing[] = [
  { id: '2', text: 'Éclair au café 🎬🍓 — ça croque !', author: 'Zoé Müller', votes: 42, winner: true },
  { id: '1', text: '=HYPERLINK("http://evil") <b>bold</b> \u202Egnp.exe', author: '@everyone', votes: 17, winner: false },
  { id: '3', text: 'Personne', votes: 0, winner: false },
];

function decode(png: Buffer): PNG {
  return PNG.sync.read(png);
}

function pixel(image: PNG, x: number, y: number): string {
  const i = (image.width * y + x) << 2;
  return `#${[image.data[i]!, image.data[i + 1]!, image.data[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

describe('the results picture', () => {
  const chart = renderResultsChart({ campaignTitle: 'Super Social Movie — Crunch × Norman', categoryTitle: 'La réplique culte', locale: 'fr', ballots: 59, standings, colors });

  it('is a PNG of the announced size, one bar per candidate, most votes longest', () => {
    const image = decode(chart.png);
    expect(image.width).toBe(CHART_WIDTH);
    expect(image.height).toBe(chart.height);
    expect(chart.bars.map((b) => b.id)).toEqual(['2', '1', '3']);
    expect(chart.bars[0]!.width).toBeGreaterThan(chart.bars[1]!.width);
    expect(chart.bars[2]!.width).toBeGreaterThan(0);
  });

  it('paints the winner’s bar in the campaign’s winner colour and the others in its bar colour', () => {
    const image = decode(chart.png);
    const [winner, other] = chart.bars;
    expect(pixel(image, winner!.x + 3, winner!.y + Math.floor(winner!.height / 2))).toBe('#e4002b');
    expect(pixel(image, winner!.x + Math.floor(winner!.width / 2), winner!.y + 5)).toBe('#e4002b');
    expect(pixel(image, other!.x + 3, other!.y + Math.floor(other!.height / 2))).toBe('#5a6b7c');
    expect(pixel(image, 2, 2)).toBe('#101820');
  });

  it('is not empty: text was drawn in the text colour around the labels', () => {
    const image = decode(chart.png);
    const { y } = chart.bars[0]!;
    let lit = 0;
    for (let x = 48; x < 900; x++) for (let row = y - 36; row < y - 6; row++) if (pixel(image, x, row) !== '#101820') lit++;
    expect(lit).toBeGreaterThan(200);
  });

  it('draws accents and emoji with the shipped fonts (no missing-glyph boxes)', () => {
    const { GlobalFonts } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
    const families = GlobalFonts.families.map((f) => f.family);
    expect(families).toEqual(expect.arrayContaining(['CocreateSans', 'CocreateEmoji']));
    const { createCanvas } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
    const ctx = createCanvas(10, 10).getContext('2d');
    ctx.font = '24px "CocreateSans", "CocreateEmoji"';
    // Two different emoji and two different accented letters measure as real glyphs, not one .notdef box.
    expect(ctx.measureText('🎬').width).toBeGreaterThan(10);
    expect(ctx.measureText('🎬🍓🏆').width).toBeGreaterThan(ctx.measureText('🎬').width * 2.5);
    expect(ctx.measureText('é').width).toBeGreaterThan(5);
  });

  it('draws a picture for a vote nobody took part in', () => {
    const empty = renderResultsChart({ campaignTitle: 'X', categoryTitle: 'Y', locale: 'en', ballots: 0, standings: [] });
    expect(decode(empty.png).width).toBe(CHART_WIDTH);
    expect(empty.bars).toEqual([]);
  });

  it('cuts a very long fan text instead of drawing past the edge', () => {
    const long = renderResultsChart({ campaignTitle: 'X', categoryTitle: 'Y', locale: 'en', ballots: 1, standings: [{ id: '9', text: 'é'.repeat(1000), votes: 1, winner: true }] });
    expect(decode(long.png).width).toBe(CHART_WIDTH);
  });
});
