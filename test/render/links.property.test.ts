import fc from 'fast-check';
import { parseTelegramHtml } from '../../rehearsal/stand-ins/telegram-html';
import { parseCampaignText } from '../../src/config/loader';
import { inertCommands, inertLinks, renderResult, toDiscordMarkdown, toTelegramHtml, type RenderedMessage } from '../../src/render/message';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { Proposal } from '../../src/model/records';
import { campaign, T0 } from './campaign.fixture';
import { VALID } from '../config/helpers';

/**
 * What Discord's client turns into a link: `http(s)://` URLs after its markdown escapes are
 * resolved, its invite links even without a scheme, and `<url>` autolinks.
 */
function discordLinks(markdown: string): string[] {
  const text = markdown.replace(/\\([^\p{L}\p{N}\s])/gu, '$1');
  return [...text.matchAll(/(?:https?|ftp|steam):\/\/[^\s<]+|\b(?:discord\.gg|discord\.com\/invite|discordapp\.com\/invite)\/[\w-]+/giu)].map((m) => m[0]);
}

/**
 * What Telegram turns into a link in a message's text, roughly as its entity parser does:
 * URLs with a scheme, `www.…`, a bare domain with a letters-only TLD (`example.com`,
 * `пример.рф`), `t.me/…`; `text_link` entities are the bot's own (a mention), not fan text.
 */
function telegramLinks(html: string): string[] {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.description);
  return [...parsed.text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s]+|\bwww\.(?=[\p{L}\p{N}])[^\s]*|[\p{L}\p{N}_-]+(?:[.\u3002\uff0e\uff61][\p{L}\p{N}_-]+)*[.\u3002\uff0e\uff61]\p{L}{2,}\b(?:\/[^\s]*)?/giu)].map((m) => m[0]);
}

const proposal = (text: string): Proposal => ({
  id: '7', categoryId: 'cult-line', text, normalized: text, seq: 7, authorKey: 'telegram:42', authorName: 'Zoé', platform: 'telegram', createdAt: T0, status: 'active', likes: 0,
} as Proposal);

function replyTo(text: string, allowLinks = false): RenderedMessage {
  const command: Command = { type: 'propose', campaignId: campaign.id, categoryId: 'cult-line', text };
  const result = { ok: true, type: 'propose', proposal: proposal(text) } as CommandResult;
  return renderResult(result, command, allowLinks ? { ...campaign, allowLinks: true } : campaign, 'fr');
}

const LINKY = [
  'https://evil.example/login', 'http://example.com', 'HTTPS://EXAMPLE.COM', 'www.example.com', 'example.com', 'sub.domain.co.uk/path?x=1',
  't.me/joinchat/abc', 't.me/evilbot', 'discord.gg/abcdef', 'discord.com/invite/xyz', 'tg://resolve?domain=evil', 'пример.рф', 'exa。mple。com',
  '[click](https://evil.example)', '<https://evil.example>', 'ftp://files.example.org', 'user@example.com', 'xn--80ak6aa92e.com',
];

const fanText = fc.array(fc.oneof(fc.constantFrom(...LINKY), fc.string({ maxLength: 12 }), fc.constantFrom(' ', '.', '/', ':', '(', ')', '\n')), { maxLength: 8 }).map((p) => p.join(''));

describe('bare URLs in fan text are inert', () => {
  it.each(LINKY)('never lets %s form a link on Discord or Telegram', (text) => {
    const msg = replyTo(`Regardez ${text} !`);
    expect(discordLinks(toDiscordMarkdown(msg).join('\n'))).toEqual([]);
    expect(telegramLinks(toTelegramHtml(msg))).toEqual([]);
  });

  it('never lets any fan text form a link on either platform (fast-check)', () => {
    fc.assert(fc.property(fanText, (text) => {
      const msg = replyTo(text);
      expect(discordLinks(toDiscordMarkdown(msg).join('\n'))).toEqual([]);
      expect(telegramLinks(toTelegramHtml(msg))).toEqual([]);
    }), { numRuns: 3000 });
  });

  it('reads the same once the zero-width spaces are invisible', () => {
    expect(inertLinks('see https://example.com, t.me/x and 3.5 stars').replaceAll('\u200b', '')).toBe('see https://example.com, t.me/x and 3.5 stars');
  });

  it('leaves the campaign’s own text (titles) as the brand wrote it', () => {
    const html = toTelegramHtml(renderResult({ ok: true, type: 'propose', proposal: proposal('idée') } as CommandResult,
      { type: 'propose', campaignId: campaign.id, categoryId: 'cult-line', text: 'idée' }, { ...campaign, categories: campaign.categories.map((c) => ({ ...c, title: 'crunch.fr' })) }, 'fr'));
    expect(html).toContain('crunch.fr');
  });
});

