/** Wires the Telegram adapter (adapters/telegram) into `cocreate run`. */
import { TelegramAdapter } from '../../adapters/telegram/adapter';
import type { PlatformContext, RunningPlatform } from './platform-context';
import type { RunConfig } from '../config';

/**
 * Starts the Telegram bot: checks the token, registers the commands, registers the outbox
 * delivery for every campaign's Telegram chats, and starts receiving updates (long polling,
 * or the webhook when TELEGRAM_WEBHOOK_URL is set). Rejects when Telegram refuses the token.
 */
export async function startTelegram(context: PlatformContext, config: NonNullable<RunConfig['telegram']>): Promise<RunningPlatform> {
  const adapter = new TelegramAdapter({
    engine: context.engine,
    campaigns: context.campaigns,
    token: config.token,
    ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}),
    ...(config.webhook ? { webhook: config.webhook } : {}),
    ...(context.config.locale ? { locale: context.config.locale } : {}),
    log: context.log,
  });
  await adapter.start();
  context.outbox.register('telegram', adapter.deliver, adapter.targets);
  context.log(`telegram: receiving updates by ${config.webhook ? `webhook at ${config.webhook.url}` : 'long polling'}`);
  return { name: 'telegram', stop: () => adapter.stop(), health: () => adapter.health() };
}
