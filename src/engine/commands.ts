/**
 * The commands the engine accepts through its one entry point, `Engine.execute(command, actor)`,
 * and what each answers. Adapters build commands from platform input; the engine re-checks
 * everything (an id forged in a button is just another unknown id).
 */
import type { Phase, Role } from '../model/campaign';
import type { Refusal } from '../model/refusals';
import type { DurabilityStatus } from '../model/durability';
import type { CategoryResults, CategoryState, Proposal } from '../model/records';
import type { BanEntry, ErasureReport } from '../ports/campaign-store';

interface Base { readonly campaignId: string }

export type Command =
  | (Base & { readonly type: 'propose'; readonly categoryId: string; readonly text: string })
  | (Base & { readonly type: 'edit'; readonly proposalId: string; readonly text: string })
  | (Base & { readonly type: 'withdraw'; readonly proposalId: string })
  | (Base & { readonly type: 'like'; readonly proposalId: string })
  | (Base & { readonly type: 'unlike'; readonly proposalId: string })
  | (Base & { readonly type: 'reject'; readonly proposalId: string; readonly reason: string })
  | (Base & { readonly type: 'shortlist.add'; readonly proposalId: string })
  | (Base & { readonly type: 'shortlist.remove'; readonly proposalId: string })
  | (Base & { readonly type: 'vote'; readonly categoryId: string; readonly choice: readonly string[] })
  /** Moves one category (or every category) to its next phase; `from` makes it a strict compare-and-set. */
  | (Base & { readonly type: 'advance'; readonly categoryId?: string; readonly from?: Phase })
  | (Base & { readonly type: 'pause'; readonly categoryId?: string })
  | (Base & { readonly type: 'resume'; readonly categoryId?: string })
  /** `by` is an ISO 8601 duration (PT2H, P1D…). */
  | (Base & { readonly type: 'extend'; readonly categoryId?: string; readonly by: string })
  /** `tieBreak: curators`: a curator picks the winner among the tied options. */
  | (Base & { readonly type: 'break-tie'; readonly categoryId: string; readonly proposalId: string })
  // queries (read-only, same permission checks)
  | (Base & { readonly type: 'status' })
  | (Base & { readonly type: 'proposals'; readonly categoryId?: string; readonly mine?: boolean })
  | (Base & { readonly type: 'shortlist.list'; readonly categoryId: string })
  | (Base & { readonly type: 'results'; readonly categoryId?: string })
  /** Managers: every idea with its author, likes, shortlist and (once revealed) votes, for a file. */
  | (Base & { readonly type: 'export' })
  // trust and fairness. `fan` is `platform:userId`.
  | (Base & { readonly type: 'ban'; readonly fan: string; readonly reason: string })
  | (Base & { readonly type: 'unban'; readonly fan: string })
  | (Base & { readonly type: 'bans' })
  /** A fan's own data (their proposals, likes and ballots). */
  | (Base & { readonly type: 'mydata' })
  /** Erases the asking fan's identity from the campaign. */
  | (Base & { readonly type: 'forgetme' })
  | (Base & { readonly type: 'fan.export'; readonly fan: string })
  | (Base & { readonly type: 'fan.erase'; readonly fan: string })
  /** A fan's receipt: the pseudonymous hash of their own ballot(s), to find in the results manifest. */
  | (Base & { readonly type: 'receipt'; readonly categoryId?: string });

export type CommandType = Command['type'];

export interface CategoryStatus {
  readonly id: string;
  readonly title: string;
  readonly phase: Phase;
  readonly paused: boolean;
  /** When the current phase ends (UTC ms), null when revealed or paused. */
  readonly endsAt: number | null;
  readonly proposals: number;
  /** Ballots cast so far; null while results are hidden (the vote is not closed and `vote.liveCounts` is off). */
  readonly ballots: number | null;
}

/** A fan's receipt for one category where they have a ballot. */
export interface ReceiptItem {
  readonly categoryId: string;
  /** The ballot's pseudonymous fan hash, as listed in the results manifest. */
  readonly fanHash: string;
  readonly choice: readonly string[];
  readonly labels: readonly string[];
  /** Set once the category is revealed: the manifest's digest over every ballot. */
  readonly ballotsDigest?: string;
}

