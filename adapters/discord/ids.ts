/**
 * The custom ids of the bot's Discord components and modals: the chat layer's one id codec
 * (src/chat/ids.ts), with Discord's 100-character limit and the kinds Discord uses.
 */
import { decodeChatId, encodeChatId, ID_MAX_BYTES, type ChatId } from '../../src/chat/ids';

/** Discord's longest custom_id. */
export const CUSTOM_ID_MAX = ID_MAX_BYTES.discord;

/** What a Discord component or modal asks for (ballots here are buttons and select menus: no picks to submit). */
export type CustomId = Exclude<ChatId, { kind: 'vote-submit' | 'vote-reset' }>;

/** Field names inside a modal. */
export const MODAL_FIELDS = { category: 'category', text: 'text' } as const;

/** The custom_id of `id`. Throws if it would break Discord's limit (a bug, never fan input). */
export function encodeCustomId(id: CustomId): string {
  return encodeChatId(id, CUSTOM_ID_MAX);
}

/** The request a custom_id carries, or null when it is not one of ours or is malformed. */
export function decodeCustomId(text: string): CustomId | null {
  const id = decodeChatId(text, CUSTOM_ID_MAX);
  return id === null || id.kind === 'vote-submit' || id.kind === 'vote-reset' ? null : id;
}
