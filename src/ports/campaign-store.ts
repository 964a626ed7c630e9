/**
 * CampaignStore: where a campaign's state lives. Every method is atomic on its own: a store
 * backed by several processes (Redis) must give the same answers as the in-memory one
 * (test/contract/store.contract.ts runs against every implementation).
 *
 * Methods that change fan-facing state take a `gate`: the store refuses with `phase.closed`
 * (or `phase.paused`) unless, in the same atomic step, the category is in `gate.phase`, is not
 * paused, and `gate.now` is before its deadline. That is how eligibility and the change are
 * one step (no vote slips in after the deadline, even before the scheduler has fired).
 *
 * A method resolves only once its change is durable in the store; a store that cannot
 * confirm rejects (throws), and the engine answers `store.unavailable`.
 */
import type { Platform, Phase, RateLimit } from '../model/campaign';
import type { RefusalCode } from '../model/refusals';
import type { Ballot, CategoryResults, CategoryState, Proposal } from '../model/records';
import type { CampaignEvent } from '../model/events';
import type { AuditEntry } from '../model/audit';

export interface Gate {
  readonly phase: Phase;
  readonly now: number;
}

export type StoreResult<T = object> = ({ readonly ok: true } & T) | { readonly ok: false; readonly code: RefusalCode };

export interface NewProposal {
  readonly categoryId: string;
  readonly text: string;
  readonly normalized: string;
  readonly authorKey: string;
  readonly authorName: string;
  readonly platform: Platform;
  readonly createdAt: number;
}

/** How a transition changes the shortlist, in the same atomic step as the phase change. */
export type ShortlistSeed =
  /** The `size` active proposals with the most likes (ties: earliest first) become the shortlist. */
  | { readonly by: 'likes'; readonly size: number }
  /** Proposals in `review` (they reached the threshold), earliest first, at most `size`. */
  | { readonly by: 'threshold'; readonly size?: number };

export interface TransitionRequest {
  readonly campaignId: string;
  readonly categoryId: string;
  /** Compare-and-set: applied only if the category is in this phase… */
  readonly from: Phase;
  /** …and, when given, still at this version (so a stale scheduler job cannot apply). */
  readonly expectVersion?: number;
  readonly to: Phase;
  readonly deadline: number | null;
  /** Replaces the shortlist before the events are built; absent keeps it. */
  readonly seedShortlist?: ShortlistSeed;
  /**
   * Events handed to the outbox in the same atomic step, only if the transition applies.
   * A `shortlist.published` event whose `items` is empty is filled by the store with the
   * shortlist as it stands after seeding.
   */
  readonly events: readonly CampaignEvent[];
}

export interface TimingRequest {
  readonly campaignId: string;
  readonly categoryId: string;
  readonly phase: Phase;
  /** Compare-and-set on the paused state: `running` requires pausedAt null, `paused` requires it set. */
  readonly expect: 'running' | 'paused';
  readonly deadline: number | null;
  readonly shift: number;
  readonly pausedAt: number | null;
  readonly events: readonly CampaignEvent[];
}

export interface CampaignStore {
  /**
   * Creates the campaign's categories (in `pending`, with the given deadline) and fixed
   * options (as shortlisted proposals without author) if they do not exist yet. Idempotent:
   * a campaign that already exists keeps its state.
   */
  initCampaign(campaignId: string, categories: readonly { id: string; deadline: number; options?: readonly string[] }[], now: number): Promise<void>;

  /** The state of every category of the campaign, in the order they were initialised. */
  getStates(campaignId: string): Promise<CategoryState[]>;
  getState(campaignId: string, categoryId: string): Promise<CategoryState | null>;

  /** Phase compare-and-set (DESIGN invariant 3). True when this call made the change. */
  transition(req: TransitionRequest): Promise<boolean>;
  /** Pause, resume or extend: compare-and-set on phase and paused state. */
  retime(req: TimingRequest): Promise<boolean>;

