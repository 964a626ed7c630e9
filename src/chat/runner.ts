/**
 * The engine's one entry point as every chat platform sees it, and the shape of a command
 * before a platform knows which campaign it is about.
 */
import type { Actor } from '../model/campaign';
import type { Command, CommandResult } from '../engine/commands';

/**
 * What a chat platform (and every wrapper around the engine: metrics, the shutdown gate)
 * needs of the engine: `execute` runs one command as one actor and resolves with the engine's
 * answer, a success or a typed refusal, once whatever it changed is durable.
 */
export interface CommandRunner {
  execute(command: Command, actor: Actor): Promise<CommandResult>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An engine command before the chat adds the id of the campaign it is about. */
export type CommandBody = DistributiveOmit<Command, 'campaignId'>;

/** `body` about campaign `campaignId`. */
export function inCampaign(body: CommandBody, campaignId: string): Command {
  return { ...body, campaignId } as Command;
}
