/**
 * The records the engine keeps in a CampaignStore. Plain JSON-able data, so that every
 * store (memory, Redis) holds exactly the same thing.
 */
import type { Phase, Platform } from './campaign';

export type ProposalStatus = 'active' | 'review' | 'withdrawn' | 'rejected';

export interface Proposal {
  /** Opaque, short, unique within the campaign (fits in a Discord custom_id / Telegram callback_data). */
  readonly id: string;
  readonly categoryId: string;
  /** Cleaned and bounded fan text (see engine/text.ts), or the option label for fixed options. */
  readonly text: string;
  /** Normalized text used for near-duplicate refusal. */
  readonly normalized: string;
  /** `platform:userId`; absent for fixed options. */
  readonly authorKey?: string;
  /** The display name the author had when proposing; absent for fixed options. */
  readonly authorName?: string;
  readonly platform?: Platform;
  /** UTC epoch ms. */
  readonly createdAt: number;
  /** Creation order within the campaign; the `earliest` tie-break uses it. */
  readonly seq: number;
  readonly status: ProposalStatus;
  readonly likes: number;
  readonly rejectReason?: string;
}

/**
 * The live state of one category. `deadline` is when the current phase is due to end
 * (for `pending`: when the first phase opens; null once revealed). `shift` is the total
 * delay added by extensions and pauses, applied to every later declared window.
 */
export interface CategoryState {
  readonly categoryId: string;
  readonly phase: Phase;
  readonly deadline: number | null;
  readonly shift: number;
  /** When the category was paused (UTC ms), null when running. */
  readonly pausedAt: number | null;
  /** Incremented on every change of phase or timing; the scheduler's jobs carry it. */
  readonly version: number;
}

export interface Winner {
  readonly id: string;
  readonly text: string;
  readonly author?: string;
  /** The author's `platform:userId`, kept only when the category's reveal mentions authors. */
  readonly authorKey?: string;
  readonly votes: number;
}

export interface CategoryResults {
  readonly categoryId: string;
  /** Ballots counted (one per fan). */
  readonly ballots: number;
  /** Final count per option id (for ranked: the last round). */
  readonly tally: Readonly<Record<string, number>>;
  readonly winners: readonly Winner[];
  /** Ranked ballots: the counts of each instant-runoff round. */
  readonly rounds?: readonly Readonly<Record<string, number>>[];
  /** Option ids tied at the winners' cut-off when `tieBreak: curators` still has to decide. */
  readonly tiedPending?: readonly string[];
  readonly tieBreak: string;
  readonly revealedAt: number;
  /**
   * SHA-256 over the canonical (fan hash, choice) list of the ballots counted, fixed at reveal
   * (engine/manifest.ts); absent in results stored before verifiable results existed.
   */
  readonly ballotsDigest?: string;
  /** The tie-break seed the count used. */
  readonly seed?: string;
}

export interface Ballot {
  readonly voterKey: string;
  /** Option (proposal) ids; one for single, a set for approval, an order for ranked. */
  readonly choice: readonly string[];
}
