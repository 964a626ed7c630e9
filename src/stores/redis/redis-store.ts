import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { refuse, type Refusal } from '../../model/refusals';
import type { CampaignEvent } from '../../model/events';
import type { Platform } from '../../model/campaign';
import type { AuditEntry } from '../../model/audit';
import { randomBytes } from 'node:crypto';
import type { Ballot, CategoryResults, CategoryState, Proposal, ProposalStatus } from '../../model/records';
import { normalizeForDuplicate } from '../../engine/text';
import type { RefusalCode } from '../../model/refusals';
import type { RateLimit } from '../../model/campaign';
import type {
  Ban, BanEntry, CampaignStore, ErasedCategory, ErasureReport, FanRecords, Gate, NewProposal, RateKind, RateResult, StoreResult, TimingRequest,
  TransitionRequest,
} from '../../ports/campaign-store';
import { ScriptCode, refusalOf } from './script-codes';
import { CampaignKeys, DEFAULT_PREFIX } from './keys';
import { defineScripts, runScript, type ScriptName } from './scripts';
import { WriteAcknowledger } from './ack';

export interface RedisCampaignStoreOptions {
  /**
   * The connection (or cluster) to use; the store does not close it. Create it with
   * `createRedisConnection` (connection.ts) so that calls fail fast while Redis is down.
   */
  readonly redis: Redis | Cluster;
  /** Separates deployments (and test runs) sharing one Redis. Default `cocreate:`. */
  readonly prefix?: string;
  /** Most ballots of a category sent as one script call. Default DEFAULT_MAX_BATCH (see BallotBatcher). */
  readonly maxBatch?: number;
  /**
   * What confirms a write before its caller is answered (COCREATE_ACK), on this same connection.
   * Default: Redis's reply.
   */
  readonly ack?: WriteAcknowledger;
}

/**
 * Ballots of a category are spread over this many hashes (by a hash of the voter key), so each
 * stays under `hash-max-listpack-entries` (512) up to about 1.5 million ballots and is kept
 * listpack-encoded. Part of the storage format: changing it would split a fan's ballots.
 */
export const BALLOT_BUCKETS = 4096;

/** Most ballots of a category in one cast-ballots call, unless `maxBatch` says otherwise (see BallotBatcher). */
export const DEFAULT_MAX_BATCH = 48;

/** How many ballot buckets one purge-ballots call rewrites (retention). */
const PURGE_BUCKETS = 256;

/** How many ballots `scanBallots` reads at a time (a little more: it reads whole buckets). */
const SCAN_BATCH = 1000;

/** At most this many buckets per scan-ballots call, so that a sparse category never holds Redis long. */
const SCAN_BUCKETS = 512;

/** The set of the ids of the campaigns in the store: the one key outside any campaign. */
export function campaignsKey(prefix: string = DEFAULT_PREFIX): string {
  return `${prefix}campaigns`;
}

/**
 * The campaign's keys beyond the event stream (keys.ts); the Lua includes build the same from
 * `base` (includes/keys.lua). Under `<prefix>{<campaignId>}:`:
 *
 *   meta                 hash    seq (last proposal seq; the campaign exists iff this key does)
 *   categories           list    category ids in creation order
 *   results              hash    categoryId -> CategoryResults JSON
 *   events, events:ids   stream + set (keys.ts)
 *   p:<id>               hash    a proposal's fields
 *   likes:<id>           set     fan keys that like the proposal
 *   cat:<c>:state        hash    phase, deadline, shift, pausedAt ('' for null), version, ballots
 *   cat:<c>:proposals    list    proposal ids in creation order
 *   cat:<c>:authors      hash    authorKey -> live (active or review) proposals
 *   cat:<c>:texts        hash    normalized text -> proposals not withdrawn (duplicate rule)
 *   cat:<c>:shortlist    zset    id -> seq
 *   cat:<c>:rank         zset    live id -> likes * 2^32 - seq (seeding by likes)
 *   cat:<c>:review       zset    id in review -> seq (seeding by threshold)
 *   cat:<c>:tally        hash    option id -> votes (no zero counts)
 *   cat:<c>:ballots:<n>  hash    voterKey -> choice ids joined by ',' (n = ballotBucket(voterKey));
 *                                erased fans' ballots under `erased:<k>` (k from meta `erased`)
 *   bans                 hash    fanKey -> Ban JSON
 *   refusals             hash    refusal code -> count
 *   rate:<kind>:<fan>    zset    a fan's actions in the sliding window: nonce -> time
 *   secret               string  the key of the manifest's fan hashes (ensure-secret-2.lua)
 *   audit                list    audit entries as JSON, oldest first
 *   definition           string  the campaign's definition, kept as given (save-definition-2.lua)
 */
