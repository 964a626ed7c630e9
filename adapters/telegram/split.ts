/**
 * Telegram's size limit for one message: 4096 characters. The rendered HTML is cut at line
 * breaks where it can; a longer line is cut too, never inside an HTML entity (`&amp;`) nor
 * inside a surrogate pair. The HTML of src/render holds no tags, so any such cut is valid HTML.
 */

import { splitMessage } from '../../src/render/message';

/** The longest message text Telegram accepts. */
export const TELEGRAM_MAX_LENGTH = 4096;

/** `html` as messages of at most `max` characters each (the HTML counted, which bounds the text shown). */
export function splitTelegramHtml(html: string, max = TELEGRAM_MAX_LENGTH): string[] {
  return splitMessage(html, max, safeCut);
}

/** The last position at or before `end` that is outside an entity and between two code points. */
function safeCut(text: string, end: number): number {
  let cut = end;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp >= cut - 8) {
    const semi = text.indexOf(';', amp);
    if (semi >= cut) cut = amp; // the cut would fall inside `&…;`
  }
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return Math.max(1, cut);
}
