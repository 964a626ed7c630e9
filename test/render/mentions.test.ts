/**
 * `reveal.mentionAuthors`: a winning author becomes a real mention on their own platform, and
 * stays an inert, escaped name everywhere else; nothing else in a message can ever mention.
 */
import type { CampaignEvent } from '../../src/model/events';
import type { Winner } from '../../src/model/records';
import { discordMentions, renderEvent, toDiscordMarkdown, toPlainText, toTelegramHtml } from '../../src/render/message';
import { T0, campaign } from './campaign.fixture';

const base = { id: 'e1', campaignId: campaign.id, categoryId: 'cult-line', at: T0 };
const results = (winners: Winner[]): CampaignEvent => ({ ...base, kind: 'results', winners, ballots: 42 });
const HOSTILE = '@everyone <b>Bob</b> [x](https://evil.example)';

describe('winning authors mentioned when the campaign opts in', () => {
  const winners: Winner[] = [
    { id: '3', text: 'Je suis ton père', author: 'Alice', authorKey: 'discord:1300000000000001003', votes: 30 },
    { id: '5', text: 'Hasta la vista', author: HOSTILE, authorKey: 'telegram:4242', votes: 12 },
  ];
  const msg = renderEvent(results(winners), campaign, 'en');

  it('mentions the Discord author on Discord, and allows that user only', () => {
    const text = toDiscordMarkdown(msg).join('\n');
    expect(text).toContain('<@1300000000000001003>');
    expect(discordMentions(msg)).toEqual(['1300000000000001003']);
    // the Telegram author is only a name there, escaped and unable to ping
    expect(text).toContain('@\u200beveryone');
    expect(text).not.toMatch(/@everyone|\]\(|tg:\/\//);
  });

  it('links the Telegram author on Telegram, the name inside escaped', () => {
    const html = toTelegramHtml(msg);
    expect(html).toContain('<a href="tg://user?id=4242">@\u200beveryone &lt;b&gt;Bob&lt;/b&gt; [x](https://evil.example)</a>');
    expect(html).toContain('Alice'); // the Discord author is only a name on Telegram
    expect(html).not.toContain('1300000000000001003');
  });

  it('shows names only in plain text', () => {
    const text = toPlainText(msg);
    expect(text).toContain('Alice');
    expect(text).not.toMatch(/<@|tg:\/\/|4242/);
  });

  it('never turns a malformed key into markup', () => {
    const forged = renderEvent(results([
      { id: '3', text: 'x', author: 'Eve', authorKey: 'discord:1><@&123', votes: 1 },
      { id: '4', text: 'y', author: 'Mallory', authorKey: 'telegram:1" onclick="x', votes: 1 },
    ]), campaign, 'en');
    expect(discordMentions(forged)).toEqual([]);
    expect(toDiscordMarkdown(forged).join('\n')).not.toContain('<@');
    expect(toTelegramHtml(forged)).not.toContain('<a ');
  });

  it('mentions nobody without a key (the default)', () => {
    const plain = renderEvent(results([{ id: '3', text: 'x', author: 'Alice', votes: 1 }]), campaign, 'en');
    expect(discordMentions(plain)).toEqual([]);
    expect(toTelegramHtml(plain)).not.toContain('<a ');
  });
});
