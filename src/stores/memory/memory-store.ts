import { refuse, type Refusal, type RefusalCode } from '../../model/refusals';
import type { CampaignEvent, ListedProposal } from '../../model/events';
import type { AuditEntry } from '../../model/audit';
import { randomBytes } from 'node:crypto';
import type { Ballot, CategoryResults, CategoryState, Proposal, ProposalStatus } from '../../model/records';
import { normalizeForDuplicate } from '../../engine/text';
import type { Outbox } from '../../ports/outbox';
import type { RateLimit } from '../../model/campaign';
import type {
  Ban, BanEntry, CampaignStore, ErasedCategory, ErasureReport, FanRecords, Gate, NewProposal, RateKind, RateResult, ShortlistSeed, StoreResult,
  TimingRequest, TransitionRequest,
} from '../../ports/campaign-store';

export interface MemoryCampaignStoreOptions {
  /** Receives the events of transitions, retimes and results in the same step as the change. */
  readonly outbox: Outbox;
}

/**
 * A campaign's whole state as plain JSON-able data, so that the embedded default can keep a
 * campaign between runs (src/cli writes it to a file). `restore` rebuilds the indexes.
 */
export interface CampaignSnapshot {
  readonly seq: number;
  readonly categories: readonly CategorySnapshot[];
  /** Proposal id → fan keys that like it. */
  readonly likes: readonly (readonly [string, readonly string[]])[];
  readonly results: readonly CategoryResults[];
  /** Trust and fairness (absent in snapshots written before it). */
  readonly bans?: readonly BanEntry[];
  readonly refusals?: Readonly<Record<string, number>>;
  readonly erased?: number;
  /** The secret of the manifest's fan hashes (absent in states saved before it existed). */
  readonly secret?: string;
  /** The audit log, oldest first (absent in states saved before it existed). */
  readonly audit?: readonly AuditEntry[];
  /** The campaign's definition (`saveDefinition`; absent when none was saved). */
  readonly definition?: string;
}

export interface CategorySnapshot {
  readonly state: CategoryState;
  /** In creation order. */
  readonly proposals: readonly Proposal[];
  readonly shortlist: readonly string[];
  readonly ballots: readonly Ballot[];
  readonly tally: Readonly<Record<string, number>>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface CategoryData {
  readonly state: Mutable<CategoryState>;
  /** Proposal ids in creation order. */
  readonly proposals: string[];
  readonly byAuthor: Map<string, string[]>;
  /** Normalized text → ids of the proposals that block it: every one not withdrawn. */
  readonly texts: Map<string, Set<string>>;
  readonly shortlist: Set<string>;
  readonly ballots: Map<string, Ballot>;
  /** Option id → votes, kept in step with `ballots`; options without votes are absent. */
  readonly tally: Map<string, number>;
}

interface CampaignData {
  readonly categories: Map<string, CategoryData>;
  readonly proposals: Map<string, Mutable<Proposal>>;
  /** Proposal id → fan keys that like it. */
  readonly likes: Map<string, Set<string>>;
  readonly results: Map<string, CategoryResults>;
  seq: number;
  /** Fan key → ban, in ban order. */
  readonly bans: Map<string, Ban>;
  /** Refusal code → count. */
  readonly refusals: Map<string, number>;
  /** `kind fanKey` → times of the actions in the current window, oldest first (not saved). */
  readonly rates: Map<string, number[]>;
  /** Tombstones handed out so far (`erased:<n>`). */
  erased: number;
  secret?: string;
  readonly audit: AuditEntry[];
  definition?: string;
}

/** A category that passed the gate. */
interface OpenCategory {
  readonly ok: true;
  readonly campaign: CampaignData;
  readonly category: CategoryData;
}

/** A proposal whose category passed the gate. */
interface Found extends OpenCategory {
  readonly proposal: Mutable<Proposal>;
}

type ProposalFields = Pick<NewProposal, 'categoryId' | 'text' | 'normalized' | 'createdAt'>;
type ProposalAuthor = Pick<NewProposal, 'authorKey' | 'authorName' | 'platform'>;

/** How many ballots `scanBallots` yields at a time. */
const SCAN_BATCH = 1000;

/** Holds a fan slot, can be liked, rejected, withdrawn. */
const isLive = (status: ProposalStatus): boolean => status === 'active' || status === 'review';

/**
 * A CampaignStore kept in the process's memory: the embedded default of `cocreate run` and
 * the engine of `cocreate simulate`. It keeps every promise of the port, answers with copies
 * (callers never share its objects) and keeps per-category indexes, so that casting a
 * ballot or reading a tally costs the same with a million ballots as with ten. Nothing
 * survives a restart.
 */
export class MemoryCampaignStore implements CampaignStore {
  private readonly outbox: Outbox;
  private readonly campaigns = new Map<string, CampaignData>();