class StoreKeys extends CampaignKeys {
  get meta(): string { return this.key('meta'); }
  get categories(): string { return this.key('categories'); }
  get results(): string { return this.key('results'); }
  get bans(): string { return this.key('bans'); }
  get refusals(): string { return this.key('refusals'); }
  rate(kind: RateKind, fanKey: string): string { return this.key('rate', kind, fanKey); }
  get secret(): string { return this.key('secret'); }
  get audit(): string { return this.key('audit'); }
  get definition(): string { return this.key('definition'); }
  cat(categoryId: string, name: 'state' | 'shortlist' | 'rank' | 'review' | 'proposals' | 'authors' | 'texts' | 'tally'): string {
    return this.key('cat', categoryId, name);
  }
  /** Bucket n of the category's ballots is this prefix followed by n. */
  ballotPrefix(categoryId: string): string { return this.key('cat', categoryId, 'ballots', ''); }
  proposal(id: string): string { return this.key('p', id); }
  likes(id: string): string { return this.key('likes', id); }
}

type Reply = readonly [number, ...unknown[]];

interface BallotKeys {
  readonly state: string;
  readonly shortlist: string;
  readonly tally: string;
  readonly meta: string;
  bucket(n: number): string;
}

/**
 * A CampaignStore in Redis: every change is one Lua script (src/stores/redis/lua), so it is
 * atomic across any number of bot processes, and every key of a campaign carries the hash tag
 * `{campaignId}` (a campaign lives in one cluster slot). Transitions, retimes and results
 * append their events to the campaign's stream in the same script; the outbox reads it.
 *
 * Ballots of a category cast in the same tick (up to `maxBatch`) leave as one script call
 * (cast-ballots-N.lua); each caller is answered with its own ballot's reply, once Redis has
 * given it and the ack mode has confirmed the batch.
 *
 * Every write that answers someone (a fan, a curator, a manager) is confirmed by the
 * WriteAcknowledger before its method resolves; a write it cannot confirm rejects (the engine
 * answers "could not confirm, trying again is safe").
 */
export class RedisCampaignStore implements CampaignStore {
  private readonly redis: Redis | Cluster;
  private readonly prefix: string;
  private readonly ballots: BallotBatcher;
  private readonly keyCache = new Map<string, StoreKeys>();
  private readonly ballotKeyCache = new Map<string, BallotKeys>();
  private readonly ack: WriteAcknowledger;

  constructor(options: RedisCampaignStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.ack = options.ack ?? new WriteAcknowledger(this.redis, { kind: 'reply' });
    this.ballots = new BallotBatcher(this.redis, options.maxBatch ?? DEFAULT_MAX_BATCH, this.ack);
    defineScripts(this.redis);
  }

  /** See `campaignsKey`: written apart from the scripts, it is not in the campaign's slot. */
  get registryKey(): string {
    return campaignsKey(this.prefix);
  }

  async initCampaign(campaignId: string, categories: readonly { id: string; deadline: number; options?: readonly string[] }[], now: number): Promise<void> {
    const k = this.keys(campaignId);
    const args: (string | number)[] = [now];
    for (const { id, deadline, options = [] } of categories) {
      args.push(id, deadline, options.length);
      for (const text of options) args.push(text, normalizeForDuplicate(text));
    }
    await this.redis.sadd(this.registryKey, campaignId);
    await this.ack.confirm(this.registryKey); // on a Cluster, not the campaign's node
    await this.run('initCampaign', [k.meta, k.categories, k.base], args);
  }

  async getStates(campaignId: string): Promise<CategoryState[]> {
    const k = this.keys(campaignId);
    const ids = await this.redis.lrange(k.categories, 0, -1);
    const states = await this.hgetallEach(ids.map((id) => k.cat(id, 'state')));
    return ids.map((id, i) => toState(id, states[i]!));
  }

  async getState(campaignId: string, categoryId: string): Promise<CategoryState | null> {
    const fields = await this.redis.hgetall(this.keys(campaignId).cat(categoryId, 'state'));
    return fields.phase === undefined ? null : toState(categoryId, fields);
  }

