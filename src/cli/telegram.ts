/** Wires the Telegram adapter (adapters/telegram) into `cocreate run`. */
import type { PlatformContext, RunningPlatform } from './platform';
import type { RunConfig } from '../config';

export async function startTelegram(_context: PlatformContext, _config: NonNullable<RunConfig['telegram']>): Promise<RunningPlatform> {
  throw new Error('TELEGRAM_BOT_TOKEN is set, but the Telegram adapter is not part of this version yet: unset it to use the local terminal chat.');
}
