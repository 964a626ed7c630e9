/**
 * Wires the Discord adapter (adapters/discord) into `cocreate run`, and implements
 * `cocreate discord register-commands [--guild ID]`.
 */
import { parseArgs } from 'node:util';
import { REST, Routes } from 'discord.js';
import { DiscordAdapter, commandDefinitions } from '../../adapters/discord';
import { loadEnv, type RunConfig } from '../config';
import type { PlatformContext, RunningPlatform } from './platform-context';

type DiscordConfig = NonNullable<RunConfig['discord']>;

/**
 * Logs the bot in, registers its delivery with the outbox (every `channels.discord` entry of
 * every campaign, as `guild/channel`) and resolves once the gateway is ready.
 */
export async function startDiscord(context: PlatformContext, config: DiscordConfig): Promise<RunningPlatform> {
  const adapter = new DiscordAdapter({
    engine: context.engine, campaigns: context.campaigns, token: config.token, log: context.log,
    ...(config.apiBase ? { apiBase: config.apiBase } : {}),
    ...(context.config.locale ? { locale: context.config.locale } : {}),
  });
  await adapter.start();
  context.outbox.register('discord', adapter.deliver, adapter.targets);
  return { name: 'discord', stop: () => adapter.stop(), health: () => adapter.health() };
}

const USAGE = 'usage: cocreate discord register-commands [--guild ID]';

/**
 * `cocreate discord register-commands [--guild ID]`: puts the bot's slash commands on one
 * server (immediate) or globally. Needs DISCORD_TOKEN; the application id comes from
 * DISCORD_APPLICATION_ID or is asked from Discord. Returns the exit code.
 */
export async function discordCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { guild: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    err.write(`cocreate: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const [sub, ...extra] = parsed.positionals;
  if (sub !== 'register-commands' || extra.length > 0) {
    err.write(`cocreate: ${sub === undefined ? 'discord needs a subcommand' : `unknown discord subcommand "${sub}"`}\n${USAGE}\n`);
    return 2;
  }
  const guild = parsed.values.guild;
  if (guild !== undefined && !/^\d{1,20}$/.test(guild)) {
    err.write(`cocreate: --guild takes a Discord server id (digits only)\n${USAGE}\n`);
    return 2;
  }
  const env = loadEnv(process.env);
  if (!env.ok) {
    err.write(`cocreate: the environment has problems:\n${env.problems.join('\n')}\n`);
    return 1;
  }
  const config = env.config.discord;
  if (!config) {
    err.write('cocreate: DISCORD_TOKEN is not set: put the bot token in the environment (or .env)\n');
    return 1;
  }
  const rest = new REST(config.apiBase ? { api: config.apiBase } : {}).setToken(config.token);
  try {
    const applicationId = config.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
    const route = guild ? Routes.applicationGuildCommands(applicationId, guild) : Routes.applicationCommands(applicationId);
    const registered = (await rest.put(route, { body: commandDefinitions() })) as unknown[];
    out.write(`registered ${registered.length} slash commands ${guild ? `on server ${guild}` : 'globally'} for application ${applicationId}\n`);
    return 0;
  } catch (error) {
    const status = (error as { status?: number }).status;
    const hint = status === 401 ? ' (is DISCORD_TOKEN the bot token?)' : status === 403 ? ' (was the bot invited to that server with the applications.commands scope?)' : '';
    err.write(`cocreate: could not register the slash commands: ${(error as Error).message}${hint}\n`);
    return 1;
  }
}
