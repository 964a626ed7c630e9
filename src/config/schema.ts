/**
 * The campaign file, the brands' public contract (DESIGN "The campaign file"). This zod
 * schema is the one description of its shape: every type of the file is inferred from it.
 * Objects are strict, so a misspelt key is an error rather than a silently ignored line.
 * Rules that tie several keys together (phase order, sizes against winners…) live in
 * `plan.ts`; this file checks each value on its own.
 */
import { z } from 'zod';
import { normalizeForDuplicate } from '../engine/text';
import { parseDuration, parseInstant, type Parsed } from './iso';
import type { DurationKind } from '../model/time-bounds';

/** Campaign and category ids: safe inside a Redis hash tag `{id}` and in chat commands. */
export const ID_PATTERN = /^[a-z0-9-]+$/;
export const ID_MAX_LENGTH = 64;
/** Longest proposal a campaign may allow. */
export const MAX_PROPOSAL_LENGTH = 1000;
/** Most candidates in one vote: a Discord select menu shows at most 25 choices. */
export const MAX_CANDIDATES = 25;
/**
 * Most categories in one campaign. Real campaigns have a handful (Crunch: seven; a city's
 * budget: one per district); the limit keeps validation, `simulate` and every reveal fast.
 */
export const MAX_CATEGORIES = 500;

const DISCORD_ID = /^\d{1,20}$/;
const TELEGRAM_USER = /^(\d{1,20}|admins)$/;
const TELEGRAM_CHAT = /^-?\d{1,20}$/;

/** A string schema that adds one plain-English issue when `problem` names one. */
function checkedString(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

function fromParsed<T>(parse: (text: string) => Parsed<T>) {
  return checkedString((text) => {
    const parsed = parse(text);
    return parsed.ok ? undefined : parsed.message;
  });
}

function idProblem(value: string): string | undefined {
  if (value.length > ID_MAX_LENGTH) {
    return `expected an id of at most ${ID_MAX_LENGTH} characters, found ${value.length} characters`;
  }
  if (!ID_PATTERN.test(value)) {
    return `expected an id made of lowercase letters a-z, digits and hyphens, such as "cult-line"; found ${JSON.stringify(value)}`;
  }
  return undefined;
}

function text(max: number) {
  return checkedString((value) => {
    if (value.trim() === '') return 'expected some text, found an empty text';
    if (value.length > max) return `expected at most ${max} characters, found ${value.length}`;
    return undefined;
  });
}

function platformId(pattern: RegExp, expected: string) {
  return checkedString((value) => (pattern.test(value) ? undefined : `expected ${expected}; found ${JSON.stringify(value)}`));
}

const id = checkedString(idProblem);
const instant = fromParsed(parseInstant);
/** An ISO 8601 duration within the bounds of its kind (src/model/time-bounds.ts). */
const durationOf = (kind: DurationKind) => fromParsed((text) => parseDuration(text, kind));
const duration = durationOf('phase');
const discordId = platformId(DISCORD_ID, 'a Discord id (digits only, in quotes), such as "123456789012345678"');
/** A Telegram user id, or `admins`: every administrator of the campaign's Telegram chats. */
const telegramUser = platformId(TELEGRAM_USER, 'a Telegram user id (digits only, in quotes), such as "123456789", or "admins" for the administrators of the chat');
const telegramChat = platformId(TELEGRAM_CHAT, 'a Telegram chat id (digits, negative for groups and channels, in quotes), such as "-1001234567890"');

const channelsSchema = z.strictObject({
  discord: z.array(z.strictObject({ guild: discordId, channel: discordId })).default([]),
  telegram: z.array(z.strictObject({ chat: telegramChat })).default([]),
});

const roleGrantsSchema = z.strictObject({
  discord: z.array(discordId).default([]),
  telegram: z.array(telegramUser).default([]),
});

const rolesSchema = z.strictObject({
  curators: roleGrantsSchema.prefault({}),
  managers: roleGrantsSchema.prefault({}),
});

const phaseSchema = z.strictObject({ start: instant.optional(), duration: duration.optional() });

export const scheduleSchema = z.strictObject({
  propose: phaseSchema.optional(),
  shortlist: phaseSchema.optional(),
  vote: phaseSchema.optional(),
  reveal: z.strictObject({ start: instant.optional() }).optional(),
});

const length = z.int().min(1).max(MAX_PROPOSAL_LENGTH);

export const proposalsSchema = z
  .strictObject({
    minLength: length.default(3),
    maxLength: length.default(280),
    perFan: z.int().min(1).max(100).default(3),
    /** Issue 7: most proposals the category accepts in all (anti-spam cap). */
    maxTotal: z.int().min(1).max(1_000_000).optional(),
  })
  .superRefine((rules, ctx) => {
    if (rules.minLength > rules.maxLength) {
      ctx.addIssue({
        code: 'custom',
        path: ['minLength'],
        message: `minLength is ${rules.minLength} but maxLength is ${rules.maxLength}: no proposal could be long enough and short enough at once`,
      });
    }
  });

const size = z.int().min(1).max(MAX_CANDIDATES);

export const shortlistSchema = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('curators'), size }),
  z.strictObject({ by: z.literal('likes'), size }),
  z.strictObject({ by: z.literal('threshold'), likes: z.int().min(1), size: size.optional() }),
]);

