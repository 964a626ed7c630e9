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
  /** Most proposals the category accepts in all (withdrawn ones included); absent: no cap. */
  readonly maxTotal?: number;
}

/** The proposal rules of a campaign file that leaves keys of `proposals` out. */
export const DEFAULT_PROPOSAL_RULES = { minLength: 3, maxLength: 280, perFan: 3 } as const satisfies ProposalRules;

export type ShortlistRule =
  | { readonly by: 'curators'; readonly size: number }
  | { readonly by: 'likes'; readonly size: number }
  | { readonly by: 'threshold'; readonly likes: number; readonly size?: number };

/** `liveCounts`: ballot counts are shown while the vote runs (absent or false: hidden until the reveal). */
export type VoteRule =
  | { readonly method: 'single'; readonly allowChange: boolean; readonly liveCounts?: boolean }
  | { readonly method: 'approval'; readonly maxChoices: number; readonly allowChange: boolean; readonly liveCounts?: boolean }
  | { readonly method: 'ranked'; readonly maxRanks?: number; readonly allowChange: boolean; readonly liveCounts?: boolean };

/**
 * The vote of a campaign file without `vote`; `allowChange` and `liveCounts` are also the
 * defaults of every other method.
 */
export const DEFAULT_VOTE_RULE = { method: 'single', allowChange: true, liveCounts: false } as const satisfies VoteRule;

export type TieBreak = 'earliest' | 'curators' | 'seeded';

export interface RevealRule {
  readonly winners: number;
  readonly tieBreak: TieBreak;
  /** Seed for `tieBreak: seeded`; defaults to `campaignId/categoryId`. */
  readonly seed?: string;
  /**
   * Whether the reveal mentions each winning author on their own platform (a Discord user
   * mention, a Telegram `tg://user` link), which notifies them; otherwise only their name.
   */
  readonly mentionAuthors?: boolean;
}

/** The reveal of a campaign file that leaves keys of `reveal` out. */
export const DEFAULT_REVEAL_RULE = { winners: 1, tieBreak: 'earliest', mentionAuthors: false } as const satisfies RevealRule;

/** The tie-break seed of a category whose `reveal` names none: `campaignId/categoryId`. */
export function defaultSeed(campaignId: string, categoryId: string): string {
  return `${campaignId}/${categoryId}`;
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

// Built once per list of categories: every command, job and rendered event looks a category
// up by id, and a scan of the list made a whole campaign cost the square of its categories.
const categoryIndexes = new WeakMap<readonly CategorySpec[], ReadonlyMap<string, CategorySpec>>();

/**
 * The category `id` of the campaign, or undefined when it declares none. Constant time: the
 * index is built on the first look-up of a campaign's category list and kept with the list.
 */
export function categoryById(campaign: Pick<CampaignSpec, 'categories'>, id: string): CategorySpec | undefined {
  let index = categoryIndexes.get(campaign.categories);
  if (index === undefined) {
    index = new Map(campaign.categories.map((c) => [c.id, c]));
    categoryIndexes.set(campaign.categories, index);
  }
  return index.get(id);
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
  /** The colours of the results picture; the defaults of `DEFAULT_COLORS` when absent. */
  readonly colors?: ChartColors;
  /** Reminders before phases close; `DEFAULT_REMINDERS` when absent, none when empty. */
  readonly reminders?: readonly ReminderSpec[];
  /** Eligibility, anti-spam limits and data retention; absent: none. */
  readonly trust?: TrustSpec;
  /**
   * Whether fans' text may hold links (`http(s)://…` URLs), always shown without a preview.
   * Absent or false, the default: no fan text can form a link on any platform.
   */
  readonly allowLinks?: boolean;
}

/** `#rrggbb` colours of the results picture. */
export interface ChartColors {
  readonly background: string;
  readonly text: string;
  readonly bar: string;
  readonly winner: string;
}

export const DEFAULT_COLORS: ChartColors = { background: '#ffffff', text: '#1f2328', bar: '#9aa4b2', winner: '#e4002b' };

/** One reminder: posted `beforeMs` before `phase` closes, once per channel. */
export interface ReminderSpec {
  readonly phase: TimedPhase;
  readonly beforeMs: number;
}

/** How long before a deadline a reminder goes out when the campaign does not say: 24 hours. */
export const DEFAULT_REMINDER_BEFORE_MS = 24 * 60 * 60 * 1000;

/** Without a `reminders` key: a day before proposals close and before the vote closes. */
export const DEFAULT_REMINDERS: readonly ReminderSpec[] = [
  { phase: 'propose', beforeMs: DEFAULT_REMINDER_BEFORE_MS },
  { phase: 'vote', beforeMs: DEFAULT_REMINDER_BEFORE_MS },
];

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
  /** Platform facts for eligibility (account age, time in the guild); absent = unknown. */
  readonly facts?: ActorFacts;
}