  async transition(req: TransitionRequest): Promise<boolean> {
    const k = this.keys(req.campaignId);
    const c = (name: 'state' | 'shortlist' | 'rank' | 'review') => k.cat(req.categoryId, name);
    const seed = req.seedShortlist;
    const [code] = await this.run(
      'transition',
      [c('state'), c('shortlist'), c('rank'), c('review'), k.events, k.eventIds, k.base],
      [req.from, req.expectVersion ?? '', req.to, req.deadline ?? '', seed?.by ?? '', seed?.size ?? '', ...eventArgs(req.events, true)],
    );
    return code === ScriptCode.Ok;
  }

  async retime(req: TimingRequest): Promise<boolean> {
    const k = this.keys(req.campaignId);
    const [code] = await this.run(
      'retime',
      [k.cat(req.categoryId, 'state'), k.events, k.eventIds],
      [req.phase, req.expect, req.deadline ?? '', req.shift, req.pausedAt ?? '', ...eventArgs(req.events, false)],
    );
    return code === ScriptCode.Ok;
  }

  async addProposal(gate: Gate, campaignId: string, p: NewProposal, perFan: number, maxTotal?: number): Promise<StoreResult<{ proposal: Proposal }>> {
    const k = this.keys(campaignId);
    const [code, id, seq] = await this.run(
      'addProposal',
      [k.meta, k.cat(p.categoryId, 'state'), k.cat(p.categoryId, 'authors'), k.cat(p.categoryId, 'texts'), k.base],
      [gate.phase, gate.now, perFan, p.categoryId, p.text, p.normalized, p.authorKey, p.authorName, p.platform, p.createdAt, maxTotal ?? ''],
    );
    if (code !== ScriptCode.Ok) return refuse(refusalOf(code));
    const { categoryId, text, normalized, authorKey, authorName, platform, createdAt } = p;
    const proposal: Proposal = { id: String(id), categoryId, text, normalized, authorKey, authorName, platform, createdAt, seq: Number(seq), status: 'active', likes: 0 };
    return { ok: true, proposal };
  }

  async editProposal(gate: Gate, campaignId: string, id: string, authorKey: string, text: string, normalized: string): Promise<StoreResult<{ proposal: Proposal }>> {
    const k = this.keys(campaignId);
    const [code, fields] = await this.run('editProposal', [k.proposal(id), k.base], [gate.phase, gate.now, authorKey, text, normalized]);
    if (code !== ScriptCode.Ok) return refuse(refusalOf(code));
    return { ok: true, proposal: toProposal(pairs(fields as string[])) };
  }

  async withdrawProposal(gate: Gate, campaignId: string, id: string, authorKey: string): Promise<StoreResult> {
    const k = this.keys(campaignId);
    return okOrRefusal(await this.run('withdrawProposal', [k.proposal(id), k.base], [gate.phase, gate.now, authorKey, id]));
  }

  async getProposal(campaignId: string, id: string): Promise<Proposal | null> {
    const fields = await this.redis.hgetall(this.keys(campaignId).proposal(id));
    return fields.id === undefined ? null : toProposal(fields);
  }

  async listProposals(campaignId: string, categoryId: string, filter: { authorKey?: string } = {}): Promise<Proposal[]> {
    const k = this.keys(campaignId);
    const proposals = await this.proposals(k, await this.redis.lrange(k.cat(categoryId, 'proposals'), 0, -1));
    return filter.authorKey === undefined ? proposals : proposals.filter((p) => p.authorKey === filter.authorKey);
  }

  async like(gate: Gate, campaignId: string, id: string, fanKey: string, threshold?: number): Promise<StoreResult<{ likes: number; reachedThreshold: boolean }>> {
    const k = this.keys(campaignId);
    const [code, likes, reached] = await this.run('like', [k.proposal(id), k.likes(id), k.base], [gate.phase, gate.now, fanKey, threshold ?? '', id]);
    if (code !== ScriptCode.Ok) return refuse(refusalOf(code));
    return { ok: true, likes: Number(likes), reachedThreshold: reached === 1 };
  }

  async unlike(gate: Gate, campaignId: string, id: string, fanKey: string): Promise<StoreResult<{ likes: number }>> {
    const k = this.keys(campaignId);
    const [code, likes] = await this.run('unlike', [k.proposal(id), k.likes(id), k.base], [gate.phase, gate.now, fanKey, id]);
    if (code !== ScriptCode.Ok) return refuse(refusalOf(code));
    return { ok: true, likes: Number(likes) };
  }

