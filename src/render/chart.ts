/**
 * The results picture: one PNG per revealed category, horizontal bars, most votes first, the
 * winners in the campaign's `colors.winner` with their authors credited, the campaign title on
 * top. Drawn with @napi-rs/canvas (Skia, its binary ships inside the npm package) and fonts that
 * ship with the project from npm, so it looks the same on a bare server: @fontsource Noto Sans
 * (Latin, Greek, Cyrillic, Vietnamese with their accents), the @fontsource-variable Noto Sans
 * SC and KR (Chinese, Japanese kana and kanji, Korean Hangul), Arabic, Hebrew, Devanagari and
 * Thai, and @fontsource Noto Emoji (black and white, with the ZWJ sequences as one glyph).
 *
 * Fan text is drawn as plain glyphs (a canvas has no markup, so nothing can be injected), after
 * control and bidi characters are stripped; an idea too long for its line is cut with an
 * ellipsis, never its author's credit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { CampaignEvent, Standing } from '../model/events';
import { categoryById, DEFAULT_COLORS, type CampaignSpec, type ChartColors, type Locale } from '../model/campaign';
import { cleanText } from '../engine/text';
import { formatCount, t } from '../i18n/messages';

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
  /** The line drawn above the bar: the idea (cut to fit when long) and its author's credit. */
  readonly label: string;
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
/**
 * The scripts Noto Sans lacks, each from its own package (variable fonts: one file set for
 * every weight), with the characters that need it. Each package splits its script into
 * subsets (Chinese into about a hundred files) with the `unicode-range` of each in its CSS.
 */
const SCRIPTS = [
  // Han (Chinese, Japanese kanji), kana, bopomofo, CJK punctuation and fullwidth forms
  { family: 'CocreateSC', pkg: '@fontsource-variable/noto-sans-sc', chars: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u2e80-\u2fff\u3000-\u33ff\ufe30-\ufe4f\uff00-\uffef]/u },
  { family: 'CocreateKR', pkg: '@fontsource-variable/noto-sans-kr', chars: /\p{Script=Hangul}/u },
  { family: 'CocreateArabic', pkg: '@fontsource-variable/noto-sans-arabic', chars: /[\p{Script=Arabic}\u0600-\u06ff]/u },
  { family: 'CocreateHebrew', pkg: '@fontsource-variable/noto-sans-hebrew', chars: /\p{Script=Hebrew}/u },
  { family: 'CocreateDevanagari', pkg: '@fontsource-variable/noto-sans-devanagari', chars: /[\p{Script=Devanagari}\u0900-\u097f]/u },
  { family: 'CocreateThai', pkg: '@fontsource-variable/noto-sans-thai', chars: /\p{Script=Thai}/u },
] as const;
/**
 * Latin first, then emoji (the emoji font also has digits and `#`, which Latin draws), then the
 * other scripts: a character Noto Sans lacks is looked for in the emoji font before the script
 * fonts, whose first use costs seconds (Skia decodes every file of a family it searches).
 */
const FONT = [SANS, EMOJI, ...SCRIPTS.map((s) => s.family)].map((f) => `"${f}"`).join(', ');

/** Where the bar of the candidate at `index` (0 = most votes) starts, and its height. */
export function barPosition(index: number): { x: number; y: number; height: number } {
  return { x: PAD, y: HEADER + index * ROW + 42, height: BAR };
}

let fontsRegistered = false;

/**
 * Registers the shipped Latin and emoji fonts once per process (idempotent). The fonts of the
 * other scripts are registered as pictures need them (see `registerScriptFonts`).
 */
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

interface Subset {
  readonly path: string;
  readonly ranges: readonly (readonly [number, number])[];
}

/** Each script's subset files with their code point ranges, read from its package's CSS once. */
const subsets = new Map<string, readonly Subset[]>();
/** Subset files already registered. */
const registered = new Set<string>();

function subsetsOf(pkg: string): readonly Subset[] {
  let found = subsets.get(pkg);
  if (found !== undefined) return found;
  const root = dirname(require.resolve(`${pkg}/package.json`));
  const css = readFileSync(join(root, 'wght.css'), 'utf8');
  found = [...css.matchAll(/url\(\.\/(files\/[^)]+-wght-normal\.woff2)\)[^;]*;\s*unicode-range:\s*([^;]+);/g)].map((m) => ({
    path: join(root, m[1]!),
    ranges: m[2]!.split(',').map((range) => {
      const [low, high] = range.trim().replace(/^U\+/i, '').split('-');
      return [Number.parseInt(low!, 16), Number.parseInt(high ?? low!, 16)] as const;
    }),
  }));
  subsets.set(pkg, found);
  return found;
}

/**
 * The font files the scripts of `text` need beyond Latin and emoji, with their families: for
 * each script `text` is written in, the subset files holding its characters, and only those
 * (a few Chinese characters need a few of Chinese's hundred files; Latin text needs none).
 */
export function scriptFontFiles(text: string): { readonly family: string; readonly path: string }[] {
  const files: { family: string; path: string }[] = [];
  for (const { family, pkg, chars } of SCRIPTS) {
    if (!chars.test(text)) continue;
    const points = new Set<number>();
    for (const char of text) if (chars.test(char)) points.add(char.codePointAt(0)!);
    for (const subset of subsetsOf(pkg)) {
      if ([...points].some((p) => subset.ranges.some(([low, high]) => p >= low && p <= high))) files.push({ family, path: subset.path });
    }
  }
  return files;
}