  constructor(options: MemoryCampaignStoreOptions) {
    this.outbox = options.outbox;
  }

  async initCampaign(campaignId: string, categories: readonly { id: string; deadline: number; options?: readonly string[] }[], now: number): Promise<void> {
    let campaign = this.campaigns.get(campaignId);
    if (!campaign) {
      campaign = newCampaign();
      this.campaigns.set(campaignId, campaign);
    }
    for (const spec of categories) {
      if (campaign.categories.has(spec.id)) continue;
      const category = newCategory(spec.id, spec.deadline);
      campaign.categories.set(spec.id, category);
      for (const text of spec.options ?? []) {
        const option = this.createProposal(campaign, category, { categoryId: spec.id, text, normalized: normalizeForDuplicate(text), createdAt: now });
        category.shortlist.add(option.id);
      }
    }
  }

  async getStates(campaignId: string): Promise<CategoryState[]> {
    const campaign = this.campaigns.get(campaignId);
    return campaign ? [...campaign.categories.values()].map((c) => ({ ...c.state })) : [];
  }

  async getState(campaignId: string, categoryId: string): Promise<CategoryState | null> {
    const category = this.category(campaignId, categoryId);
    return category ? { ...category.state } : null;
  }

  async transition(req: TransitionRequest): Promise<boolean> {
    const campaign = this.campaigns.get(req.campaignId);
    const category = campaign?.categories.get(req.categoryId);
    if (!campaign || !category) return false;
    const { state } = category;
    if (state.phase !== req.from) return false;
    if (req.expectVersion !== undefined && state.version !== req.expectVersion) return false;
    state.phase = req.to;
    state.deadline = req.deadline;
    state.version++;
    if (req.seedShortlist) replaceAll(category.shortlist, seededShortlist(campaign, category, req.seedShortlist));
    const items = this.sortedShortlist(campaign, category).map(listed);
    await this.outbox.enqueue(req.events.map((e) => (e.kind === 'shortlist.published' && e.items.length === 0 ? { ...e, items } : e)));
    return true;
  }

  async retime(req: TimingRequest): Promise<boolean> {
    const state = this.category(req.campaignId, req.categoryId)?.state;
    if (!state || state.phase !== req.phase) return false;
    if ((state.pausedAt === null) !== (req.expect === 'running')) return false;
    state.deadline = req.deadline;
    state.shift = req.shift;
    state.pausedAt = req.pausedAt;
    state.version++;
    await this.outbox.enqueue(req.events);
    return true;
  }

  async addProposal(gate: Gate, campaignId: string, p: NewProposal, perFan: number, maxTotal?: number): Promise<StoreResult<{ proposal: Proposal }>> {
    const open = this.findOpenCategory(gate, campaignId, p.categoryId);
    if (!open.ok) return open;
    const { campaign, category } = open;
    if (maxTotal !== undefined && category.proposals.length >= maxTotal) return refuse('proposal.category-full');
    const own = category.byAuthor.get(p.authorKey) ?? [];
    if (own.filter((id) => isLive(campaign.proposals.get(id)!.status)).length >= perFan) return refuse('proposal.limit');
    if (isDuplicate(category, p.normalized)) return refuse('proposal.duplicate');
    return { ok: true, proposal: structuredClone(this.createProposal(campaign, category, p, p)) };
  }

  async editProposal(gate: Gate, campaignId: string, id: string, authorKey: string, text: string, normalized: string): Promise<StoreResult<{ proposal: Proposal }>> {
    const found = this.findGated(gate, campaignId, id);
    if (!found.ok) return found;
    const { category, proposal } = found;
    if (proposal.authorKey !== authorKey) return refuse('proposal.not-owner');
    if (proposal.status !== 'active') return refuse('proposal.not-active');
    if (isDuplicate(category, normalized, id)) return refuse('proposal.duplicate');
    unindexText(category, proposal);
    proposal.text = text;
    proposal.normalized = normalized;
    indexText(category, proposal);
    return { ok: true, proposal: structuredClone(proposal) };
  }