  async reject(gate: Gate, campaignId: string, id: string, reason: string): Promise<StoreResult> {
    const k = this.keys(campaignId);
    return okOrRefusal(await this.run('rejectProposal', [k.proposal(id), k.base], [gate.phase, gate.now, reason, id]));
  }

  async shortlistAdd(gate: Gate, campaignId: string, id: string, size: number): Promise<StoreResult> {
    const k = this.keys(campaignId);
    return okOrRefusal(await this.run('shortlistAdd', [k.proposal(id), k.base], [gate.phase, gate.now, size, id]));
  }

  async shortlistRemove(gate: Gate, campaignId: string, id: string): Promise<StoreResult> {
    const k = this.keys(campaignId);
    return okOrRefusal(await this.run('shortlistRemove', [k.proposal(id), k.base], [gate.phase, gate.now, id]));
  }

  async getShortlist(campaignId: string, categoryId: string): Promise<Proposal[]> {
    const k = this.keys(campaignId);
    return this.proposals(k, await this.redis.zrange(k.cat(categoryId, 'shortlist'), 0, '-1'));
  }

  castBallot(gate: Gate, campaignId: string, categoryId: string, ballot: Ballot, opts: { allowChange: boolean; tallied: boolean }): Promise<StoreResult<{ changed: boolean }>> {
    return this.ballots.cast(this.ballotKeys(campaignId, categoryId), gate, ballot, opts);
  }

  async getTally(campaignId: string, categoryId: string): Promise<{ tally: Record<string, number>; ballots: number }> {
    const k = this.keys(campaignId);
    const [counts, ballots] = (await exec(this.redis.pipeline().hgetall(k.cat(categoryId, 'tally')).hget(k.cat(categoryId, 'state'), 'ballots'))) as [
      Record<string, string>,
      string | null,
    ];
    const tally: Record<string, number> = {};
    for (const [id, votes] of Object.entries(counts)) if (Number(votes) !== 0) tally[id] = Number(votes);
    return { tally, ballots: Number(ballots ?? 0) };
  }

  /** Each ballot exactly once: a fan's ballot always lives in the same bucket, read whole once. */
  async *scanBallots(campaignId: string, categoryId: string): AsyncIterable<readonly Ballot[]> {
    const prefix = this.keys(campaignId).ballotPrefix(categoryId);
    for (let bucket = 0; bucket < BALLOT_BUCKETS; ) {
      const stop = Math.min(bucket + SCAN_BUCKETS, BALLOT_BUCKETS);
      const [next, ...flat] = (await runScript(this.redis, 'scanBallots', [prefix], [bucket, stop, SCAN_BATCH])) as [number, ...string[]];
      const batch: Ballot[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) batch.push({ voterKey: flat[i]!, choice: flat[i + 1] === '' ? [] : flat[i + 1]!.split(',') });
      if (batch.length > 0) yield batch;
      bucket = next;
    }
  }

  async saveResults(campaignId: string, results: CategoryResults, events: readonly CampaignEvent[], replace: boolean): Promise<boolean> {
    const k = this.keys(campaignId);
    const [code] = await this.run(
      'saveResults',
      [k.meta, k.results, k.events, k.eventIds],
      [results.categoryId, replace ? '1' : '0', JSON.stringify(results), ...eventArgs(events, false)],
    );
    if (code === ScriptCode.CampaignUnknown) throw new Error(`saveResults: unknown campaign ${campaignId}`);
    return code === ScriptCode.Ok;
  }

  async getResults(campaignId: string, categoryId: string): Promise<CategoryResults | null> {
    const json = await this.redis.hget(this.keys(campaignId).results, categoryId);
    return json === null ? null : (JSON.parse(json) as CategoryResults);
  }

  async campaignSecret(campaignId: string): Promise<string> {
    const k = this.keys(campaignId);
    const [code, secret] = await this.run('ensureSecret', [k.meta, k.secret], [randomBytes(32).toString('hex')]);
    if (code === ScriptCode.CampaignUnknown) throw new Error(`campaignSecret: unknown campaign ${campaignId}`);
    return String(secret);
  }

  async getBallot(campaignId: string, categoryId: string, voterKey: string): Promise<Ballot | null> {
    const choice = await this.redis.hget(this.keys(campaignId).ballotPrefix(categoryId) + ballotBucket(voterKey), voterKey);
    return choice === null ? null : { voterKey, choice: choice === '' ? [] : choice.split(',') };
  }