const allowChange = z.boolean().default(true);
const choices = z.int().min(1).max(MAX_CANDIDATES);
/** Results are hidden until the vote closes unless the campaign opts into live counts. */
const liveCounts = z.boolean().default(false);

export const voteSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('single'), allowChange, liveCounts }),
  z.strictObject({ method: z.literal('approval'), maxChoices: choices, allowChange, liveCounts }),
  z.strictObject({ method: z.literal('ranked'), maxRanks: choices.optional(), allowChange, liveCounts }),
]);

export const revealSchema = z
  .strictObject({
    winners: z.int().min(1).max(MAX_CANDIDATES).default(1),
    tieBreak: z.enum(['earliest', 'curators', 'seeded']).default('earliest'),
    seed: text(200).optional(),
    mentionAuthors: z.boolean().optional(),
  })
  .superRefine((rules, ctx) => {
    if (rules.seed !== undefined && rules.tieBreak !== 'seeded') {
      ctx.addIssue({
        code: 'custom',
        path: ['seed'],
        message: `a seed is used only with \`tieBreak: seeded\`, but tieBreak is ${rules.tieBreak}: remove \`seed\` or set \`tieBreak: seeded\``,
      });
    }
  });

const optionsSchema = z
  .array(text(200))
  .min(2)
  .max(MAX_CANDIDATES)
  .superRefine((options, ctx) => {
    const seen = new Map<string, number>();
    options.forEach((option, index) => {
      const key = normalizeForDuplicate(option);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else ctx.addIssue({ code: 'custom', path: [index], message: `the same option as entry ${first} (${JSON.stringify(options[first])}); options must differ` });
    });
  });

export const categorySchema = z.strictObject({
  id,
  title: text(200),
  prompt: text(1000).optional(),
  options: optionsSchema.optional(),
  proposals: proposalsSchema.optional(),
  shortlist: shortlistSchema.optional(),
  vote: voteSchema.optional(),
  reveal: revealSchema.optional(),
  schedule: scheduleSchema.optional(),
});

const COLOR = /^#[0-9a-fA-F]{6}$/;
const color = checkedString((value) => (COLOR.test(value) ? undefined : `expected a colour written "#rrggbb", such as "#e4002b"; found ${JSON.stringify(value)}`));

/** The colours of the results picture (a bar chart per category, posted at reveal). */
export const colorsSchema = z.strictObject({
  background: color.default('#ffffff'),
  text: color.default('#1f2328'),
  bar: color.default('#9aa4b2'),
  winner: color.default('#e4002b'),
});

/** The reminders posted before a phase closes, unless the file declares its own. */
export const DEFAULT_REMINDERS = [{ phase: 'propose', before: 'PT24H' }, { phase: 'vote', before: 'PT24H' }] as const;

