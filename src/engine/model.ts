/**
 * The engine's view of a campaign: the campaign file after validation and resolution
 * (every category carries its effective rules and its phase windows as UTC epoch
 * milliseconds). `src/config` builds it from a file; the engine never reads files.
 */

/** Where a fan acts from. `local` is the terminal chat; `system` is the scheduler. */
export type Platform = 'discord' | 'telegram' | 'local';

export type Locale = 'fr' | 'en';

/** A campaign role; a manager may do everything a curator may. */
export type Role = 'fan' | 'curator' | 'manager';

/**
 * The lifecycle of one category. `pending` before its first phase opens; `reveal` is final
 * (the vote is closed and results are, or are being, published).
 */
export type Phase = 'pending' | 'propose' | 'shortlist' | 'vote' | 'reveal';

/** A phase that has a window in the schedule. */
export type TimedPhase = 'propose' | 'shortlist' | 'vote';

export interface PhaseWindow {
  readonly phase: TimedPhase;
  /** Inclusive start, UTC epoch ms. */
  readonly start: number;
  /** Exclusive end, UTC epoch ms: the next phase (or the reveal) starts here. */
  readonly end: number;
}

export interface ProposalRules {
  readonly minLength: number;
  readonly maxLength: number;
  /** Active (not withdrawn) proposals one fan may have in one category. */
  readonly perFan: number;
}

export type ShortlistRule =
  | { readonly by: 'curators'; readonly size: number }
  | { readonly by: 'likes'; readonly size: number }
  | { readonly by: 'threshold'; readonly likes: number; readonly size?: number };

/** `liveCounts`: ballot counts are shown while the vote runs (absent or false: hidden until the reveal). */
export type VoteRule =
  | { readonly method: 'single'; readonly allowChange: boolean; readonly liveCounts?: boolean }
  | { readonly method: 'approval'; readonly maxChoices: number; readonly allowChange: boolean; readonly liveCounts?: boolean }
  | { readonly method: 'ranked'; readonly maxRanks?: number; readonly allowChange: boolean; readonly liveCounts?: boolean };

export type TieBreak = 'earliest' | 'curators' | 'seeded';

export interface RevealRule {
  readonly winners: number;
  readonly tieBreak: TieBreak;
  /** Seed for `tieBreak: seeded`; defaults to `campaignId/categoryId`. */
  readonly seed?: string;
}

export interface CategorySpec {
  readonly id: string;
  readonly title: string;
  readonly prompt?: string;
  /** Fixed options: the category skips propose and shortlist and votes among these. */
  readonly options?: readonly string[];
  /** The timed phases of this category, in order, each ending where the next starts. */
  readonly phases: readonly PhaseWindow[];
  /** When the vote closes and the reveal happens (= end of the last window). */
  readonly revealAt: number;
  readonly proposals: ProposalRules;
  readonly shortlist: ShortlistRule;
  readonly vote: VoteRule;
  readonly reveal: RevealRule;
}

export interface DiscordChannelRef { readonly guild: string; readonly channel: string }
export interface TelegramChatRef { readonly chat: string }

export interface ChannelsSpec {
  readonly discord: readonly DiscordChannelRef[];
  readonly telegram: readonly TelegramChatRef[];
}

/** Platform identities (Discord role ids, Telegram user ids) that grant a campaign role. */
export interface RoleGrants {
  readonly discord: readonly string[];
  readonly telegram: readonly string[];
}

export interface RolesSpec {
  readonly curators: RoleGrants;
  readonly managers: RoleGrants;
}

export interface CampaignSpec {
  readonly id: string;
  readonly title: string;
  readonly locale: Locale;
  readonly channels: ChannelsSpec;
  readonly roles: RolesSpec;
  readonly categories: readonly CategorySpec[];
}

/**
 * Who acts. `id` is `platform:userId` (the fan's identity, DESIGN invariant 10).
 * `memberRoleIds` are the platform's role ids the member holds (Discord); the engine maps
 * them and the user id to campaign roles. `grantedRoles` is honoured only for the `local`
 * platform (the terminal operator plays every role) and for the system actor.
 */
export interface Actor {
  readonly platform: Platform | 'system';
  readonly userId: string;
  readonly displayName: string;
  readonly memberRoleIds?: readonly string[];
  readonly grantedRoles?: readonly Role[];
}

/** The scheduler and the CLI act as this actor. */
export const SYSTEM_ACTOR: Actor = { platform: 'system', userId: 'scheduler', displayName: 'cocreate', grantedRoles: ['manager'] };

/** `platform:userId`, the key of a fan everywhere in the store. */
export function fanKey(actor: Pick<Actor, 'platform' | 'userId'>): string {
  return `${actor.platform}:${actor.userId}`;
}