/**
 * The bot commands Telegram's entity parser finds in a message's text: a `/` after no word
 * character, `/`, `<` or `>`, then 1 to 64 of `[a-zA-Z0-9_]`, an optional `@bot`, and no word
 * character after (tdlib's `match_bot_commands`). A tap on one sends it to the chat.
 */
function telegramCommands(html: string): string[] {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.description);
  return [...parsed.text.matchAll(/(?<![\p{L}\p{N}\p{M}_/<>])\/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\p{L}\p{N}\p{M}_/<>])/gu)].map((m) => m[0]);
}

const COMMANDY = ['/start', '/vote cult-line 1', '/start@evilbot', '(/forgetme)', '«/propose»', '/_', '/a1/b2', 'x\n/mydata'];

describe('bot commands in fan text are inert on Telegram', () => {
  it.each(COMMANDY)('never lets %s form a command a fan could tap', (text) => {
    const shown = `Tape ${text} !`;
    expect(telegramCommands(toTelegramHtml(replyTo(shown)))).toEqual([]);
    expect(telegramCommands(toTelegramHtml(replyTo(shown, true)))).toEqual([]);
  });

  it('never lets any fan text form a command (fast-check)', () => {
    const text = fc.array(fc.oneof(fc.constantFrom(...COMMANDY, ...LINKY), fc.string({ maxLength: 8 }), fc.constantFrom(' ', '/', '\n', '(', 'é', '_')), { maxLength: 8 }).map((p) => p.join(''));
    fc.assert(fc.property(text, fc.boolean(), (t, allowLinks) => {
      expect(telegramCommands(toTelegramHtml(replyTo(t, allowLinks)))).toEqual([]);
    }), { numRuns: 2000 });
  });

  it('keeps the slashes of paths and fractions, and reads the same', () => {
    expect(inertCommands('a/b https://x.example/path 1/2')).toBe('a/b https://x.example/path 1/2');
    expect(inertCommands('/start now').replaceAll('\u200b', '')).toBe('/start now');
  });
});

describe('a campaign that allows links', () => {
  it('keeps a fan’s https:// URL a link, without an embed on Discord', () => {
    const msg = replyTo('Mon court-métrage : https://example.com/film_1 (à voir)', true);
    const [markdown] = toDiscordMarkdown(msg);
    expect(markdown).toContain('<https://example.com/film_1>');
    expect(discordLinks(markdown!)).toEqual(['https://example.com/film_1>']);
    expect(telegramLinks(toTelegramHtml(msg))).toEqual(['https://example.com/film_1']);
  });

  it('still never pings nor injects markup', () => {
    const [markdown] = toDiscordMarkdown(replyTo('@everyone https://x.example/@here **gras**', true));
    expect(markdown).not.toMatch(/@everyone|@here|(?<!\\)\*\*/);
  });

  it('is a campaign key, false by default', () => {
    const off = parseCampaignText(VALID, 'c.yaml');
    const on = parseCampaignText(`${VALID}allowLinks: true\n`, 'c.yaml');
    expect(off.ok && off.spec.allowLinks).toBeFalsy();
    expect(on.ok && on.spec.allowLinks).toBe(true);
    expect(parseCampaignText(`${VALID}allowLinks: yes please\n`, 'c.yaml').ok).toBe(false);
  });
});
