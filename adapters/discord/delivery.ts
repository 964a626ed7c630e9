/**
 * Discord's side of the announcement delivery (src/chat/delivery.ts): an announcement is one
 * channel message per 2000-character chunk, the ballot's components on the last one and the
 * results picture attached to it (one request, so a retry never posts it twice); a Discord
 * error is a rate limit, a channel out of reach (missing permission, unknown channel), or
 * something to retry.
 */
import { DiscordAPIError, RateLimitError, Routes, type REST, type RawFile } from 'discord.js';
import type { CampaignEvent } from '../../src/model/events';
import type { CampaignSpec, Locale } from '../../src/model/campaign';
import { Announcer, type Announcement, type DeliveryFailure, type DeliveryStep } from '../../src/chat/delivery';
import type { CampaignDirectory } from '../../src/chat/directory';
import { discordMentions, renderEvent, toDiscordMarkdown } from '../../src/render/message';
import { ballotComponents, reviewRows, type Row } from './components';

/** Never ping anyone: applied on the client and on every message sent. */
export const NO_MENTIONS = { parse: [] as [] };

const PERMISSION_CODES = new Set([50001, 50013]);
const UNKNOWN_CHANNEL = 10003;

/** The announcer of the Discord adapter: posts through `rest()` (the client's REST, once it exists). */
export function discordAnnouncer(rest: () => REST, directory: CampaignDirectory, log: (line: string) => void): Announcer {
  return new Announcer({ platform: 'discord', directory, log, classify: classifyDiscordError, steps: (a) => announcementSteps(rest(), a, log) });
}

function announcementSteps(rest: REST, announcement: Announcement, log: (line: string) => void): DeliveryStep[] {
  const { event, target, campaign, index, locale, picture } = announcement;
  const channel = target.channel.split('/')[1] ?? target.channel;
  const rendered = renderEvent(event, campaign, locale);
  const chunks = toDiscordMarkdown(rendered);
  // Only the users a campaign chose to mention (its winning authors) may be pinged; never roles or everyone.
  const mentioned = discordMentions(rendered);
  const allowed = mentioned.length > 0 ? { ...NO_MENTIONS, users: mentioned } : NO_MENTIONS;
  const rows = eventRows(event, index, campaign, locale, log);
  return chunks.map((content, i) => async () => {
    const last = i === chunks.length - 1;
    const body = { content, components: last ? rows : [], allowed_mentions: allowed };
    const files: RawFile[] | undefined = last && picture ? [{ name: picture.name, data: picture.chart.png, contentType: 'image/png' }] : undefined;
    await rest.post(Routes.channelMessages(channel), files ? { body, files } : { body });
  });
}

/** The components an announcement carries: the ballot when a vote opens, a shortlist button under an idea in review. */
function eventRows(event: CampaignEvent, index: number, campaign: CampaignSpec, locale: Locale, log: (line: string) => void): Row[] {
  const category = campaign.categories.findIndex((c) => c.id === event.categoryId);
  const spec = campaign.categories[category];
  if (event.kind === 'shortlist.published' && spec) {
    const { rows, dropped } = ballotComponents({ campaign: index, category }, spec.vote, event.items, locale);
    if (dropped > 0) log(`discord: the ballot of ${campaign.id}/${spec.id} shows ${event.items.length - dropped} of its ${event.items.length} options (Discord's component limits); vote for the others with their number`);
    return rows;
  }
  if (event.kind === 'proposal.review') return reviewRows(index, [event.proposal.id], locale);
  return [];
}

/** What a failed channel post means for its announcement. */
export function classifyDiscordError(error: unknown): DeliveryFailure {
  if (error instanceof RateLimitError) return { kind: 'rate-limited', retryAfterMs: Math.max(error.retryAfter, error.timeToReset, 100) };
  if (error instanceof DiscordAPIError && (PERMISSION_CODES.has(Number(error.code)) || error.status === 403 || Number(error.code) === UNKNOWN_CHANNEL)) {
    const why = Number(error.code) === UNKNOWN_CHANNEL ? 'the channel does not exist or the bot cannot see it' : 'the bot lacks a permission there (View Channel, Send Messages)';
    return { kind: 'unreachable', why: `${why} (${error.status} ${error.code} ${error.message})` };
  }
  return { kind: 'retry' };
}