  async appendAudit(campaignId: string, entry: AuditEntry): Promise<void> {
    const k = this.keys(campaignId);
    const [code] = await this.run('appendAudit', [k.meta, k.audit], [JSON.stringify(entry)]);
    if (code === ScriptCode.CampaignUnknown) throw new Error(`appendAudit: unknown campaign ${campaignId}`);
  }

  async readAudit(campaignId: string): Promise<AuditEntry[]> {
    return (await this.redis.lrange(this.keys(campaignId).audit, 0, -1)).map((json) => JSON.parse(json) as AuditEntry);
  }

  async saveDefinition(campaignId: string, definition: string): Promise<void> {
    const k = this.keys(campaignId);
    const [code] = await this.run('saveDefinition', [k.meta, k.definition], [definition]);
    if (code === ScriptCode.CampaignUnknown) throw new Error(`saveDefinition: unknown campaign ${campaignId}`);
  }

  async getDefinition(campaignId: string): Promise<string | null> {
    return this.redis.get(this.keys(campaignId).definition);
  }

  async listCampaigns(): Promise<string[]> {
    return this.redis.smembers(this.registryKey);
  }

  /** Sends the ballots still waiting and waits for their answers; leaves the connection open. */
  async close(): Promise<void> {
    await this.ballots.drain();
  }

  // ---------------------------------------------------------------- trust and fairness

  async hitRateLimit(campaignId: string, fanKey: string, kind: RateKind, limit: RateLimit, now: number): Promise<RateResult> {
    const nonce = `${now}-${randomBytes(6).toString('hex')}`;
    // Not an acknowledgement: the write it guards (a proposal, a like) is confirmed, and with it this one.
    const [code, wait] = await this.run('rateLimit', [this.keys(campaignId).rate(kind, fanKey)], [now, limit.max, limit.perMs, nonce], false);
    if (code === ScriptCode.Ok) return { ok: true };
    if (code === ScriptCode.RateLimited) return { ok: false, retryAfterMs: Number(wait) };
    throw new Error(`rate-limit answered unexpected code ${code}`);
  }

  async countRefusal(campaignId: string, code: RefusalCode): Promise<void> {
    await this.redis.hincrby(this.keys(campaignId).refusals, code, 1);
  }

  async getRefusalCounts(campaignId: string): Promise<Record<string, number>> {
    const counts = await this.redis.hgetall(this.keys(campaignId).refusals);
    return Object.fromEntries(Object.entries(counts).map(([code, n]) => [code, Number(n)]));
  }

  async setBan(campaignId: string, fanKey: string, ban: Ban | null): Promise<boolean> {
    const k = this.keys(campaignId);
    const changed = ban === null
      ? (await this.redis.hdel(k.bans, fanKey)) === 1
      : (await this.redis.hsetnx(k.bans, fanKey, JSON.stringify({ reason: ban.reason, by: ban.by, at: ban.at }))) === 1;
    await this.ack.confirm(k.bans);
    return changed;
  }

  async getBan(campaignId: string, fanKey: string): Promise<Ban | null> {
    const json = await this.redis.hget(this.keys(campaignId).bans, fanKey);
    return json === null ? null : (JSON.parse(json) as Ban);
  }

  async listBans(campaignId: string): Promise<BanEntry[]> {
    const all = await this.redis.hgetall(this.keys(campaignId).bans);
    return Object.entries(all)
      .map(([fanKey, json]) => ({ fanKey, ...(JSON.parse(json) as Ban) }))
      .sort((a, b) => a.at - b.at || (a.fanKey < b.fanKey ? -1 : 1));
  }

