/**
 * Custom ids of the bot's components and modals. They carry only short opaque references
 * (the campaign's and the category's index in the loaded files, a proposal id), never a
 * decision: the engine re-checks everything, so a forged id is just another refused command.
 * Every id fits Discord's 100-character limit.
 */

/** Discord's longest custom_id. */
export const CUSTOM_ID_MAX = 100;

/** What a component or modal asks for. */
export type CustomId =
  /** A ballot button (single choice): vote for one proposal. */
  | { readonly kind: 'vote'; readonly campaign: number; readonly category: number; readonly proposalId: string }
  /** A ballot select (single or approval; the values are proposal ids); `page` tells a message's selects apart. */
  | { readonly kind: 'select'; readonly campaign: number; readonly category: number; readonly page: number }
  /** A ranked ballot, one rank at a time: the ranks chosen so far travel in the id. */
  | { readonly kind: 'rank'; readonly campaign: number; readonly category: number; readonly ranked: readonly string[] }
  /** Submits a ranked ballot with the ranks chosen so far. */
  | { readonly kind: 'rank-done'; readonly campaign: number; readonly category: number; readonly ranked: readonly string[] }
  /** The propose modal; `category` when it was chosen with the command. */
  | { readonly kind: 'propose'; readonly campaign: number; readonly category?: number }
  /** Edit button of `/proposals`, and the edit modal it opens. */
  | { readonly kind: 'edit'; readonly campaign: number; readonly proposalId: string }
  | { readonly kind: 'edit-modal'; readonly campaign: number; readonly proposalId: string }
  /** Withdraw button of `/proposals`. */
  | { readonly kind: 'withdraw'; readonly campaign: number; readonly proposalId: string }
  /** Curator buttons: put a proposal on the shortlist, or take it off. */
  | { readonly kind: 'shortlist-add'; readonly campaign: number; readonly proposalId: string }
  | { readonly kind: 'shortlist-remove'; readonly campaign: number; readonly proposalId: string };

/** Field names inside a modal. */
export const MODAL_FIELDS = { category: 'category', text: 'text' } as const;

const PREFIX = {
  vote: 'v', select: 's', rank: 'r', 'rank-done': 'rd', propose: 'p', edit: 'e', 'edit-modal': 'em',
  withdraw: 'w', 'shortlist-add': 'sa', 'shortlist-remove': 'sr',
} as const satisfies Record<CustomId['kind'], string>;

const KIND_OF = new Map<string, CustomId['kind']>(Object.entries(PREFIX).map(([kind, prefix]) => [prefix, kind as CustomId['kind']]));

/** A proposal id as the engine makes them: short, no separator. */
const OPAQUE = /^[A-Za-z0-9_-]{1,32}$/;
const INDEX = /^(0|[1-9]\d{0,3})$/;

/** The custom_id of `id`. Throws if it would break Discord's limit (a bug, never fan input). */
export function encodeCustomId(id: CustomId): string {
  const parts: (string | number)[] = [PREFIX[id.kind], id.campaign];
  switch (id.kind) {
    case 'vote': parts.push(id.category, id.proposalId); break;
    case 'select': parts.push(id.category, id.page); break;
    case 'rank': case 'rank-done': parts.push(id.category, id.ranked.join(',')); break;
    case 'propose': if (id.category !== undefined) parts.push(id.category); break;
    default: parts.push(id.proposalId);
  }
  const text = parts.join(':');
  if (text.length > CUSTOM_ID_MAX) throw new Error(`custom_id longer than ${CUSTOM_ID_MAX}: ${text}`);
  return text;
}

/** The request a custom_id carries, or null when it is not one of ours or is malformed. */
export function decodeCustomId(text: string): CustomId | null {
  if (typeof text !== 'string' || text.length > CUSTOM_ID_MAX) return null;
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
