/**
 * The ids the bot puts on its buttons, select menus and forms (a Discord `custom_id`, a
 * Telegram `callback_data`): short opaque references — the campaign's and the category's index
 * among the loaded files, a proposal id — never a decision. The engine re-checks everything,
 * so a forged id is just another refused command; anything that does not parse is nothing.
 * One codec for every platform; each platform says which kinds it uses and how long an id may be.
 */

/** What a component asks for. */
export type ChatId =
  /** A ballot button: vote for one proposal (single choice), or pick it (approval, ranked, on platforms without menus). */
  | { readonly kind: 'vote'; readonly campaign: number; readonly category: number; readonly proposalId: string }
  /** A ballot select (single or approval; the values are proposal ids); `page` tells a message's selects apart. */
  | { readonly kind: 'select'; readonly campaign: number; readonly category: number; readonly page: number }
  /** A ranked ballot, one rank at a time: the ranks chosen so far travel in the id. */
  | { readonly kind: 'rank'; readonly campaign: number; readonly category: number; readonly ranked: readonly string[] }
  /** Submits a ranked ballot with the ranks chosen so far. */
  | { readonly kind: 'rank-done'; readonly campaign: number; readonly category: number; readonly ranked: readonly string[] }
  /** Casts the options picked so far (approval, ranked). */
  | { readonly kind: 'vote-submit'; readonly campaign: number; readonly category: number }
  /** Forgets the options picked so far. */
  | { readonly kind: 'vote-reset'; readonly campaign: number; readonly category: number }
  /** Proposing an idea: the form, or the choice of its category; `category` when it is chosen. */
  | { readonly kind: 'propose'; readonly campaign: number; readonly category?: number }
  /** Edit button of a fan's own ideas, and the edit form it opens. */
  | { readonly kind: 'edit'; readonly campaign: number; readonly proposalId: string }
  | { readonly kind: 'edit-modal'; readonly campaign: number; readonly proposalId: string }
  /** Withdraw button of a fan's own ideas. */
  | { readonly kind: 'withdraw'; readonly campaign: number; readonly proposalId: string }
  /** Curator buttons: put a proposal on the shortlist, or take it off. */
  | { readonly kind: 'shortlist-add'; readonly campaign: number; readonly proposalId: string }
  | { readonly kind: 'shortlist-remove'; readonly campaign: number; readonly proposalId: string };

export type ChatIdKind = ChatId['kind'];

/** The longest id each platform takes, in UTF-8 bytes: Discord's `custom_id`, Telegram's `callback_data`. */
export const ID_MAX_BYTES = { discord: 100, telegram: 64 } as const;

const PREFIX = {
  vote: 'v', select: 's', rank: 'r', 'rank-done': 'rd', 'vote-submit': 'vd', 'vote-reset': 'vr', propose: 'p',
  edit: 'e', 'edit-modal': 'em', withdraw: 'w', 'shortlist-add': 'sa', 'shortlist-remove': 'sr',
} as const satisfies Record<ChatIdKind, string>;

const KIND_OF = new Map<string, ChatIdKind>(Object.entries(PREFIX).map(([kind, prefix]) => [prefix, kind as ChatIdKind]));

/** A proposal id as the engine makes them: short, no separator. */
const OPAQUE = /^[A-Za-z0-9_-]{1,32}$/;
/** An index among the loaded campaigns or a campaign's categories, written one way only. */
const INDEX = /^(0|[1-9]\d{0,2})$/;

/**
 * The text of `id`. Throws when it is longer than `maxBytes` UTF-8 bytes (a bug: ids are
 * short, and never carry fan input).
 */
export function encodeChatId(id: ChatId, maxBytes: number): string {
  const parts: (string | number)[] = [PREFIX[id.kind], id.campaign];
  switch (id.kind) {
    case 'vote': parts.push(id.category, id.proposalId); break;
    case 'select': parts.push(id.category, id.page); break;
    case 'rank': case 'rank-done': parts.push(id.category, id.ranked.join(',')); break;
    case 'vote-submit': case 'vote-reset': parts.push(id.category); break;
    case 'propose': if (id.category !== undefined) parts.push(id.category); break;
    default: parts.push(id.proposalId);
  }
  const text = parts.join(':');
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new Error(`component id longer than ${maxBytes} bytes: ${text}`);
  return text;
}

/** The request an id carries, or null when it is not one of ours, is malformed, or is longer than `maxBytes`. */
export function decodeChatId(text: unknown, maxBytes: number): ChatId | null {
  // Our ids are ASCII: a length over the limit is over it in bytes too.
  if (typeof text !== 'string' || text.length > maxBytes) return null;
  const [prefix = '', campaignText = '', ...rest] = text.split(':');
  const kind = KIND_OF.get(prefix);
  if (kind === undefined || !INDEX.test(campaignText)) return null;
  const campaign = Number(campaignText);
  const index = (value: string | undefined): number | null => (value !== undefined && INDEX.test(value) ? Number(value) : null);
  const opaque = (value: string | undefined): string | null => (value !== undefined && OPAQUE.test(value) ? value : null);
  switch (kind) {
    case 'vote': {
      const category = index(rest[0]);
      const proposalId = opaque(rest[1]);
      return rest.length === 2 && category !== null && proposalId !== null ? { kind, campaign, category, proposalId } : null;
    }
    case 'select': {
      const category = index(rest[0]);
      const page = index(rest[1]);
      return rest.length === 2 && category !== null && page !== null ? { kind, campaign, category, page } : null;
    }
    case 'rank':
    case 'rank-done': {
      const category = index(rest[0]);
      if (rest.length !== 2 || category === null) return null;
      const ranked = rest[1] === '' ? [] : (rest[1] ?? '').split(',');
      return ranked.every((id) => OPAQUE.test(id)) ? { kind, campaign, category, ranked } : null;
    }
    case 'vote-submit':
    case 'vote-reset': {
      const category = index(rest[0]);
      return rest.length === 1 && category !== null ? { kind, campaign, category } : null;
    }
    case 'propose': {
      if (rest.length === 0) return { kind, campaign };
      const category = index(rest[0]);
      return rest.length === 1 && category !== null ? { kind, campaign, category } : null;
    }
    default: {
      const proposalId = opaque(rest[0]);
      return rest.length === 1 && proposalId !== null ? { kind, campaign, proposalId } : null;
    }
  }
}
