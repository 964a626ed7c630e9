/** The platforms `cocreate run` starts: each adapter whose token is in the environment. */
import { startDiscord } from './start-discord';
import { startTelegram } from './start-telegram';
import type { PlatformContext, RunningPlatform } from './platform-context';

export type { PlatformContext, RunningPlatform } from './platform-context';

/** Starts every platform configured in the environment; none when no token is set. */
export async function startPlatforms(context: PlatformContext): Promise<RunningPlatform[]> {
  const running: RunningPlatform[] = [];
  try {
    if (context.config.discord) running.push(await startDiscord(context, context.config.discord));
    if (context.config.telegram) running.push(await startTelegram(context, context.config.telegram));
  } catch (error) {
    await Promise.allSettled(running.map((p) => p.stop()));
    throw error;
  }
  return running;
}
