/**
 * Every expected refusal the engine can answer. A code doubles as the key of its localized
 * message (src/i18n/messages.ts has each one in fr and en; a test checks none is missing).
 */
export const REFUSAL_CODES = [
  // campaign, category, phase
  'campaign.unknown',
  'category.unknown',
  'category.fixed-options',
  'phase.closed',
  'phase.paused',
  'phase.not-paused',
  'phase.final',
  'phase.stale',
  // permissions
  'actor.not-allowed',
  // proposals
  'proposal.too-short',
  'proposal.too-long',
  'proposal.empty',
  'proposal.duplicate',
  'proposal.limit',
  'proposal.unknown',
  'proposal.not-owner',
  'proposal.not-active',
  // likes
  'like.already',
  'like.not-liked',
  'like.own',
  // shortlist
  'shortlist.full',
  'shortlist.already',
  'shortlist.not-listed',
  'shortlist.rejected',
  // vote
  'vote.already-cast',
  'vote.not-shortlisted',
  'vote.invalid-choice',
  'vote.too-many',
  'vote.duplicate-choice',
  // reveal
  'reveal.no-tie',
  'reveal.not-tied',
  // commands
  'command.invalid',
  'duration.invalid',
  // time bounds (src/model/time-bounds.ts): a duration or an instant past what a campaign may mean
  'duration.out-of-range',
  'instant.out-of-range',
  // receipts
  'receipt.none',
  // infrastructure: the store could not confirm; nothing was recorded, try again
  'store.unavailable',
  // trust and fairness: eligibility, anti-spam, fans' data rights
  'eligibility.banned',
  'eligibility.excluded',
  'eligibility.role-required',
  'eligibility.account-too-new',
  'eligibility.member-too-new',
  'eligibility.unknown',
  'rate.limited',
  'proposal.category-full',
  'fan.invalid',
  // infrastructure: the bot is restarting (graceful shutdown); nothing was recorded, try again shortly
  'bot.restarting',
] as const;

/** Refusals counted per campaign for managers' /status (eligibility and anti-spam). */
export const COUNTED_REFUSALS: readonly RefusalCode[] = [
  'eligibility.banned', 'eligibility.excluded', 'eligibility.role-required', 'eligibility.account-too-new',
  'eligibility.member-too-new', 'eligibility.unknown', 'rate.limited', 'proposal.category-full',
];

export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** An expected refusal: a value, never a thrown error. `params` feed the localized message. */
export interface Refusal {
  readonly ok: false;
  readonly code: RefusalCode;
  readonly params?: Readonly<Record<string, string | number>>;
}

export function refuse(code: RefusalCode, params?: Record<string, string | number>): Refusal {
  return params === undefined ? { ok: false, code } : { ok: false, code, params };
}

export function isRefusalCode(value: string): value is RefusalCode {
  return (REFUSAL_CODES as readonly string[]).includes(value);
}