/** The scheduler and the CLI act as this actor. */
export const SYSTEM_ACTOR: Actor = { platform: 'system', userId: 'scheduler', displayName: 'cocreate', grantedRoles: ['manager'] };

/** `platform:userId`, the key of a fan everywhere in the store. */
export function fanKey(actor: Pick<Actor, 'platform' | 'userId'>): string {
  return `${actor.platform}:${actor.userId}`;
}

// ---------------------------------------------------------------- trust and fairness

/**
 * Who may take part in one phase. Every list is per platform, like `RoleGrants`;
 * a platform with an empty list has no requirement. Durations are milliseconds.
 */
export interface EligibilityRules {
  /** Least age of the fan's account (Discord: from the user id's snowflake time). */
  readonly minAccountAgeMs?: number;
  /** Least time since the fan joined the guild or group (Discord: the member's `joined_at`). */
  readonly minMemberAgeMs?: number;
  /** The fan must hold at least one of these roles (Discord role ids; Telegram: `admins`). */
  readonly requireRoles: RoleGrants;
  /** A fan holding any of these roles is refused. */
  readonly excludeRoles: RoleGrants;
  /** These user ids are refused. */
  readonly excludeUsers: RoleGrants;
  /** What happens when the platform cannot tell an age a rule needs (Telegram, the local chat). */
  readonly unknown: 'allow' | 'refuse';
}

/**
 * Eligibility keys a campaign file leaves out: no role or user list, and a fan whose age the
 * platform cannot tell may take part (so that a rule written for Discord does not lock
 * Telegram fans out).
 */
export const DEFAULT_ELIGIBILITY = {
  requireRoles: { discord: [], telegram: [] },
  excludeRoles: { discord: [], telegram: [] },
  excludeUsers: { discord: [], telegram: [] },
  unknown: 'allow',
} as const satisfies Omit<EligibilityRules, 'minAccountAgeMs' | 'minMemberAgeMs'>;

/** A per-fan sliding-window limit: at most `max` actions in any `perMs` window. */
export interface RateLimit {
  readonly max: number;
  readonly perMs: number;
}

/** The trust settings of a campaign; absent keys mean no rule. */
export interface TrustSpec {
  /** Eligibility per phase: `propose` covers proposing, editing and liking; `vote` covers ballots. */
  readonly eligibility?: { readonly propose: EligibilityRules; readonly vote: EligibilityRules };
  readonly limits?: { readonly proposals?: RateLimit; readonly likes?: RateLimit };
  /** How long after a category's reveal its raw fan data is kept, in ms. */
  readonly retentionMs?: number;
}

/**
 * Facts about a fan that only the platform knows, supplied by the adapter with each command.
 * Absent means unknown (the platform does not say, or the adapter could not ask).
 */
export interface ActorFacts {
  /** When the platform account was created (UTC ms). */
  readonly accountCreatedAt?: number;
  /** When the fan joined the guild or group the command came from (UTC ms). */
  readonly memberSince?: number;
}
