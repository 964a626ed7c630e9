/**
 * Telegram's side of the announcement delivery (src/chat/delivery.ts): an announcement is one
 * HTML message per 4096 characters, the ballot's keyboard under the last one, then the results
 * picture as a photo (one more step, so that a retry resumes after what was sent). A Telegram
 * error is a rate limit (`retry_after`), a refusal for good (4xx), or something to retry.
 */
import { Input, TelegramError, type Telegram } from 'telegraf';
import { Announcer, type Announcement, type DeliveryFailure, type DeliveryStep } from '../../src/chat/delivery';
import type { CampaignDirectory } from '../../src/chat/directory';
import { cleanText } from '../../src/engine/text';
import { categoryById } from '../../src/model/campaign';
import { t } from '../../src/i18n/messages';
import { renderEvent, toTelegramHtml } from '../../src/render/message';
import { sendHtml } from './context';
import { ballotMessage, clip, type Keyboard } from './keyboards';
import { splitTelegramHtml } from './split';

/** A photo caption is at most 1024 characters on Telegram. */
export const CAPTION_MAX = 1024;

export function telegramAnnouncer(telegram: Telegram, directory: CampaignDirectory, log: (line: string) => void): Announcer {
  return new Announcer({ platform: 'telegram', directory, log, classify: classifyTelegramError, steps: (a) => announcementSteps(telegram, a) });
}

function announcementSteps(telegram: Telegram, announcement: Announcement): DeliveryStep[] {
  const { event, target, campaign, index, locale, picture } = announcement;
  const { message, keyboard }: { message: ReturnType<typeof renderEvent>; keyboard?: Keyboard } = event.kind === 'shortlist.published'
    ? ballotMessage(event, index, campaign, locale)
    : { message: renderEvent(event, campaign, locale) };
  const chunks = splitTelegramHtml(toTelegramHtml(message));
  const steps: DeliveryStep[] = chunks.map((chunk, i) => () => sendHtml(telegram, target.channel, chunk, i === chunks.length - 1 && keyboard ? { keyboard } : {}));
  if (picture) {
    const category = categoryById(campaign, event.categoryId);
    steps.push(async () => {
      await telegram.sendPhoto(target.channel, Input.fromBuffer(picture.chart.png, picture.name), {
        caption: clip(t(locale, 'chart.title', { category: cleanText(category?.title ?? event.categoryId) }), CAPTION_MAX),
      });
    });
  }
  return steps;
}

/** What a failed Bot API call means for its announcement. */
export function classifyTelegramError(error: unknown): DeliveryFailure {
  if (error instanceof TelegramError && error.code === 429) return { kind: 'rate-limited', retryAfterMs: (error.parameters?.retry_after ?? 1) * 1000 };
  if (error instanceof TelegramError && error.code >= 400 && error.code < 500) return { kind: 'refused', why: error.description };
  return { kind: 'retry' };
}