  async withdrawProposal(gate: Gate, campaignId: string, id: string, authorKey: string): Promise<StoreResult> {
    const found = this.findGated(gate, campaignId, id);
    if (!found.ok) return found;
    const { category, proposal } = found;
    if (proposal.authorKey !== authorKey) return refuse('proposal.not-owner');
    if (!isLive(proposal.status)) return refuse('proposal.not-active');
    proposal.status = 'withdrawn';
    unindexText(category, proposal);
    category.shortlist.delete(id);
    return { ok: true };
  }

  async getProposal(campaignId: string, id: string): Promise<Proposal | null> {
    const proposal = this.campaigns.get(campaignId)?.proposals.get(id);
    return proposal ? structuredClone(proposal) : null;
  }

  async listProposals(campaignId: string, categoryId: string, filter: { authorKey?: string } = {}): Promise<Proposal[]> {
    const campaign = this.campaigns.get(campaignId);
    const category = campaign?.categories.get(categoryId);
    if (!campaign || !category) return [];
    const ids = filter.authorKey === undefined ? category.proposals : (category.byAuthor.get(filter.authorKey) ?? []);
    return ids.map((id) => structuredClone(campaign.proposals.get(id)!));
  }

  async like(gate: Gate, campaignId: string, id: string, fanKey: string, threshold?: number): Promise<StoreResult<{ likes: number; reachedThreshold: boolean }>> {
    const found = this.findLikeable(gate, campaignId, id);
    if (!found.ok) return found;
    const { campaign, proposal } = found;
    const fans = campaign.likes.get(id) ?? new Set<string>();
    if (fans.has(fanKey)) return refuse('like.already');
    campaign.likes.set(id, fans.add(fanKey));
    proposal.likes++;
    const reachedThreshold = threshold !== undefined && proposal.status === 'active' && proposal.likes >= threshold;
    if (reachedThreshold) proposal.status = 'review';
    return { ok: true, likes: proposal.likes, reachedThreshold };
  }

  async unlike(gate: Gate, campaignId: string, id: string, fanKey: string): Promise<StoreResult<{ likes: number }>> {
    const found = this.findLikeable(gate, campaignId, id);
    if (!found.ok) return found;
    const { campaign, proposal } = found;
    if (!campaign.likes.get(id)?.delete(fanKey)) return refuse('like.not-liked');
    proposal.likes--;
    return { ok: true, likes: proposal.likes };
  }

  async reject(gate: Gate, campaignId: string, id: string, reason: string): Promise<StoreResult> {
    const found = this.findGated(gate, campaignId, id);
    if (!found.ok) return found;
    const { category, proposal } = found;
    if (!isLive(proposal.status)) return refuse('proposal.not-active');
    proposal.status = 'rejected';
    proposal.rejectReason = reason;
    category.shortlist.delete(id);
    return { ok: true };
  }

  async shortlistAdd(gate: Gate, campaignId: string, id: string, size: number): Promise<StoreResult> {
    const found = this.findGated(gate, campaignId, id);
    if (!found.ok) return found;
    const { category, proposal } = found;
    if (proposal.status === 'rejected') return refuse('shortlist.rejected');
    if (proposal.status === 'withdrawn') return refuse('proposal.not-active');
    if (category.shortlist.has(id)) return refuse('shortlist.already');
    if (category.shortlist.size >= size) return refuse('shortlist.full');
    category.shortlist.add(id);
    return { ok: true };
  }

  async shortlistRemove(gate: Gate, campaignId: string, id: string): Promise<StoreResult> {
    const found = this.findGated(gate, campaignId, id);
    if (!found.ok) return found;
    if (!found.category.shortlist.delete(id)) return refuse('shortlist.not-listed');
    return { ok: true };
  }

  async getShortlist(campaignId: string, categoryId: string): Promise<Proposal[]> {
    const campaign = this.campaigns.get(campaignId);
    const category = campaign?.categories.get(categoryId);
    return campaign && category ? this.sortedShortlist(campaign, category).map((p) => structuredClone(p)) : [];
  }

