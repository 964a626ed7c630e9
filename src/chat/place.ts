/**
 * Where an incoming chat event happened. Every adapter says it the same way, so that the
 * campaign of an event is found once (directory.ts), and so that a later check of "does this
 * campaign live here?" has the place at hand for every press and command.
 */
import type { Platform } from '../model/campaign';

export interface ChatPlace {
  readonly platform: Platform;
  /** Discord: the server (absent in a direct message). Elsewhere absent. */
  readonly guild?: string;
  /** Discord: the channel; Telegram: the chat id; the local chat: `terminal`. */
  readonly channel: string;
  /** A one-to-one conversation with the bot: a Telegram private chat, a Discord DM, the terminal. */
  readonly private: boolean;
}
