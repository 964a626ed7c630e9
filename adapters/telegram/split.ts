/**
 * Telegram's size limit for one message: 4096 characters. The rendered HTML is cut at line
 * breaks where it can; a longer line is cut too, never inside an HTML entity (`&amp;`) nor
 * inside a surrogate pair. The HTML of src/render holds no tags, so any such cut is valid HTML.
 */

/** The longest message text Telegram accepts. */
export const TELEGRAM_MAX_LENGTH = 4096;

const ELLIPSIS = '…';

/** `html` as messages of at most `max` characters each (the HTML counted, which bounds the text shown). */
export function splitTelegramHtml(html: string, max = TELEGRAM_MAX_LENGTH): string[] {
  const chunks: string[] = [];
  let current: string | null = null;
  for (const piece of html.split('\n').flatMap((line) => cutLine(line, max))) {
    if (current !== null && current.length + 1 + piece.length <= max) current += `\n${piece}`;
    else {
      if (current !== null) chunks.push(current);
      current = piece;
    }
  }
  if (current !== null) chunks.push(current);
  return chunks.filter((chunk) => chunk.trim() !== '');
}

function cutLine(line: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > max) {
    const cut = safeCut(rest, max - ELLIPSIS.length);
    pieces.push(rest.slice(0, cut) + ELLIPSIS);
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
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
