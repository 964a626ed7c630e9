import fc from 'fast-check';
import { checkProposalText, cleanBounded, cleanText, normalizeForDuplicate, textLength } from '../../src/engine/text';

const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

describe('fan text', () => {
  it('removes control, bidi-override and zero-width characters and folds spaces', () => {
    expect(cleanText('\u202eevil\u202c \u0000x\u200b\ty\r\n\n z ')).toBe('evil x y z');
  });

  it('keeps accents and emoji, counting an emoji sequence as one character', () => {
    const text = cleanText('Crème brûlée 👩‍👩‍👧‍👦');
    expect(text).toBe('Crème brûlée 👩‍👩‍👧‍👦');
    expect(textLength(text)).toBe(14);
  });

  it('treats case, accents and punctuation as the same idea', () => {
    expect(normalizeForDuplicate('Le Méchant, CÉRÉALE !!')).toBe(normalizeForDuplicate('le mechant cereale'));
    expect(normalizeForDuplicate('🥣🥣')).toBe('🥣🥣');
  });

  it('cuts display names and reasons with an ellipsis', () => {
    expect(cleanBounded('abcdefghij', 5)).toBe('abcd…');
  });

  it('keeps the ZWJ of emoji sequences only, and caps piled combining marks: no one-character text of any size', () => {
    expect(cleanText('👩\u200d👧\u200d👦 famille')).toBe('👩\u200d👧\u200d👦 famille');
    expect(cleanText(`${'\u200d'.repeat(5000)}x`)).toBe('x');
    expect(cleanText('a\u200d\u200db')).toBe('ab');
    expect(cleanText(`e${'\u0301'.repeat(50)}`)).toBe(`é${'\u0301'.repeat(4)}`);
    expect(cleanText('Việt Nam')).toBe('Việt Nam');
    const flood = checkProposalText(`Idée ${'🏳️‍🌈'.repeat(100)}`, { minLength: 3, maxLength: 10 });
    expect(flood.ok ? 'ok' : flood.code).toBe('proposal.too-long');
  });

  it('never lets hidden characters through and always respects the bounds (property)', () => {
    const piece = fc.oneof(fc.constantFrom('\u202e', '\u0000', '\u200b', '\n', '@', '<', '&', '👩‍👧', 'é', ' '), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }));
    const hostile = fc.array(piece, { maxLength: 200 }).map((parts) => parts.join(''));
    fc.assert(fc.property(hostile, (input) => {
      const r = checkProposalText(input, { minLength: 3, maxLength: 100 });
      if (r.ok) {
        expect(r.text).not.toMatch(HIDDEN);
        expect(textLength(r.text)).toBeGreaterThanOrEqual(3);
        expect(textLength(r.text)).toBeLessThanOrEqual(100);
        expect(r.text).toBe(r.text.trim());
      } else {
        expect(['proposal.empty', 'proposal.too-short', 'proposal.too-long']).toContain(r.code);
      }
    }));
  });
});