const reminderSchema = z.strictObject({
  phase: z.enum(['propose', 'shortlist', 'vote']),
  before: durationOf('reminder'),
});

export const remindersSchema = z
  .array(reminderSchema)
  .max(10)
  .superRefine((reminders, ctx) => {
    const seen = new Map<string, number>();
    reminders.forEach((r, index) => {
      const parsed = parseDuration(r.before, 'reminder');
      const key = `${r.phase}/${parsed.ok ? parsed.value.toMillis() : r.before}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else ctx.addIssue({ code: 'custom', path: [index], message: `the same reminder as entry ${first} (${r.phase}, ${r.before} before); remove one` });
    });
  });
// ---------------------------------------------------------------- trust and fairness (issue 7)

/** Discord user ids and Telegram user ids (no `admins` here: a list of people). */
const userListsSchema = z.strictObject({
  discord: z.array(discordId).default([]),
  telegram: z.array(platformId(/^\d{1,20}$/, 'a Telegram user id (digits only, in quotes), such as "123456789"')).default([]),
});

const eligibilityRules = {
  minAccountAge: durationOf('age').optional(),
  minMemberAge: durationOf('age').optional(),
  requireRoles: roleGrantsSchema.optional(),
  excludeRoles: roleGrantsSchema.optional(),
  excludeUsers: userListsSchema.optional(),
  unknown: z.enum(['allow', 'refuse']).optional(),
};

/** Who may take part; `propose` and `vote` replace keys of the campaign-wide rules for that phase. */
export const eligibilitySchema = z.strictObject({
  ...eligibilityRules,
  propose: z.strictObject(eligibilityRules).optional(),
  vote: z.strictObject(eligibilityRules).optional(),
});

const rateSchema = z.strictObject({ max: z.int().min(1).max(10_000), per: durationOf('window') });

/** Per-fan sliding windows. */
export const limitsSchema = z.strictObject({ proposals: rateSchema.optional(), likes: rateSchema.optional() });

/**
 * The whole campaign file. Parsing applies the defaults; it checks each value on its own,
 * not the rules between keys (use `validateCampaign` for everything).
 */
export const campaignFileSchema = z.strictObject({
  id,
  title: text(200),
  locale: z.enum(['fr', 'en']),
  channels: channelsSchema.prefault({}),
  roles: rolesSchema.prefault({}),
  schedule: scheduleSchema.prefault({}),
  proposals: proposalsSchema.prefault({}),
  shortlist: shortlistSchema.optional(),
  vote: voteSchema.prefault({ method: 'single' }),
  reveal: revealSchema.prefault({}),
  colors: colorsSchema.prefault({}),
  reminders: remindersSchema.default(DEFAULT_REMINDERS.map((r) => ({ ...r }))),
  eligibility: eligibilitySchema.optional(),
  limits: limitsSchema.optional(),
  retention: durationOf('retention').optional(),
  /** Fans' `http(s)://` links stay links (without previews); false: no fan text can form a link. */
  allowLinks: z.boolean().default(false),
  categories: z.array(categorySchema).min(1).max(MAX_CATEGORIES),
});

/** A campaign file after parsing: defaults applied, nothing resolved yet. */
export type CampaignFile = z.infer<typeof campaignFileSchema>;
/** What an author may write (defaults may be left out). */
export type CampaignFileInput = z.input<typeof campaignFileSchema>;
export type CategoryFile = z.infer<typeof categorySchema>;
export type ScheduleFile = z.infer<typeof scheduleSchema>;
export type ProposalsFile = z.infer<typeof proposalsSchema>;
export type ShortlistFile = z.infer<typeof shortlistSchema>;
export type VoteFile = z.infer<typeof voteSchema>;
export type RevealFile = z.infer<typeof revealSchema>;
export type ColorsFile = z.infer<typeof colorsSchema>;
export type ReminderFile = z.infer<typeof reminderSchema>;
