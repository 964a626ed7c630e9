/** The Discord adapter (discord.js 14): see adapter.ts; command definitions in definitions.ts. */
export { DiscordAdapter, NO_MENTIONS, actorOf, type DiscordAdapterOptions, type CommandRunner } from './adapter';
export { commandDefinitions } from './definitions';