/**
 * Registers the fonts `text` needs beyond Latin and emoji (see `scriptFontFiles`), once each.
 * Skia decodes every file of a family the first time it searches it: registering all of them
 * (two hundred for Chinese and Korean) made the first picture block the process for seconds.
 */
export function registerScriptFonts(text: string): void {
  for (const { family, path } of scriptFontFiles(text)) {
    if (registered.has(path)) continue;
    GlobalFonts.registerFromPath(path, family);
    registered.add(path);
  }
}

/** Draws the results picture of one category. */
export function renderResultsChart(input: ChartInput): Chart {
  registerChartFonts();
  registerScriptFonts([input.campaignTitle, input.categoryTitle, ...input.standings.flatMap((s) => [s.text, s.author ?? ''])].join('\n'));
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
  drawText(ctx, fit(ctx, clean(input.campaignTitle), inner), PAD, 64);
  ctx.font = `28px ${FONT}`;
  drawText(ctx, fit(ctx, t(input.locale, 'chart.title', { category: clean(input.categoryTitle) }), inner), PAD, 108);
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
    // The label: "🏆 text — by author" for a winner, "text — by author" otherwise. The idea's
    // text is cut to leave room for the credit; only a credit wider than half the line is cut.
    ctx.fillStyle = colors.text;
    ctx.font = `${s.winner ? 'bold ' : ''}24px ${FONT}`;
    const credit = s.author ? fit(ctx, ` — ${t(input.locale, 'chart.by', { author: clean(s.author) })}`, inner / 2) : '';
    const label = fit(ctx, `${s.winner ? '🏆 ' : ''}${clean(s.text)}`, inner - measure(ctx, credit));
    drawText(ctx, label + credit, PAD, top + 30);
    // The bar, proportional to the votes (a sliver for none, so every candidate shows).
    const barWidth = Math.max(6, Math.round((s.votes / max) * barSpace));
    const { y } = barPosition(i);
    ctx.fillStyle = s.winner ? colors.winner : colors.bar;
    ctx.fillRect(PAD, y, barWidth, BAR);
    bars.push({ id: s.id, winner: s.winner, x: PAD, y, width: barWidth, height: BAR, label: label + credit });
    ctx.fillStyle = colors.text;
    ctx.font = `${s.winner ? 'bold ' : ''}22px ${FONT}`;
    ctx.fillText(t(input.locale, 'chart.votes', { votes: formatCount(input.locale, 'vote', s.votes) }), PAD + barWidth + 14, y + 25);
  });

  return { png: canvas.toBuffer('image/png'), width, height, bars };
}

/**
 * The picture that goes with a `results` announcement, with its file name; null for any other
 * event, or for a results event that carries no standings (one recorded by an older version).
 */
export function chartForEvent(event: CampaignEvent, campaign: CampaignSpec, locale: Locale): { chart: Chart; name: string } | null {
  if (event.kind !== 'results' || !event.standings) return null;
  const category = categoryById(campaign, event.categoryId);
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

// Skia splits a ZWJ sequence whose first emoji defaults to text presentation (🏳️‍🌈, ❤️‍🔥)
// into its parts, unless an emoji-presentation character comes just before it in the run.
const SPLIT_BY_SKIA = /^\p{Extended_Pictographic}(?<!\p{Emoji_Presentation})\uFE0F?\u200D/u;
const PRIMER = '\u{1F44D}';

/** The text in runs: plain text, and the ZWJ sequences that need a primer to stay one glyph. */
function runs(text: string): { text: string; primed: boolean }[] {
  const out: { text: string; primed: boolean }[] = [];
  for (const { segment } of graphemes.segment(text)) {
    const primed = SPLIT_BY_SKIA.test(segment);
    const last = out[out.length - 1];
    if (!primed && last !== undefined && !last.primed) last.text += segment;
    else out.push({ text: segment, primed });
  }
  return out;
}

function primedWidth(ctx: SKRSContext2D, sequence: string): number {
  return ctx.measureText(PRIMER + sequence).width - ctx.measureText(PRIMER).width;
}

/** The width of `text` as `drawText` draws it. */
function measure(ctx: SKRSContext2D, text: string): number {
  return runs(text).reduce((width, run) => width + (run.primed ? primedWidth(ctx, run.text) : ctx.measureText(run.text).width), 0);
}

/** Draws `text` at (x, y), each emoji ZWJ sequence as one glyph. */
function drawText(ctx: SKRSContext2D, text: string, x: number, y: number): void {
  let at = x;
  for (const run of runs(text)) {
    if (!run.primed) {
      ctx.fillText(run.text, at, y);
      at += ctx.measureText(run.text).width;
      continue;
    }
    // Drawn after a primer that the clip hides: only the sequence shows, shaped whole.
    const width = primedWidth(ctx, run.text);
    const primer = ctx.measureText(PRIMER).width;
    ctx.save();
    ctx.beginPath();
    ctx.rect(at, 0, width, ctx.canvas.height);
    ctx.clip();
    ctx.fillText(PRIMER + run.text, at - primer, y);
    ctx.restore();
    at += width;
  }
}

/** Cuts `text` (between whole characters: an accent or an emoji sequence is never split) with an ellipsis so that it fits `width`. */
function fit(ctx: SKRSContext2D, text: string, width: number): string {
  if (measure(ctx, text) <= width) return text;
  const chars = [...graphemes.segment(text)].map((g) => g.segment);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (measure(ctx, `${chars.slice(0, mid).join('')}…`) <= width) low = mid;
    else high = mid - 1;
  }
  return `${chars.slice(0, low).join('').trimEnd()}…`;
}