  async castBallot(gate: Gate, campaignId: string, categoryId: string, ballot: Ballot, opts: { allowChange: boolean; tallied: boolean }): Promise<StoreResult<{ changed: boolean }>> {
    const open = this.findOpenCategory(gate, campaignId, categoryId);
    if (!open.ok) return open;
    const { category } = open;
    if (!ballot.choice.every((id) => category.shortlist.has(id))) return refuse('vote.not-shortlisted');
    const previous = category.ballots.get(ballot.voterKey);
    if (previous && !opts.allowChange) return refuse('vote.already-cast');
    if (opts.tallied) {
      if (previous) count(category.tally, previous.choice, -1);
      count(category.tally, ballot.choice, 1);
    }
    category.ballots.set(ballot.voterKey, copyBallot(ballot));
    return { ok: true, changed: previous !== undefined };
  }

  async getTally(campaignId: string, categoryId: string): Promise<{ tally: Record<string, number>; ballots: number }> {
    const category = this.category(campaignId, categoryId);
    return { tally: Object.fromEntries(category?.tally ?? []), ballots: category?.ballots.size ?? 0 };
  }

  async *scanBallots(campaignId: string, categoryId: string): AsyncIterable<readonly Ballot[]> {
    // A snapshot: ballots cast during the scan are not part of it.
    const ballots = [...(this.category(campaignId, categoryId)?.ballots.values() ?? [])];
    for (let i = 0; i < ballots.length; i += SCAN_BATCH) yield ballots.slice(i, i + SCAN_BATCH).map(copyBallot);
  }

