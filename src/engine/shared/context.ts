/**
 * What every handler and shared check reads: the engine's ports, its campaigns and the few
 * caches one process keeps. Built once per `Engine`, never per command (the ballot path
 * allocates nothing for it).
 */
import type { DurabilityStatus } from '../../model/durability';
import type { CampaignSpec } from '../../model/campaign';
import type { Proposal } from '../../model/records';
import type { BanEntry, CampaignStore } from '../../ports/campaign-store';
import type { Outbox } from '../../ports/outbox';
import type { PhaseScheduler } from '../../ports/phase-scheduler';
import type { Clock } from '../../ports/clock';

/** What an engine runs on: its campaigns, its ports, and the hooks it reports through. */
export interface EngineDeps {
  readonly campaigns: readonly CampaignSpec[];
  readonly store: CampaignStore;
  readonly scheduler: PhaseScheduler;
  readonly outbox: Outbox;
  readonly clock: Clock;
  /**
   * Called with anything thrown while serving a command or a job (a store that could not
   * confirm, or a bug). The fan is answered `store.unavailable`; nothing was acknowledged.
   */
  readonly onError?: (error: unknown, context: string) => void;
  /**
   * Called once a ban, an unban or an erasure is durable: the hook for an audit log.
   * It carries no fan data beyond the key acted upon; it may reject (the command still succeeded).
   */
  readonly onModeration?: (entry: ModerationEntry) => void | Promise<void>;
  /** What an acknowledgement means for the store and whether acknowledged data can be lost: shown to managers in /status. */
  readonly durability?: () => DurabilityStatus;
}

/** A curator's or manager's action on a fan, or a fan's own erasure (see `EngineDeps.onModeration`). */
export interface ModerationEntry {
  readonly kind: 'ban' | 'unban' | 'erase';
  readonly campaignId: string;
  /** The fan acted upon (`platform:userId`). */
  readonly fan: string;
  /** Who acted (`platform:userId`); the fan themself for /forgetme. */
  readonly by: string;
  readonly reason?: string;
  /** UTC ms. */
  readonly at: number;
}

/** One engine's ports, campaigns and per-process caches, shared by its handlers. */
export interface EngineContext {
  readonly deps: EngineDeps;
  readonly campaigns: ReadonlyMap<string, CampaignSpec>;
  /** Each campaign's ban list as last read, and when (see `BAN_CACHE_MS`). */
  readonly banCache: Map<string, { readonly at: number; readonly bans: ReadonlyMap<string, BanEntry> }>;
  /** Shortlists of categories whose vote is open, keyed `campaign/category`: frozen from then on, so safe to keep. */
  readonly frozenShortlists: Map<string, ReadonlyMap<string, Proposal>>;
  /** Seals under way (see `sealLater` in the phase machine). */
  readonly sealing: Set<Promise<void>>;
}

/** The context of a new engine over `deps`: its campaigns by id and empty caches. */
export function createContext(deps: EngineDeps): EngineContext {
  return {
    deps,
    campaigns: new Map(deps.campaigns.map((c) => [c.id, c])),
    banCache: new Map(),
    frozenShortlists: new Map(),
    sealing: new Set(),
  };
}

/**
 * The campaign `id` for the engine's own tools (reports, manifests, audit): throws on an
 * unknown id, which is a caller's bug there, not a fan's refusal.
 */
export function requireCampaign(ctx: EngineContext, id: string): CampaignSpec {
  const campaign = ctx.campaigns.get(id);
  if (!campaign) throw new Error(`unknown campaign ${id}`);
  return campaign;
}