  /**
   * Adds a proposal: refuses `proposal.limit` when the author already has `perFan` active
   * (not withdrawn, not rejected) proposals in the category, `proposal.duplicate` when an
   * active, in-review or rejected proposal of the category has the same normalized text.
   * Allocates the id. With `maxTotal`, refuses `proposal.category-full` once the category
   * holds that many proposals (withdrawn and rejected ones count: the cap bounds what it receives).
   */
  addProposal(gate: Gate, campaignId: string, p: NewProposal, perFan: number, maxTotal?: number): Promise<StoreResult<{ proposal: Proposal }>>;
  /** Author-only edit of an active proposal (same duplicate rule). */
  editProposal(gate: Gate, campaignId: string, id: string, authorKey: string, text: string, normalized: string): Promise<StoreResult<{ proposal: Proposal }>>;
  /** Author-only withdrawal; frees the author's slot and removes it from the shortlist. */
  withdrawProposal(gate: Gate, campaignId: string, id: string, authorKey: string): Promise<StoreResult>;
  getProposal(campaignId: string, id: string): Promise<Proposal | null>;
  /** Proposals of a category in creation order; `authorKey` filters to one fan's. */
  listProposals(campaignId: string, categoryId: string, filter?: { authorKey?: string }): Promise<Proposal[]>;

  /**
   * One like per fan per proposal (`like.already`). When `threshold` is given and the like
   * brings an active proposal to it, the proposal moves to `review` and `reachedThreshold`
   * is true (exactly once per proposal).
   */
  like(gate: Gate, campaignId: string, id: string, fanKey: string, threshold?: number): Promise<StoreResult<{ likes: number; reachedThreshold: boolean }>>;
  unlike(gate: Gate, campaignId: string, id: string, fanKey: string): Promise<StoreResult<{ likes: number }>>;
  /** Curator rejection: the proposal leaves review and the shortlist and keeps the reason. */
  reject(gate: Gate, campaignId: string, id: string, reason: string): Promise<StoreResult>;

  /** Adds to the category's shortlist: `shortlist.full` at `size`, `shortlist.already`, `shortlist.rejected`. */
  shortlistAdd(gate: Gate, campaignId: string, id: string, size: number): Promise<StoreResult>;
  shortlistRemove(gate: Gate, campaignId: string, id: string): Promise<StoreResult>;
  /** The shortlist's proposals, earliest first. */
  getShortlist(campaignId: string, categoryId: string): Promise<Proposal[]>;

  /**
   * One ballot per fan per category (DESIGN invariant 5), with the incremental tally
   * (invariant 6) in the same atomic step. Refuses `vote.not-shortlisted` if any choice is
   * not on the shortlist, `vote.already-cast` if the fan voted and `allowChange` is false.
   * With `allowChange`, the old choice is taken off the tally and the new one added.
   * `tallied` tells whether the choice counts in the per-option tally (single, approval);
   * ranked ballots are stored raw and counted at reveal.
   */
  castBallot(gate: Gate, campaignId: string, categoryId: string, ballot: Ballot, opts: { allowChange: boolean; tallied: boolean }): Promise<StoreResult<{ changed: boolean }>>;
  /** The incremental tally (option id → count) and the number of ballots. */
  getTally(campaignId: string, categoryId: string): Promise<{ tally: Record<string, number>; ballots: number }>;
  /** Every raw ballot of the category, in batches (for recounts and ranked counts). */
  scanBallots(campaignId: string, categoryId: string): AsyncIterable<readonly Ballot[]>;

  /**
   * Stores the category's results and hands `events` to the outbox, atomically; when
   * `replace` is false, results already stored are kept (and false returned), so a reveal
   * computed twice is published once.
   */
  saveResults(campaignId: string, results: CategoryResults, events: readonly CampaignEvent[], replace: boolean): Promise<boolean>;
  getResults(campaignId: string, categoryId: string): Promise<CategoryResults | null>;

  /**
   * The campaign's secret that keys the pseudonymous fan hashes of the results manifest
   * (engine/manifest.ts): created at random the first time it is asked for, then always the
   * same; never shown to anyone. Rejects for a campaign that was not initialised.
   */
  campaignSecret(campaignId: string): Promise<string>;
  /** One fan's raw ballot in a category, or null when they have none. */
  getBallot(campaignId: string, categoryId: string, voterKey: string): Promise<Ballot | null>;
  /** Appends an entry to the campaign's audit log; resolves once it is durable. */
  appendAudit(campaignId: string, entry: AuditEntry): Promise<void>;
  /** The campaign's audit log, oldest first. */
  readAudit(campaignId: string): Promise<AuditEntry[]>;

  /**
   * Keeps the campaign's definition beside its state, so that the tools that read a stored
   * campaign (`results`, `recount`, `verify`, `audit`, `fan`) find it without its file. The
   * definition is a text the store keeps exactly as given (the validated campaign file, as
   * src/config/definition.ts encodes it; the store never reads it); the last one saved wins.
   * Resolves once it is durable; rejects for a campaign that was not initialised.
   */
  saveDefinition(campaignId: string, definition: string): Promise<void>;
  /** The definition last saved for the campaign, as it was given; null when none was (or the campaign is unknown). */
  getDefinition(campaignId: string): Promise<string | null>;

