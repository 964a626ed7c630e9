/**
 * The results picture: one PNG per revealed category, horizontal bars, most votes first, the
 * winners in the campaign's `colors.winner` with their authors credited, the campaign title on
 * top. Drawn with @napi-rs/canvas (Skia, its binary ships inside the npm package) and fonts that
 * ship with the project (@fontsource Noto Sans for Latin, Greek, Cyrillic and Vietnamese with
 * their accents, @fontsource Noto Emoji for emoji), so it looks the same on a bare server.
 *
 * Fan text is drawn as plain glyphs (a canvas has no markup, so nothing can be injected), after
 * control and bidi characters are stripped and the line is cut with an ellipsis to fit.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { CampaignEvent, Standing } from '../model/events';
import { DEFAULT_COLORS, type CampaignSpec, type ChartColors, type Locale } from '../model/campaign';
import { cleanText } from '../engine/text';
import { t } from '../i18n/messages';

export interface ChartInput {
  readonly campaignTitle: string;
  readonly categoryTitle: string;
  readonly locale: Locale;
  readonly ballots: number;
  /** Most votes first (as the `results` event carries them). */
  readonly standings: readonly Standing[];
  readonly colors?: ChartColors;
}

/** Where each bar was drawn (for tests and for anyone who wants to annotate the picture). */
export interface ChartBar {
  readonly id: string;
  readonly winner: boolean;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface Chart {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
  readonly bars: readonly ChartBar[];
}

export const CHART_WIDTH = 1200;
const PAD = 48;
const HEADER = 170;
const ROW = 96;
const BAR = 34;
const FOOTER = 40;
const SANS = 'CocreateSans';
const EMOJI = 'CocreateEmoji';
const FONT = `"${SANS}", "${EMOJI}"`;

/** Where the bar of the candidate at `index` (0 = most votes) starts, and its height. */
export function barPosition(index: number): { x: number; y: number; height: number } {
  return { x: PAD, y: HEADER + index * ROW + 42, height: BAR };
}

let fontsRegistered = false;

/** Registers the shipped fonts once per process (idempotent). */
export function registerChartFonts(): void {
  if (fontsRegistered) return;
  fontsRegistered = true;
  const sans = join(dirname(require.resolve('@fontsource/noto-sans/package.json')), 'files');
  for (const file of readdirSync(sans)) {
    if (/^noto-sans-(latin|latin-ext|greek|greek-ext|cyrillic|cyrillic-ext|vietnamese)-(400|700)-normal\.woff2$/.test(file)) {
      GlobalFonts.registerFromPath(join(sans, file), SANS);
    }
  }
  const emoji = join(dirname(require.resolve('@fontsource/noto-emoji/package.json')), 'files');
  for (const file of readdirSync(emoji)) {
    if (/-400-normal\.woff2$/.test(file)) GlobalFonts.registerFromPath(join(emoji, file), EMOJI);
  }
}

/** Draws the results picture of one category. */
export function renderResultsChart(input: ChartInput): Chart {
  registerChartFonts();
  const colors = input.colors ?? DEFAULT_COLORS;
  const rows = Math.max(1, input.standings.length);
  const width = CHART_WIDTH;
  const height = HEADER + rows * ROW + FOOTER;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, width, height);
  ctx.textBaseline = 'alphabetic';

  // Header: the campaign, the category, the ballots; a rule in the winner's colour.
  const inner = width - 2 * PAD;
  ctx.fillStyle = colors.text;
  ctx.font = `bold 40px ${FONT}`;
  ctx.fillText(fit(ctx, clean(input.campaignTitle), inner), PAD, 64);
  ctx.font = `28px ${FONT}`;
  ctx.fillText(fit(ctx, t(input.locale, 'chart.title', { category: clean(input.categoryTitle) }), inner), PAD, 108);
  ctx.globalAlpha = 0.75;
  ctx.font = `22px ${FONT}`;
  ctx.fillText(t(input.locale, 'chart.ballots', { ballots: input.ballots }), PAD, 142);
  ctx.globalAlpha = 1;
  ctx.fillStyle = colors.winner;
  ctx.fillRect(PAD, 154, inner, 4);

  const bars: ChartBar[] = [];
  if (input.standings.length === 0) {
    ctx.fillStyle = colors.text;
    ctx.font = `26px ${FONT}`;
    ctx.fillText(t(input.locale, 'chart.empty'), PAD, HEADER + 56);
  }
  const max = Math.max(1, ...input.standings.map((s) => s.votes));
  const votesWidth = 170;
  const barSpace = inner - votesWidth;
  input.standings.forEach((s, i) => {
    const top = HEADER + i * ROW;
    // The label: "🏆 text — by author" for a winner, "text — by author" otherwise.
    const credit = s.author ? ` — ${t(input.locale, 'chart.by', { author: clean(s.author) })}` : '';
    ctx.fillStyle = colors.text;
    ctx.font = `${s.winner ? 'bold ' : ''}24px ${FONT}`;
    const label = `${s.winner ? '🏆 ' : ''}${clean(s.text)}`;
    ctx.fillText(fit(ctx, label + credit, inner), PAD, top + 30);
    // The bar, proportional to the votes (a sliver for none, so every candidate shows).
    const barWidth = Math.max(6, Math.round((s.votes / max) * barSpace));
    const { y } = barPosition(i);
    ctx.fillStyle = s.winner ? colors.winner : colors.bar;
    ctx.fillRect(PAD, y, barWidth, BAR);
    bars.push({ id: s.id, winner: s.winner, x: PAD, y, width: barWidth, height: BAR });
    ctx.fillStyle = colors.text;
    ctx.font = `${s.winner ? 'bold ' : ''}22px ${FONT}`;
    ctx.fillText(t(input.locale, 'chart.votes', { votes: s.votes }), PAD + barWidth + 14, y + 25);
  });

  return { png: canvas.toBuffer('image/png'), width, height, bars };
}

/**
 * The picture that goes with a `results` announcement, with its file name; null for any other
 * event, or for a results event that carries no standings (one recorded by an older version).
 */
export function chartForEvent(event: CampaignEvent, campaign: CampaignSpec, locale: Locale): { chart: Chart; name: string } | null {
  if (event.kind !== 'results' || !event.standings) return null;
  const category = campaign.categories.find((c) => c.id === event.categoryId);
  const chart = renderResultsChart({
    campaignTitle: campaign.title, categoryTitle: category?.title ?? event.categoryId, locale,
    ballots: event.ballots, standings: event.standings, ...(campaign.colors ? { colors: campaign.colors } : {}),
  });
  return { chart, name: `${campaign.id}-${event.categoryId}.png` };
}

/** Fan or brand text as one clean line: control and bidi characters stripped, spaces folded. */
function clean(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts `text` (between whole characters: an accent or an emoji sequence is never split) with an ellipsis so that it fits `width`. */
function fit(ctx: SKRSContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  const chars = [...graphemes.segment(text)].map((g) => g.segment);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (ctx.measureText(`${chars.slice(0, mid).join('')}…`).width <= width) low = mid;
    else high = mid - 1;
  }
  return `${chars.slice(0, low).join('').trimEnd()}…`;
}