/** One affected category of a manager command. */
export interface PhaseChange { readonly categoryId: string; readonly from: Phase; readonly to: Phase }

export type Success =
  | { readonly ok: true; readonly type: 'propose' | 'edit'; readonly proposal: Proposal }
  | { readonly ok: true; readonly type: 'withdraw' | 'reject' | 'shortlist.add' | 'shortlist.remove'; readonly proposalId: string }
  | { readonly ok: true; readonly type: 'like' | 'unlike'; readonly proposalId: string; readonly likes: number }
  | { readonly ok: true; readonly type: 'vote'; readonly categoryId: string; readonly choice: readonly string[]; readonly changed: boolean; readonly labels: readonly string[] }
  | { readonly ok: true; readonly type: 'advance'; readonly changes: readonly PhaseChange[] }
  | { readonly ok: true; readonly type: 'pause' | 'resume' | 'extend'; readonly categories: readonly string[] }
  | { readonly ok: true; readonly type: 'break-tie'; readonly results: CategoryResults }
  | {
    readonly ok: true; readonly type: 'status'; readonly title: string; readonly roles: readonly Role[]; readonly categories: readonly CategoryStatus[];
    /** Managers only: the campaign's eligibility and anti-spam refusals by code. */
    readonly refusals?: Readonly<Record<string, number>>;
    /** Managers only, when the store tells it: what an acknowledgement means and whether acknowledged data can be lost. */
    readonly durability?: DurabilityStatus;
  }
  | { readonly ok: true; readonly type: 'proposals' | 'shortlist.list'; readonly proposals: readonly Proposal[] }
  | { readonly ok: true; readonly type: 'results'; readonly results: readonly CategoryResults[] }
  | { readonly ok: true; readonly type: 'export'; readonly export: ExportDocument }
  | { readonly ok: true; readonly type: 'ban' | 'unban'; readonly fan: string; readonly changed: boolean }
  | { readonly ok: true; readonly type: 'bans'; readonly bans: readonly BanEntry[] }
  | { readonly ok: true; readonly type: 'mydata' | 'fan.export'; readonly fan: string; readonly data: FanDataDocument }
  | { readonly ok: true; readonly type: 'forgetme' | 'fan.erase'; readonly fan: string; readonly report: ErasureReport }
  | { readonly ok: true; readonly type: 'receipt'; readonly receipts: readonly ReceiptItem[] };

/** What a fan gets from /mydata (and a manager from `cocreate fan export`), as JSON. */
export interface FanDataDocument {
  readonly campaign: string;
  readonly fan: string;
  /** ISO 8601 instant. */
  readonly exportedAt: string;
  readonly proposals: readonly {
    readonly id: string; readonly category: string; readonly text: string; readonly status: string;
    readonly likes: number; readonly proposedAt: string; readonly authorName?: string;
  }[];
  readonly likes: readonly { readonly proposal: string; readonly category: string }[];
  readonly ballots: readonly { readonly category: string; readonly choice: readonly string[] }[];
  readonly ban?: { readonly reason: string; readonly at: string };
}

/**
 * What a manager exports: per category, every idea (or fixed option) with its author, likes,
 * status, whether it is shortlisted, and its votes and rank once the category is revealed.
 * Counts of a vote still open are never included (`votes` and `ballots` are null until reveal).
 */
export interface ExportDocument {
  readonly campaign: string;
  readonly title: string;
  /** UTC epoch ms. */
  readonly exportedAt: number;
  readonly categories: readonly ExportCategory[];
}

export interface ExportCategory {
  readonly id: string;
  readonly title: string;
  readonly phase: Phase;
  /** Ballots counted, once revealed; null before. */
  readonly ballots: number | null;
  readonly entries: readonly ExportEntry[];
}

export interface ExportEntry {
  readonly id: string;
  readonly text: string;
  readonly author?: string;
  readonly platform?: string;
  readonly status: string;
  readonly likes: number;
  /** UTC epoch ms; absent for fixed options. */
  readonly createdAt?: number;
  readonly shortlisted: boolean;
  /** Final votes (ranked: the last round), once revealed; null before. */
  readonly votes: number | null;
  /** 1 for the first winner, 2 for the second…; null for the others. */
  readonly winnerRank: number | null;
}

export type CommandResult = Success | Refusal;