  /** Ids of campaigns present in the store. */
  listCampaigns(): Promise<string[]>;
  close(): Promise<void>;

  // ---------------------------------------------------------------- trust and fairness

  /**
   * Per-fan sliding window, atomic: when fewer than `limit.max` actions of `kind` by `fanKey`
   * fall within `(now - limit.perMs, now]`, records one at `now` and answers ok; otherwise
   * records nothing and answers how long until the oldest leaves the window.
   */
  hitRateLimit(campaignId: string, fanKey: string, kind: RateKind, limit: RateLimit, now: number): Promise<RateResult>;
  /** Adds one to the campaign's anonymous count of refusals `code` (for managers' /status). */
  countRefusal(campaignId: string, code: RefusalCode): Promise<void>;
  /** The campaign's refusal counts by code (codes never refused are absent). */
  getRefusalCounts(campaignId: string): Promise<Record<string, number>>;
  /** Bans (`ban`) or unbans (null) a fan from the campaign; true when it changed something. */
  setBan(campaignId: string, fanKey: string, ban: Ban | null): Promise<boolean>;
  getBan(campaignId: string, fanKey: string): Promise<Ban | null>;
  /** Every ban of the campaign, oldest first. */
  listBans(campaignId: string): Promise<BanEntry[]>;
  /** Everything the campaign holds about one fan: their proposals, likes and ballots. */
  fanData(campaignId: string, fanKey: string): Promise<FanRecords>;
  /**
   * Erases a fan's identity from the campaign in one atomic step, so that every tally still
   * equals its recount:
   * - a ballot in a category whose vote is not over (any phase but `reveal`) is withdrawn (it
   *   leaves the tally and the ballot count): the fan may vote again, with one ballot;
   * - a ballot in a revealed category is kept under an anonymous tombstone key (`erased:<n>`),
   *   so results and recount are unchanged and no identity is left;
   * - a like on a proposal whose category still takes proposals is withdrawn; any other like
   *   keeps its count and loses its fan;
   * - the fan's proposals keep their text and lose their author (key, name, platform);
   * - the fan's rate-limit windows are dropped. A ban is kept (the campaign's safeguard).
   * `categories` tells which categories' ballots count in the per-option tally.
   */
  eraseFan(campaignId: string, fanKey: string, categories: readonly ErasedCategory[]): Promise<ErasureReport>;
  /**
   * Retention: removes every fan identity of a revealed category — ballots move to anonymous
   * tombstone keys (choices and tally unchanged), likes lose their fans (counts kept),
   * proposals lose their author. Idempotent. Answers how many identities it removed.
   */
  purgeCategory(campaignId: string, categoryId: string): Promise<number>;
}

/**
 * A category of a fan's erasure: whether its ballots are tallied incrementally, and `anon`,
 * the voter key the fan's ballot takes there once revealed (`Engine.pseudonymFor`: it keeps
 * the ballot's fan hash, so manifests and receipts still verify, and names nobody).
 */
export interface ErasedCategory {
  readonly id: string;
  readonly tallied: boolean;
  readonly anon: string;
}

/** What a per-fan rate limit counts. */
export type RateKind = 'proposals' | 'likes';

export type RateResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** A curator's ban of one fan from one campaign. */
export interface Ban {
  readonly reason: string;
  /** Who banned: `platform:userId` of the curator. */
  readonly by: string;
  /** UTC ms. */
  readonly at: number;
}

export interface BanEntry extends Ban {
  readonly fanKey: string;
}

/** One fan's records in one campaign (for /mydata and `cocreate fan export`). */
export interface FanRecords {
  readonly proposals: readonly Proposal[];
  readonly likes: readonly { readonly proposalId: string; readonly categoryId: string }[];
  readonly ballots: readonly { readonly categoryId: string; readonly choice: readonly string[] }[];
}

/** What an erasure did. */
export interface ErasureReport {
  readonly ballotsWithdrawn: number;
  readonly ballotsAnonymized: number;
  readonly likesWithdrawn: number;
  readonly likesAnonymized: number;
  /** Ids of the fan's proposals, now without author. */
  readonly proposalsAnonymized: readonly string[];
}