  /** Read-only, so a pipeline rather than a script: each category's proposals, the fan's likes and ballot. */
  async fanData(campaignId: string, fanKey: string): Promise<FanRecords> {
    const k = this.keys(campaignId);
    const categories = await this.redis.lrange(k.categories, 0, -1);
    const bucket = ballotBucket(fanKey);
    const read = this.redis.pipeline();
    for (const c of categories) read.lrange(k.cat(c, 'proposals'), 0, -1).hget(k.ballotPrefix(c) + bucket, fanKey);
    const lists = await exec(read);
    const proposals: Proposal[] = [];
    const likes: { proposalId: string; categoryId: string }[] = [];
    const ballots: { categoryId: string; choice: string[] }[] = [];
    const ids: { id: string; categoryId: string }[] = [];
    categories.forEach((categoryId, i) => {
      for (const id of lists[2 * i] as string[]) ids.push({ id, categoryId });
      const choice = lists[2 * i + 1] as string | null;
      if (choice !== null) ballots.push({ categoryId, choice: choice === '' ? [] : choice.split(',') });
    });
    if (ids.length > 0) {
      const each = this.redis.pipeline();
      for (const { id } of ids) each.hget(k.proposal(id), 'authorKey').sismember(k.likes(id), fanKey);
      const answers = await exec(each);
      const own: string[] = [];
      ids.forEach(({ id, categoryId }, i) => {
        if (answers[2 * i] === fanKey) own.push(id);
        if (answers[2 * i + 1] === 1) likes.push({ proposalId: id, categoryId });
      });
      proposals.push(...(await this.proposals(k, own)));
    }
    return { proposals, likes, ballots };
  }

  async eraseFan(campaignId: string, fanKey: string, categories: readonly ErasedCategory[]): Promise<ErasureReport> {
    const k = this.keys(campaignId);
    const [, withdrawn, anonymized, likesWithdrawn, likesAnonymized, ...ids] = await this.run(
      'eraseFan', [k.meta, k.base], [fanKey, ballotBucket(fanKey), ...categories.flatMap((c) => [c.id, c.tallied ? '1' : '0', c.anon])],
    );
    return {
      ballotsWithdrawn: Number(withdrawn), ballotsAnonymized: Number(anonymized),
      likesWithdrawn: Number(likesWithdrawn), likesAnonymized: Number(likesAnonymized), proposalsAnonymized: ids.map(String),
    };
  }

  /** Ballots a few hundred buckets per call, so Redis is never blocked long; then authors and likes. */
  async purgeCategory(campaignId: string, categoryId: string): Promise<number> {
    const k = this.keys(campaignId);
    let removed = 0;
    for (let bucket = 0; bucket < BALLOT_BUCKETS; ) {
      const [next, moved] = (await runScript(this.redis, 'purgeBallots', [k.meta, k.ballotPrefix(categoryId)], [bucket, PURGE_BUCKETS, BALLOT_BUCKETS])) as [number, number];
      removed += Number(moved);
      bucket = Number(next);
    }
    const [, identities] = await this.run('purgeAuthors', [k.cat(categoryId, 'proposals'), k.base], [categoryId]);
    return removed + Number(identities);
  }

  private keys(campaignId: string): StoreKeys {
    let keys = this.keyCache.get(campaignId);
    if (!keys) {
      keys = new StoreKeys(this.prefix, campaignId);
      this.keyCache.set(campaignId, keys);
    }
    return keys;
  }

  /** The keys cast-ballot touches, built once per category: the hot path allocates no key. */
  private ballotKeys(campaignId: string, categoryId: string): BallotKeys {
    const id = `${campaignId}\n${categoryId}`;
    let keys = this.ballotKeyCache.get(id);
    if (!keys) {
      const k = this.keys(campaignId);
      const prefix = k.ballotPrefix(categoryId);
      const buckets: string[] = [];
      keys = {
        state: k.cat(categoryId, 'state'),
        shortlist: k.cat(categoryId, 'shortlist'),
        tally: k.cat(categoryId, 'tally'),
        meta: k.meta,
        bucket: (n) => (buckets[n] ??= prefix + n),
      };
      this.ballotKeyCache.set(id, keys);
    }
    return keys;
  }

  /** Runs a script; a write (`confirm`, the default) resolves once the ack mode confirms it. */
  private async run(name: ScriptName, keys: readonly string[], args: readonly (string | number)[], confirm = true): Promise<Reply> {
    const reply = asReply(await runScript(this.redis, name, keys, args));
    if (confirm) await this.ack.confirm(keys[0]!);
    return reply;
  }

  private async proposals(k: StoreKeys, ids: readonly string[]): Promise<Proposal[]> {
    return (await this.hgetallEach(ids.map((id) => k.proposal(id)))).map(toProposal);
  }

  private async hgetallEach(keys: readonly string[]): Promise<Record<string, string>[]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hgetall(key);
    return (await exec(pipeline)) as Record<string, string>[];
  }
}

type BallotResult = StoreResult<{ changed: boolean }>;

