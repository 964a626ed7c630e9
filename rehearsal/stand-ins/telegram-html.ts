/**
 * Telegram's HTML parse mode, as the Bot API checks it: only Telegram's tags, properly
 * nested; `<`, `>` and `&` outside tags only as entities (`&lt; &gt; &amp; &quot;` and numeric
 * ones); anything else is "Bad Request: can't parse entities". Returns the text a reader sees
 * and the formatting entities, so that tests can assert that fan text stayed inert.
 */

export interface ParsedEntity {
  readonly type: string;
  /** UTF-16 offset and length in the parsed text, as the Bot API counts them. */
  readonly offset: number;
  length: number;
  readonly url?: string;
}

export type ParseResult =
  | { readonly ok: true; readonly text: string; readonly entities: readonly ParsedEntity[] }
  | { readonly ok: false; readonly description: string };

const TAGS: Readonly<Record<string, string>> = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler',
  span: 'spoiler', a: 'text_link', code: 'code', pre: 'pre', blockquote: 'blockquote', 'tg-emoji': 'custom_emoji',
};

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function fail(description: string): ParseResult {
  return { ok: false, description: `Bad Request: can't parse entities: ${description}` };
}

function decodeEntity(html: string, at: number): { text: string; end: number } | null {
  const match = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/.exec(html.slice(at, at + 12));
  if (!match) return null;
  const body = match[1]!;
  let text: string | undefined;
  if (body.startsWith('#x')) text = String.fromCodePoint(Number.parseInt(body.slice(2), 16));
  else if (body.startsWith('#')) text = String.fromCodePoint(Number.parseInt(body.slice(1), 10));
  else text = NAMED[body];
  return text === undefined ? null : { text, end: at + match[0].length };
}

/** Parses `html` the way the Bot API does for `parse_mode: 'HTML'`. */
export function parseTelegramHtml(html: string): ParseResult {
  let text = '';
  const entities: ParsedEntity[] = [];
  const open: { name: string; entity: ParsedEntity }[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '&') {
      const decoded = decodeEntity(html, i);
      if (!decoded) return fail(`Unsupported or unterminated entity at byte offset ${Buffer.byteLength(html.slice(0, i))}`);
      text += decoded.text;
      i = decoded.end;
      continue;
    }
    if (c === '>') return fail(`Unexpected end tag at byte offset ${Buffer.byteLength(html.slice(0, i))}`);
    if (c !== '<') { text += c; i++; continue; }
    const end = html.indexOf('>', i);
    if (end < 0) return fail(`Unclosed start tag at byte offset ${Buffer.byteLength(html.slice(0, i))}`);
    const inside = html.slice(i + 1, end);
    if (inside.startsWith('/')) {
      const name = inside.slice(1).trim().toLowerCase();
      const top = open.pop();
      if (!top || top.name !== name) return fail(`Unmatched end tag "${name}" at byte offset ${Buffer.byteLength(html.slice(0, i))}`);
      top.entity.length = text.length - top.entity.offset;
      entities.push(top.entity);
    } else {
      const tag = /^([a-zA-Z-]+)((?:\s+[a-z-]+\s*=\s*"[^"<>]*")*)\s*$/.exec(inside);
      const name = tag?.[1]?.toLowerCase();
      const type = name === undefined ? undefined : TAGS[name];
      if (!tag || !name || !type) return fail(`Unsupported start tag "${inside.split(/\s/)[0] ?? ''}" at byte offset ${Buffer.byteLength(html.slice(0, i))}`);
      const attrs = Object.fromEntries([...(tag[2] ?? '').matchAll(/([a-z-]+)\s*=\s*"([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      if (name === 'span' && attrs.class !== 'tg-spoiler') return fail('Tag "span" must have class "tg-spoiler"');
      if (name === 'a' && !attrs.href) return fail('Tag "a" must have an href');
      open.push({ name, entity: { type, offset: text.length, length: 0, ...(attrs.href ? { url: attrs.href } : {}) } });
    }
    i = end + 1;
  }
  if (open.length > 0) return fail(`Can't find end tag corresponding to start tag "${open[open.length - 1]!.name}"`);
  return { ok: true, text, entities };
}
