/**
 * Fan text is hostile (DESIGN invariant 7). The engine stores only cleaned, bounded text;
 * escaping for a platform's markup happens when rendering (src/render).
 */

/** Longest input we even look at: beyond it the text is refused as too long, unread. */
const HARD_INPUT_CAP = 16_384;

// C0/C1 controls (tab and newlines are turned into spaces first), bidi embeddings,
// overrides and isolates, marks that change direction, zero-width characters that hide
// text (ZWJ U+200D stays: emoji sequences need it), soft hyphen, BOM, interlinear anchors.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
const WHITESPACE_RUN = /[\s\u3000\u2000-\u200a\u2028\u2029\u00a0]+/g;
// A ZWJ joins emoji (👩‍👧); anywhere else it only hides length: thousands of them, or of
// combining marks ("zalgo"), make one user-perceived character of any size.
const PICTO = '\\p{Extended_Pictographic}[\\u{FE0F}\\u{1F3FB}-\\u{1F3FF}]?';
const STRAY_ZWJ = new RegExp(`(?<!${PICTO})\\u200d|\\u200d(?!\\p{Extended_Pictographic})`, 'gu');
const MARK_PILE = /(\p{M}{4})\p{M}+/gu;
/** UTF-16 units allowed per counted character, whatever the characters: a backstop to `maxLength`. */
const UNITS_PER_CHARACTER = 16;

/** Removes invisible and control characters, folds white space, trims; keeps emoji and accents. */
export function cleanText(input: string): string {
  const bounded = input.length > HARD_INPUT_CAP ? input.slice(0, HARD_INPUT_CAP) : input;
  return bounded
    .toWellFormed()
    .normalize('NFC')
    .replace(/[\t\r\n\v\f]/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/\u200d{2,}/g, '\u200d')
    .replace(STRAY_ZWJ, '')
    .replace(MARK_PILE, '$1')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}

/** Length as a person counts it: user-perceived characters (an emoji with modifiers is one). */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}
const segmenter = new Intl.Segmenter('fr', { granularity: 'grapheme' });

/**
 * The key for near-duplicate refusal: case, accents, punctuation and spacing do not make
 * two ideas different ("Le Méchant !" = "le mechant").
 */
export function normalizeForDuplicate(text: string): string {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return folded === '' ? text.toLowerCase() : folded;
}

export type TextCheck =
  | { readonly ok: true; readonly text: string; readonly normalized: string }
  | { readonly ok: false; readonly code: 'proposal.empty' | 'proposal.too-short' | 'proposal.too-long'; readonly params: { min: number; max: number } };

/** Cleans a fan's proposal and checks it against the category's bounds. */
export function checkProposalText(input: string, bounds: { minLength: number; maxLength: number }): TextCheck {
  const params = { min: bounds.minLength, max: bounds.maxLength };
  if (input.length > HARD_INPUT_CAP) return { ok: false, code: 'proposal.too-long', params };
  const text = cleanText(input);
  if (text === '') return { ok: false, code: 'proposal.empty', params };
  const length = textLength(text);
  if (length < bounds.minLength) return { ok: false, code: 'proposal.too-short', params };
  if (length > bounds.maxLength || text.length > bounds.maxLength * UNITS_PER_CHARACTER) return { ok: false, code: 'proposal.too-long', params };
  return { ok: true, text, normalized: normalizeForDuplicate(text) };
}

/** The longest reason a curator or manager may give (a rejection, a ban), in user-perceived characters. */
export const REASON_MAX = 280;

/** Cleans and cuts short text we keep but do not refuse (display names, reasons). */
export function cleanBounded(input: string, max: number): string {
  const text = cleanText(input);
  if (textLength(text) <= max) return text;
  let out = '';
  let n = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (++n > max - 1) break;
    out += segment;
  }
  return `${out}…`;
}