/** The callers of a batch, and its script's keys and arguments as cast-ballots-N takes them. */
interface Batch {
  readonly category: BallotKeys;
  /** state, shortlist, tally, meta, then each ballot's bucket. */
  readonly keys: string[];
  /** Each ballot's phase, now, voterKey, allowChange, tallied, number of choices, choices. */
  readonly args: (string | number)[];
  readonly callers: { resolve(result: BallotResult): void; reject(error: unknown): void }[];
}

const BATCH_KEYS = 4;
const BALLOT_ARGS = 6;

/**
 * Gathers the ballots cast in the same tick, per category (a script call must stay in one
 * cluster slot, and the category's keys are sent once), and sends each group as ONE call of
 * cast-ballots-N.lua, which casts them in order with the rules of cast-ballot-5.lua and
 * answers one code per ballot: far cheaper, in Node and in Redis, than one script per ballot.
 * A group leaves as soon as it holds `maxBatch` ballots, so Redis runs one group while Node
 * answers the previous group's callers. A ballot alone in its tick goes as cast-ballot-5.
 *
 * Measured (bench/redis.ts, 100 ballots in flight through the engine on 2 cores): about 55 to
 * 65k ballots/s and p99 5 to 6 ms with groups of 48, against 23 to 35k/s and p99 12 to 39 ms
 * with the former pipeline of one script per ballot; groups of 32 and 64 did about as well
 * as 48 (a little worse at 100 in flight), 128 and 256 worse (at 100 in flight one group
 * holds every ballot, so Node and Redis take turns instead of working at once).
 *
 * The ballots of a group travel packed in one argument (packFields): the client then frames and
 * copies one argument per call rather than seven or more per ballot, which halved the store's
 * allocation per ballot (about 2.7 to 1.45 KB with ioredis'; measured with V8's sampling heap
 * profiler, 100 in flight): less garbage, so fewer of the collection pauses that hold every
 * ballot in flight, the main cause of the latency's tail.
 *
 * Every caller is answered only with its own ballot's reply from Redis; when the call fails
 * (connection lost, timeout) every caller of the group is rejected. A NOSCRIPT answer means
 * the script did not run: ioredis sends the same call again as EVAL (scripts.ts, runScript).
 */
class BallotBatcher {
  /** By category: its BallotKeys, built once per category (RedisCampaignStore.ballotKeys). */
  private readonly batches = new Map<BallotKeys, Batch>();
  private readonly inFlight = new Set<Promise<void>>();
  private scheduled = false;