  async saveResults(campaignId: string, results: CategoryResults, events: readonly CampaignEvent[], replace: boolean): Promise<boolean> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) throw new Error(`saveResults: unknown campaign ${campaignId}`);
    if (!replace && campaign.results.has(results.categoryId)) return false;
    campaign.results.set(results.categoryId, structuredClone(results));
    await this.outbox.enqueue(events);
    return true;
  }

  async getResults(campaignId: string, categoryId: string): Promise<CategoryResults | null> {
    const results = this.campaigns.get(campaignId)?.results.get(categoryId);
    return results ? structuredClone(results) : null;
  }

  async campaignSecret(campaignId: string): Promise<string> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) throw new Error(`campaignSecret: unknown campaign ${campaignId}`);
    campaign.secret ??= randomBytes(32).toString('hex');
    return campaign.secret;
  }

  async getBallot(campaignId: string, categoryId: string, voterKey: string): Promise<Ballot | null> {
    const ballot = this.category(campaignId, categoryId)?.ballots.get(voterKey);
    return ballot ? copyBallot(ballot) : null;
  }

  async appendAudit(campaignId: string, entry: AuditEntry): Promise<void> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) throw new Error(`appendAudit: unknown campaign ${campaignId}`);
    campaign.audit.push(structuredClone(entry));
  }

  async readAudit(campaignId: string): Promise<AuditEntry[]> {
    return structuredClone(this.campaigns.get(campaignId)?.audit ?? []);
  }

  async saveDefinition(campaignId: string, definition: string): Promise<void> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) throw new Error(`saveDefinition: unknown campaign ${campaignId}`);
    campaign.definition = definition;
  }

  async getDefinition(campaignId: string): Promise<string | null> {
    return this.campaigns.get(campaignId)?.definition ?? null;
  }

  async listCampaigns(): Promise<string[]> {
    return [...this.campaigns.keys()];
  }

  async close(): Promise<void> {}

  /** The campaign's whole state, detached from the store; throws for an unknown campaign. */
  snapshot(campaignId: string): CampaignSnapshot {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) throw new Error(`snapshot: unknown campaign ${campaignId}`);
    const snapshot: CampaignSnapshot = {
      seq: campaign.seq,
      categories: [...campaign.categories.values()].map((category) => ({
        state: category.state,
        proposals: category.proposals.map((id) => campaign.proposals.get(id)!),
        shortlist: [...category.shortlist],
        ballots: [...category.ballots.values()],
        tally: Object.fromEntries(category.tally),
      })),
      likes: [...campaign.likes].map(([id, fans]) => [id, [...fans]] as const),
      results: [...campaign.results.values()],
      bans: [...campaign.bans].map(([fanKey, ban]) => ({ fanKey, ...ban })),
      refusals: Object.fromEntries(campaign.refusals),
      erased: campaign.erased,
      ...(campaign.secret === undefined ? {} : { secret: campaign.secret }),
      audit: campaign.audit,
      ...(campaign.definition === undefined ? {} : { definition: campaign.definition }),
    };
    return structuredClone(snapshot);
  }

  /** Replaces the campaign's state with a snapshot taken by `snapshot`. */
  restore(campaignId: string, snapshot: CampaignSnapshot): void {
    const saved = structuredClone(snapshot);
    const campaign = newCampaign();
    campaign.seq = saved.seq;
    for (const { state, proposals, shortlist, ballots, tally } of saved.categories) {
      const category = newCategory(state.categoryId, 0);
      Object.assign(category.state, state);
      campaign.categories.set(state.categoryId, category);
      for (const proposal of proposals) this.index(campaign, category, proposal);
      for (const id of shortlist) category.shortlist.add(id);
      for (const ballot of ballots) category.ballots.set(ballot.voterKey, ballot);
      for (const [id, votes] of Object.entries(tally)) category.tally.set(id, votes);
    }
    for (const [id, fans] of saved.likes) campaign.likes.set(id, new Set(fans));
    for (const results of saved.results) campaign.results.set(results.categoryId, results);
    for (const { fanKey, ...ban } of saved.bans ?? []) campaign.bans.set(fanKey, ban);
    for (const [code, n] of Object.entries(saved.refusals ?? {})) campaign.refusals.set(code, n);
    campaign.erased = saved.erased ?? 0;
    if (saved.secret !== undefined) campaign.secret = saved.secret;
    campaign.audit.push(...(saved.audit ?? []));
    if (saved.definition !== undefined) campaign.definition = saved.definition;
    this.campaigns.set(campaignId, campaign);
  }

  // ---------------------------------------------------------------- trust and fairness

  async hitRateLimit(campaignId: string, fanKey: string, kind: RateKind, limit: RateLimit, now: number): Promise<RateResult> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) return { ok: true };
    const key = `${kind} ${fanKey}`;
    const times = (campaign.rates.get(key) ?? []).filter((at) => at > now - limit.perMs);
    if (times.length >= limit.max) {
      campaign.rates.set(key, times);
      return { ok: false, retryAfterMs: Math.max(1, times[0]! + limit.perMs - now) };
    }
    times.push(now);
    campaign.rates.set(key, times);
    return { ok: true };
  }

  async countRefusal(campaignId: string, code: RefusalCode): Promise<void> {
    const campaign = this.campaigns.get(campaignId);
    if (campaign) campaign.refusals.set(code, (campaign.refusals.get(code) ?? 0) + 1);
  }

  async getRefusalCounts(campaignId: string): Promise<Record<string, number>> {
    return Object.fromEntries(this.campaigns.get(campaignId)?.refusals ?? []);
  }

  async setBan(campaignId: string, fanKey: string, ban: Ban | null): Promise<boolean> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) return false;
    if (ban === null) return campaign.bans.delete(fanKey);
    if (campaign.bans.has(fanKey)) return false;
    campaign.bans.set(fanKey, { ...ban });
    return true;
  }

  async getBan(campaignId: string, fanKey: string): Promise<Ban | null> {
    const ban = this.campaigns.get(campaignId)?.bans.get(fanKey);
    return ban ? { ...ban } : null;
  }

  async listBans(campaignId: string): Promise<BanEntry[]> {
    return [...(this.campaigns.get(campaignId)?.bans ?? [])].map(([fanKey, ban]) => ({ fanKey, ...ban }));
  }

  async fanData(campaignId: string, fanKey: string): Promise<FanRecords> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) return { proposals: [], likes: [], ballots: [] };
    const proposals: Proposal[] = [];
    const likes: { proposalId: string; categoryId: string }[] = [];
    const ballots: { categoryId: string; choice: string[] }[] = [];
    for (const [categoryId, category] of campaign.categories) {
      for (const id of category.byAuthor.get(fanKey) ?? []) proposals.push(structuredClone(campaign.proposals.get(id)!));
      for (const id of category.proposals) if (campaign.likes.get(id)?.has(fanKey)) likes.push({ proposalId: id, categoryId });
      const ballot = category.ballots.get(fanKey);
      if (ballot) ballots.push({ categoryId, choice: [...ballot.choice] });
    }
    return { proposals, likes, ballots };
  }

  async eraseFan(campaignId: string, fanKey: string, categories: readonly ErasedCategory[]): Promise<ErasureReport> {
    const report = { ballotsWithdrawn: 0, ballotsAnonymized: 0, likesWithdrawn: 0, likesAnonymized: 0, proposalsAnonymized: [] as string[] };
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) return report;
    const tallied = new Map(categories.map((c) => [c.id, c.tallied]));
    const anon = new Map(categories.map((c) => [c.id, c.anon]));
    for (const [categoryId, category] of campaign.categories) {
      const ballot = category.ballots.get(fanKey);
      if (ballot) {
        category.ballots.delete(fanKey);
        if (category.state.phase === 'reveal') {
          const key = anon.get(categoryId) ?? `erased:${++campaign.erased}`;
          category.ballots.set(key, { voterKey: key, choice: ballot.choice });
          report.ballotsAnonymized++;
        } else {
          if (tallied.get(categoryId) ?? true) count(category.tally, ballot.choice, -1);
          report.ballotsWithdrawn++;
        }
      }
      const proposing = category.state.phase === 'propose';
      for (const id of category.proposals) {
        if (!campaign.likes.get(id)?.delete(fanKey)) continue;
        const proposal = campaign.proposals.get(id)!;
        if (proposing && isLive(proposal.status)) {
          proposal.likes--;
          report.likesWithdrawn++;
        } else {
          report.likesAnonymized++;
        }
      }
      for (const id of category.byAuthor.get(fanKey) ?? []) {
        anonymize(campaign.proposals.get(id)!);
        report.proposalsAnonymized.push(id);
      }
      category.byAuthor.delete(fanKey);
    }
    for (const key of [...campaign.rates.keys()]) if (key.endsWith(` ${fanKey}`)) campaign.rates.delete(key);
    return report;
  }

  async purgeCategory(campaignId: string, categoryId: string): Promise<number> {
    const campaign = this.campaigns.get(campaignId);
    const category = campaign?.categories.get(categoryId);
    if (!campaign || !category) return 0;
    let removed = 0;
    for (const [key, ballot] of [...category.ballots]) {
      if (key.startsWith('erased:')) continue;
      category.ballots.delete(key);
      category.ballots.set(`erased:${++campaign.erased}`, { voterKey: `erased:${campaign.erased}`, choice: ballot.choice });
      removed++;
    }
    for (const id of category.proposals) {
      const fans = campaign.likes.get(id);
      if (fans) {
        removed += fans.size;
        campaign.likes.delete(id);
      }
      const proposal = campaign.proposals.get(id)!;
      if (proposal.authorKey !== undefined) {
        anonymize(proposal);
        removed++;
      }
    }
    category.byAuthor.clear();
    return removed;
  }

  private category(campaignId: string, categoryId: string): CategoryData | undefined {
    return this.campaigns.get(campaignId)?.categories.get(categoryId);
  }

  /** Allocates the next id and seq of the campaign and indexes the new proposal. */
  private createProposal(campaign: CampaignData, category: CategoryData, fields: ProposalFields, author?: ProposalAuthor): Mutable<Proposal> {
    const seq = ++campaign.seq;
    const { categoryId, text, normalized, createdAt } = fields;
    const proposal: Mutable<Proposal> = {
      id: seq.toString(36),
      categoryId,
      text,
      normalized,
      ...(author && { authorKey: author.authorKey, authorName: author.authorName, platform: author.platform }),
      createdAt,
      seq,
      status: 'active',
      likes: 0,
    };
    this.index(campaign, category, proposal);
    return proposal;
  }

  /** Makes a proposal findable: by id, in creation order, by author, by text unless withdrawn. */
  private index(campaign: CampaignData, category: CategoryData, proposal: Mutable<Proposal>): void {
    campaign.proposals.set(proposal.id, proposal);
    category.proposals.push(proposal.id);
    if (proposal.authorKey !== undefined) {
      const own = category.byAuthor.get(proposal.authorKey);
      if (own) own.push(proposal.id);
      else category.byAuthor.set(proposal.authorKey, [proposal.id]);
    }
    if (proposal.status !== 'withdrawn') indexText(category, proposal);
  }

  private findOpenCategory(gate: Gate, campaignId: string, categoryId: string): OpenCategory | Refusal {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) return refuse('campaign.unknown');
    const category = campaign.categories.get(categoryId);
    if (!category) return refuse('category.unknown');
    return gateRefusal(category, gate) ?? { ok: true, campaign, category };
  }

  private findGated(gate: Gate, campaignId: string, id: string): Found | Refusal {
    const campaign = this.campaigns.get(campaignId);
    const proposal = campaign?.proposals.get(id);
    if (!campaign || !proposal) return refuse('proposal.unknown');
    const category = campaign.categories.get(proposal.categoryId)!;
    return gateRefusal(category, gate) ?? { ok: true, campaign, category, proposal };
  }

  private findLikeable(gate: Gate, campaignId: string, id: string): Found | Refusal {
    const found = this.findGated(gate, campaignId, id);
    return found.ok && !isLive(found.proposal.status) ? refuse('proposal.not-active') : found;
  }

  private sortedShortlist(campaign: CampaignData, category: CategoryData): Proposal[] {
    return [...category.shortlist].map((id) => campaign.proposals.get(id)!).sort((a, b) => a.seq - b.seq);
  }
}

