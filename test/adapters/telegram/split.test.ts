import fc from 'fast-check';
import { splitTelegramHtml, TELEGRAM_MAX_LENGTH } from '../../../adapters/telegram/split';
import { toTelegramHtml } from '../../../src/render/message';
import { parseTelegramHtml } from './html';

describe('splitting a message at Telegram\'s 4096 characters', () => {
  it('keeps a short message whole', () => {
    expect(splitTelegramHtml('a\nb')).toEqual(['a\nb']);
  });

  it('cuts at line breaks first', () => {
    const line = 'x'.repeat(3000);
    expect(splitTelegramHtml(`${line}\n${line}`)).toEqual([line, line]);
  });

  it('cuts a long line without splitting an entity or a surrogate pair', () => {
    const html = toTelegramHtml({ parts: [{ fan: '&<>😀'.repeat(2000) }] });
    const chunks = splitTelegramHtml(html, 100);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(100);
      expect(parseTelegramHtml(chunk).ok).toBe(true);
      expect(chunk).not.toMatch(/[\ud800-\udbff]$|^[\udc00-\udfff]/);
    }
  });

  it('always yields valid HTML within the limit, for any fan text', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.constantFrom('&', '<', '>', '\n', '"', '&amp;', '</code>')), { maxLength: 60 }), fc.integer({ min: 20, max: TELEGRAM_MAX_LENGTH }), (pieces, max) => {
      const html = toTelegramHtml({ parts: ['Idea: ', { fan: pieces.join('') }, '\nend'] });
      for (const chunk of splitTelegramHtml(html, max)) {
        expect(chunk.length).toBeLessThanOrEqual(max);
        const parsed = parseTelegramHtml(chunk);
        expect(parsed.ok && parsed.entities).toEqual([]);
      }
    }), { numRuns: 200 });
  });
});