  constructor(private readonly redis: Redis | Cluster, private readonly maxBatch: number, private readonly ack: WriteAcknowledger) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
  }

  cast(category: BallotKeys, gate: Gate, ballot: Ballot, opts: { allowChange: boolean; tallied: boolean }): Promise<BallotResult> {
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(category);
      if (!batch) {
        batch = { category, keys: [category.state, category.shortlist, category.tally, category.meta], args: [], callers: [] };
        this.batches.set(category, batch);
      }
      batch.keys.push(category.bucket(ballotBucket(ballot.voterKey)));
      batch.args.push(gate.phase, gate.now, ballot.voterKey, opts.allowChange ? '1' : '0', opts.tallied ? '1' : '0', ballot.choice.length);
      for (const id of ballot.choice) batch.args.push(id);
      batch.callers.push({ resolve, reject });
      if (batch.callers.length >= this.maxBatch) {
        this.batches.delete(category);
        this.send(batch);
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async drain(): Promise<void> {
    this.flush();
    await Promise.all(this.inFlight);
  }

  private flush(): void {
    this.scheduled = false;
    for (const batch of this.batches.values()) this.send(batch);
    this.batches.clear();
  }

  private send(batch: Batch): void {
    const sent = batch.callers.length === 1 ? this.sendOne(batch) : this.sendMany(batch);
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /**
   * The one call of a batch: its script, then, once Redis has answered, the ack mode's
   * confirmation (WAIT, WAITAOF, or nothing), once for the whole batch. Rejects when either
   * fails: no caller of the batch is acknowledged.
   */
  private castDurably(name: 'castBallot' | 'castBallots', keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return callScript(this.redis, name, keys, args).then(async (reply) => {
      await this.ack.confirm(keys[0]!);
      return reply;
    });
  }

  /** One ballot: cast-ballot-5, whose reply is { code, changed } or { code }. */
  private sendOne({ category, keys, args, callers }: Batch): Promise<void> {
    const caller = callers[0]!;
    const single = [category.state, category.shortlist, keys[BATCH_KEYS]!, category.tally, category.meta];
    const singleArgs = args.slice(0, BALLOT_ARGS - 1).concat(args.slice(BALLOT_ARGS));
    return this.castDurably('castBallot', single, singleArgs).then(
      (reply) => {
        try {
          const [code, changed] = asReply(reply);
          caller.resolve(ballotResult(code, changed));
        } catch (error) {
          caller.reject(error);
        }
      },
      (error: unknown) => caller.reject(error),
    );
  }

  /** Several ballots: cast-ballots-N, whose reply is { code, changed } for each in turn. */
  private sendMany({ keys, args, callers }: Batch): Promise<void> {
    return this.castDurably('castBallots', keys, [packFields(args)]).then(
      (reply) => {
        if (!Array.isArray(reply) || reply.length !== 2 * callers.length) {
          const error = new Error(`cast-ballots answered ${JSON.stringify(reply)} for ${callers.length} ballots`);
          for (const caller of callers) caller.reject(error);
          return;
        }
        callers.forEach((caller, i) => {
          try {
            caller.resolve(ballotResult(reply[2 * i] as number, reply[2 * i + 1]));
          } catch (error) {
            caller.reject(error);
          }
        });
      },
      (error: unknown) => {
        for (const caller of callers) caller.reject(error);
      },
    );
  }
}

/**
 * Fields as cast-ballots-N takes them, in one argument: each `<length in bytes>:<bytes>`, back
 * to back. The client then frames and copies one argument per call instead of seven or more
 * per ballot (the largest part of the store's own allocation per ballot, so of its garbage).
 */
export function packFields(fields: readonly (string | number)[]): string {
  const parts = new Array<string | number>(3 * fields.length);
  let at = 0;
  for (const field of fields) {
    const text = typeof field === 'number' ? String(field) : field;
    parts[at++] = Buffer.byteLength(text);
    parts[at++] = ':';
    parts[at++] = text;
  }
  return parts.join('');
}

/** runScript, a synchronous throw (a script not defined on the client) turned into a rejection. */
function callScript(redis: Redis | Cluster, name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return runScript(redis, name, keys, args);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A ballot's answer from its script's code and changed flag; throws on an unexpected code. */
function ballotResult(code: number, changed: unknown): { ok: true; changed: boolean } | Refusal {
  return code === ScriptCode.Ok ? { ok: true, changed: changed === 1 } : refuse(refusalOf(code));
}

/** The bucket of a fan's ballot: FNV-1a of the voter key, modulo BALLOT_BUCKETS. */
export function ballotBucket(voterKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < voterKey.length; i++) hash = Math.imul(hash ^ voterKey.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % BALLOT_BUCKETS;
}

/** Events as script arguments: triples (id, fill, JSON); fill asks the script for the items. */
function eventArgs(events: readonly CampaignEvent[], fillShortlist: boolean): string[] {
  return events.flatMap((event) => {
    if (fillShortlist && event.kind === 'shortlist.published' && event.items.length === 0) {
      const { items: _items, ...rest } = event;
      return [event.id, '1', JSON.stringify(rest)];
    }
    return [event.id, '0', JSON.stringify(event)];
  });
}

async function exec(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

function asReply(reply: unknown): Reply {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number') throw new Error(`unexpected Redis script reply ${JSON.stringify(reply)}`);
  return reply as unknown as Reply;
}

function okOrRefusal([code]: Reply): StoreResult {
  return code === ScriptCode.Ok ? { ok: true } : refuse(refusalOf(code));
}

function pairs(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

const orNull = (value: string | undefined): number | null => (value === undefined || value === '' ? null : Number(value));

function toState(categoryId: string, f: Record<string, string>): CategoryState {
  return {
    categoryId,
    phase: f.phase as CategoryState['phase'],
    deadline: orNull(f.deadline),
    shift: Number(f.shift ?? 0),
    pausedAt: orNull(f.pausedAt),
    version: Number(f.version ?? 0),
  };
}

function toProposal(f: Record<string, string>): Proposal {
  return {
    id: f.id!,
    categoryId: f.categoryId!,
    text: f.text!,
    normalized: f.normalized!,
    ...(f.authorKey !== undefined && { authorKey: f.authorKey, authorName: f.authorName!, platform: f.platform as Platform }),
    createdAt: Number(f.createdAt),
    seq: Number(f.seq),
    status: f.status as ProposalStatus,
    likes: Number(f.likes),
    ...(f.rejectReason !== undefined && { rejectReason: f.rejectReason }),
  };
}