function newCampaign(): CampaignData {
  return {
    categories: new Map(), proposals: new Map(), likes: new Map(), results: new Map(), seq: 0,
    bans: new Map(), refusals: new Map(), rates: new Map(), erased: 0, audit: [],
  };
}

function newCategory(categoryId: string, deadline: number): CategoryData {
  return {
    state: { categoryId, phase: 'pending', deadline, shift: 0, pausedAt: null, version: 0 },
    proposals: [],
    byAuthor: new Map(),
    texts: new Map(),
    shortlist: new Set(),
    ballots: new Map(),
    tally: new Map(),
  };
}

/** The store's half of the gate (see the port): phase, then pause, then deadline. */
function gateRefusal(category: CategoryData, gate: Gate): Refusal | null {
  const { phase, pausedAt, deadline } = category.state;
  const code: RefusalCode | null =
    phase !== gate.phase ? 'phase.closed' : pausedAt !== null ? 'phase.paused' : deadline !== null && gate.now >= deadline ? 'phase.closed' : null;
  return code ? refuse(code) : null;
}

function isDuplicate(category: CategoryData, normalized: string, exceptId?: string): boolean {
  const ids = category.texts.get(normalized);
  return ids !== undefined && [...ids].some((id) => id !== exceptId);
}

function indexText(category: CategoryData, proposal: Proposal): void {
  const ids = category.texts.get(proposal.normalized) ?? new Set<string>();
  category.texts.set(proposal.normalized, ids.add(proposal.id));
}

