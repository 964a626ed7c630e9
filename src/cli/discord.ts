/** Wires the Discord adapter (adapters/discord) into `cocreate run`. */
import type { PlatformContext, RunningPlatform } from './platform';
import type { RunConfig } from '../config';

export async function startDiscord(_context: PlatformContext, _config: NonNullable<RunConfig['discord']>): Promise<RunningPlatform> {
  throw new Error('DISCORD_TOKEN is set, but the Discord adapter is not part of this version yet: unset it to use the local terminal chat.');
}
