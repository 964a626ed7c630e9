/**
 * What an inline button carries back (`callback_data`, at most 64 bytes): the chat layer's one
 * id codec (src/chat/ids.ts), with the kinds Telegram's keyboards use. Nothing in it is
 * trusted: the engine re-checks every id, and anything that does not parse is answered as an
 * invalid command.
 */
import { decodeChatId, encodeChatId, ID_MAX_BYTES, type ChatId } from '../../src/chat/ids';

/** The longest `callback_data` Telegram accepts, in UTF-8 bytes. */
export const CALLBACK_DATA_MAX_BYTES = ID_MAX_BYTES.telegram;

export type CallbackAction =
  /** Vote for (single) or pick (approval, ranked) an option of a ballot. */
  | { readonly kind: 'vote'; readonly campaign: number; readonly category: number; readonly proposalId: string }
  /** Cast the options picked so far (approval, ranked). */
  | { readonly kind: 'vote.submit'; readonly campaign: number; readonly category: number }
  /** Forget the options picked so far. */
  | { readonly kind: 'vote.reset'; readonly campaign: number; readonly category: number }
  /** Chose the category of an idea being proposed. */
  | { readonly kind: 'propose'; readonly campaign: number; readonly category: number }
  | { readonly kind: 'edit'; readonly campaign: number; readonly proposalId: string }
  | { readonly kind: 'withdraw'; readonly campaign: number; readonly proposalId: string }
  | { readonly kind: 'shortlist.add'; readonly campaign: number; readonly proposalId: string }
  | { readonly kind: 'shortlist.remove'; readonly campaign: number; readonly proposalId: string };

/** Telegram's names for the codec's kinds (its actions read like the engine's commands). */
const KINDS = {
  vote: 'vote', 'vote.submit': 'vote-submit', 'vote.reset': 'vote-reset', propose: 'propose',
  edit: 'edit', withdraw: 'withdraw', 'shortlist.add': 'shortlist-add', 'shortlist.remove': 'shortlist-remove',
} as const satisfies Record<CallbackAction['kind'], ChatId['kind']>;

const ACTIONS = new Map<ChatId['kind'], CallbackAction['kind']>(Object.entries(KINDS).map(([action, kind]) => [kind, action as CallbackAction['kind']]));

/** The `callback_data` of an action; throws if it would not fit (a bug: ids are short). */
export function encodeCallback(action: CallbackAction): string {
  return encodeChatId({ ...action, kind: KINDS[action.kind] } as ChatId, CALLBACK_DATA_MAX_BYTES);
}

/** The action of a button press, or null when the data is not one of ours (forged, or from an older version). */
export function decodeCallback(data: string | undefined): CallbackAction | null {
  const id = decodeChatId(data, CALLBACK_DATA_MAX_BYTES);
  const kind = id === null ? undefined : ACTIONS.get(id.kind);
  // Telegram's keyboards always name the category of an idea being proposed.
  if (id === null || kind === undefined || (id.kind === 'propose' && id.category === undefined)) return null;
  return { ...id, kind } as CallbackAction;
}
