import type { RefusalCode } from '../../model/refusals';

/**
 * The numeric codes the Lua scripts answer with, as the first element of their reply.
 * The loader (scripts.ts) hands this enum to every script as the Lua table `Code`, so the
 * numbers are written once, here.
 */
export enum ScriptCode {
  Ok = 0,
  /** A compare-and-set that did not apply (transition, retime, saveResults without replace). */
  NotApplied = -1,
  CampaignUnknown = 1,
  CategoryUnknown = 2,
  PhaseClosed = 3,
  PhasePaused = 4,
  ProposalUnknown = 5,
  ProposalNotOwner = 6,
  ProposalNotActive = 7,
  ProposalDuplicate = 8,
  ProposalLimit = 9,
  LikeAlready = 10,
  LikeNotLiked = 11,
  ShortlistFull = 12,
  ShortlistAlready = 13,
  ShortlistNotListed = 14,
  ShortlistRejected = 15,
  VoteAlreadyCast = 16,
  VoteNotShortlisted = 17,
  /** Trust and fairness: the category holds `maxTotal` proposals. */
  CategoryFull = 18,
  /** Trust and fairness: a per-fan sliding window is full (the reply's second element is the wait in ms). */
  RateLimited = 19,
}

/** The engine's refusal for each code that is a refusal. */
export const REFUSAL_OF: Readonly<Partial<Record<ScriptCode, RefusalCode>>> = {
  [ScriptCode.CampaignUnknown]: 'campaign.unknown',
  [ScriptCode.CategoryUnknown]: 'category.unknown',
  [ScriptCode.PhaseClosed]: 'phase.closed',
  [ScriptCode.PhasePaused]: 'phase.paused',
  [ScriptCode.ProposalUnknown]: 'proposal.unknown',
  [ScriptCode.ProposalNotOwner]: 'proposal.not-owner',
  [ScriptCode.ProposalNotActive]: 'proposal.not-active',
  [ScriptCode.ProposalDuplicate]: 'proposal.duplicate',
  [ScriptCode.ProposalLimit]: 'proposal.limit',
  [ScriptCode.LikeAlready]: 'like.already',
  [ScriptCode.LikeNotLiked]: 'like.not-liked',
  [ScriptCode.ShortlistFull]: 'shortlist.full',
  [ScriptCode.ShortlistAlready]: 'shortlist.already',
  [ScriptCode.ShortlistNotListed]: 'shortlist.not-listed',
  [ScriptCode.ShortlistRejected]: 'shortlist.rejected',
  [ScriptCode.VoteAlreadyCast]: 'vote.already-cast',
  [ScriptCode.VoteNotShortlisted]: 'vote.not-shortlisted',
  [ScriptCode.CategoryFull]: 'proposal.category-full',
  [ScriptCode.RateLimited]: 'rate.limited',
};

/** The refusal a script's code stands for; throws on a code that is not a refusal (a bug). */
export function refusalOf(code: number): RefusalCode {
  const refusal = REFUSAL_OF[code as ScriptCode];
  if (refusal === undefined) throw new Error(`Redis script answered unexpected code ${code}`);
  return refusal;
}