function unindexText(category: CategoryData, proposal: Proposal): void {
  const ids = category.texts.get(proposal.normalized);
  ids?.delete(proposal.id);
  if (ids?.size === 0) category.texts.delete(proposal.normalized);
}

function seededShortlist(campaign: CampaignData, category: CategoryData, seed: ShortlistSeed): string[] {
  const proposals = category.proposals.map((id) => campaign.proposals.get(id)!);
  const picked =
    seed.by === 'likes'
      ? proposals.filter((p) => isLive(p.status)).sort((a, b) => b.likes - a.likes || a.seq - b.seq).slice(0, seed.size)
      : proposals.filter((p) => p.status === 'review').slice(0, seed.size ?? Infinity);
  return picked.map((p) => p.id);
}

/** The author credit becomes anonymous: the text stays, the author's key, name and platform go. */
function anonymize(proposal: Mutable<Proposal>): void {
  delete proposal.authorKey;
  delete proposal.authorName;
  delete proposal.platform;
}

function replaceAll(set: Set<string>, values: readonly string[]): void {
  set.clear();
  for (const value of values) set.add(value);
}

function listed(p: Proposal): ListedProposal {
  return p.authorName === undefined ? { id: p.id, text: p.text } : { id: p.id, text: p.text, author: p.authorName };
}

function count(tally: Map<string, number>, choice: readonly string[], delta: 1 | -1): void {
  for (const id of choice) {
    const votes = (tally.get(id) ?? 0) + delta;
    if (votes === 0) tally.delete(id);
    else tally.set(id, votes);
  }
}

// Cheaper than structuredClone on the hot path of a million ballots.
function copyBallot(ballot: Ballot): Ballot {
  return { voterKey: ballot.voterKey, choice: [...ballot.choice] };
}
