import fc from 'fast-check';
import { cleanText } from '../../src/engine/text';
import { DISCORD_MAX_LENGTH, renderEvent, toDiscordMarkdown, toPlainText, toTelegramHtml, type RenderedMessage } from '../../src/render/message';
import { HOSTILE, T0, campaign } from './campaign.fixture';

const ZWSP = '\u200b';
const DISCORD_SPECIALS = '\\*_~`|>#-[]()<';
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const fanOnly = (text: string): RenderedMessage => ({ parts: [{ fan: text }] });

/** The Discord markdown specials that are not escaped by a backslash. */
function unescapedSpecials(markdown: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < markdown.length; i++) {
    const c = markdown[i] ?? '';
    if (c === '\\') i++;
    else if (DISCORD_SPECIALS.includes(c)) found.push(c);
  }
  return found;
}

/** What a Discord reader sees: escapes resolved, zero-width spaces invisible. */
function discordDisplay(markdown: string): string {
  return markdown.replace(/\\(.)/gu, '$1').replaceAll(ZWSP, '');
}

function telegramDisplay(html: string): string {
  return html.replaceAll(ZWSP, '').replace(/&(lt|gt|quot|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[name] ?? '');
}

function expectInertForDiscord(markdown: string): void {
  expect(unescapedSpecials(markdown)).toEqual([]);
  expect(markdown).not.toMatch(/@(?!\u200b)/u);
  expect(markdown).not.toMatch(/@everyone|@here|(?<!\\)<[@#]/u);
  expect(markdown).not.toMatch(CONTROLS);
  expect(markdown).not.toMatch(BIDI);
}

function expectInertForTelegram(html: string): void {
  expect(html).not.toMatch(/[<>"]/);
  expect(html.replace(/&(amp|lt|gt|quot);/g, '')).not.toContain('&');
  expect(html).not.toMatch(/@(?!\u200b)/u);
  expect(html).not.toMatch(CONTROLS);
  expect(html).not.toMatch(BIDI);
}

describe('toPlainText', () => {
  it.each(HOSTILE)('shows fan text as written, without controls or bidi overrides: %j', (text) => {
    const out = toPlainText(fanOnly(text));
    expect(out).toBe(cleanText(text));
    expect(out).not.toMatch(CONTROLS);
    expect(out).not.toMatch(BIDI);
  });

  it('keeps the trusted parts and line breaks as they are', () => {
    expect(toPlainText({ parts: ['a & <b>\n', { fan: 'x' }] })).toBe('a & <b>\nx');
  });
});

describe('toTelegramHtml', () => {
  it.each(HOSTILE)('makes hostile fan text inert and keeps it readable: %j', (text) => {
    const html = toTelegramHtml(fanOnly(text));
    expectInertForTelegram(html);
    expect(telegramDisplay(html)).toBe(cleanText(text));
  });

  it('escapes HTML in fan text', () => {
    expect(toTelegramHtml(fanOnly('<b>x</b> & <script>'))).toBe('&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;');
  });

  it('entity-escapes trusted parts too, so a title with & stays valid HTML', () => {
    const html = toTelegramHtml(renderEvent({ id: 'e', campaignId: campaign.id, categoryId: 'nope & <co>', at: T0, kind: 'phase.paused', phase: 'vote' }, campaign, 'en'));
    expect(html).toContain('nope &amp; &lt;co&gt;');
    expect(toTelegramHtml({ parts: [campaign.title] })).toBe('Super Social Movie — Crunch &amp; Norman');
  });
});

describe('toDiscordMarkdown', () => {
  it.each(HOSTILE)('makes hostile fan text inert and keeps it readable: %j', (text) => {
    const [markdown, ...more] = toDiscordMarkdown(fanOnly(text));
    expect(more).toEqual([]);
    expectInertForDiscord(markdown ?? '');
    expect(discordDisplay(markdown ?? '')).toBe(cleanText(text));
  });

  it('breaks @everyone and role mentions, and escapes masked links', () => {
    expect(toDiscordMarkdown(fanOnly('@everyone <@&123> [click](https://evil.example)'))).toEqual([
      // The URL is inert too (a zero-width space after `https:` and inside `evil.example`).
      `@${ZWSP}everyone \\<@${ZWSP}&123\\> \\[click\\]\\(https:${ZWSP}//evil.${ZWSP}example\\)`,
    ]);
  });

  it('leaves trusted parts alone', () => {
    expect(toDiscordMarkdown({ parts: ['🏆 #', { fan: '3' }, ' — votes: 1'] })).toEqual(['🏆 #3 — votes: 1']);
  });

  it('cuts 10 KB of fan text into messages of at most 2000 characters, marking each cut', () => {
    const text = '@everyone **x** '.repeat(640);
    const chunks = toDiscordMarkdown(fanOnly(text));
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(DISCORD_MAX_LENGTH);
      expectInertForDiscord(chunk.replace(/…$/, ''));
    }
    expect(chunks.slice(0, -1).every((c) => c.endsWith('…'))).toBe(true);
    expect(discordDisplay(chunks.map((c) => c.replace(/…$/, '')).join(''))).toBe(cleanText(text));
  });

  it('never cuts between a backslash and the character it escapes', () => {
    const text = '*'.repeat(5000);
    for (const chunk of toDiscordMarkdown(fanOnly(text))) expect(unescapedSpecials(chunk.replace(/…$/, ''))).toEqual([]);
  });

  it('splits long messages at line breaks when it can', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, '0')} ${'x'.repeat(96)}`);
    const chunks = toDiscordMarkdown({ parts: [lines.join('\n')] });
    expect(chunks.length).toBe(2);
    expect(chunks.join('\n')).toBe(lines.join('\n'));
  });

  it('cleans bidi overrides so that fan text cannot reorder the message', () => {
    const [markdown] = toDiscordMarkdown({ parts: ['Idea: ', { fan: 'abc\u202Efed' }, ' — by bob'] });
    expect(markdown).toBe('Idea: abcfed — by bob');
  });
});

describe('any fan text', () => {
  const fanText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.array(fc.constantFrom(...HOSTILE, '@', '\\', '<', '&', '`', '\n', '\u202E', 'here', 'everyone'), { maxLength: 30 }).map((a) => a.join('')),
  );

  it('is inert on every platform', () => {
    fc.assert(fc.property(fanText, (text) => {
      const msg = fanOnly(text);
      expect(toPlainText(msg)).not.toMatch(CONTROLS);
      expectInertForTelegram(toTelegramHtml(msg));
      for (const chunk of toDiscordMarkdown(msg)) expectInertForDiscord(chunk.replace(/…$/, ''));
    }));
  });

  it('reads the same once each platform displays it', () => {
    fc.assert(fc.property(fanText, (text) => {
      const msg = fanOnly(text);
      expect(telegramDisplay(toTelegramHtml(msg))).toBe(cleanText(text));
      expect(discordDisplay(toDiscordMarkdown(msg).join(''))).toBe(cleanText(text));
    }));
  });
});
