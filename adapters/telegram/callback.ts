/**
 * What an inline button carries back (`callback_data`, at most 64 bytes): a short, opaque
 * action with indexes into the loaded campaigns and their categories, and a proposal id.
 * Nothing in it is trusted: the engine re-checks every id, and anything that does not parse
 * is answered as an invalid command.
 */

/** The longest `callback_data` Telegram accepts, in UTF-8 bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

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

const PREFIX = {
  vote: 'v', 'vote.submit': 'vd', 'vote.reset': 'vr', propose: 'p', edit: 'e', withdraw: 'w', 'shortlist.add': 'sa', 'shortlist.remove': 'sr',
} as const satisfies Record<CallbackAction['kind'], string>;

const PROPOSAL_ID = /^[A-Za-z0-9_-]{1,32}$/;
const INDEX = /^\d{1,3}$/;

/** The `callback_data` of an action; throws if it would not fit (a bug: ids are short). */
export function encodeCallback(action: CallbackAction): string {
  const fields: (string | number)[] = [PREFIX[action.kind], action.campaign];
  if ('category' in action) fields.push(action.category);
  if ('proposalId' in action) fields.push(action.proposalId);
  const data = fields.join(':');
  if (Buffer.byteLength(data, 'utf8') > CALLBACK_DATA_MAX_BYTES) throw new Error(`callback_data too long: ${data}`);
  return data;
}

/** The action of a button press, or null when the data is not one of ours (forged, or from an older version). */
export function decodeCallback(data: string | undefined): CallbackAction | null {
  if (typeof data !== 'string' || data.length > CALLBACK_DATA_MAX_BYTES) return null;
  const [prefix, a, b, c, ...rest] = data.split(':');
  if (rest.length > 0 || a === undefined || !INDEX.test(a)) return null;
  const campaign = Number(a);
  const index = (s: string | undefined): number | null => (s !== undefined && INDEX.test(s) ? Number(s) : null);
  const id = (s: string | undefined): string | null => (s !== undefined && PROPOSAL_ID.test(s) ? s : null);
  switch (prefix) {
    case 'v': {
      const category = index(b);
      const proposalId = id(c);
      return category === null || proposalId === null ? null : { kind: 'vote', campaign, category, proposalId };
    }
    case 'vd': case 'vr': case 'p': {
      const category = index(b);
      if (category === null || c !== undefined) return null;
      return { kind: prefix === 'vd' ? 'vote.submit' : prefix === 'vr' ? 'vote.reset' : 'propose', campaign, category };
    }
    case 'e': case 'w': case 'sa': case 'sr': {
      const proposalId = id(b);
      if (proposalId === null || c !== undefined) return null;
      const kind = prefix === 'e' ? 'edit' : prefix === 'w' ? 'withdraw' : prefix === 'sa' ? 'shortlist.add' : 'shortlist.remove';
      return { kind, campaign, proposalId };
    }
    default:
      return null;
  }
}
