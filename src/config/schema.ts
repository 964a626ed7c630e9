/**
 * The campaign file, the brands' public contract (DESIGN "The campaign file"). This zod
 * schema is the one description of its shape: every type of the file is inferred from it,
 * and its descriptions (`.describe()`, `.meta()`) are the key-by-key reference:
 * `npm run docs` writes docs/campaign-file.md from them (scripts/campaign-docs.ts), and a test
 * fails when that file is not current. A description's first paragraph is its key's meaning in
 * a table, the rest the text of its section; `title` names a kind of text (`Discord id`);
 * `examples` are shown as YAML.
 * Objects are strict, so a misspelt key is an error rather than a silently ignored line.
 * Rules that tie several keys together (phase order, sizes against winners…) live in
 * `plan.ts`; this file checks each value on its own.
 */
import { z } from 'zod';
import { normalizeForDuplicate } from '../engine/text';
import { DEFAULT_COLORS, DEFAULT_ELIGIBILITY, DEFAULT_PROPOSAL_RULES, DEFAULT_REMINDERS, DEFAULT_REVEAL_RULE, DEFAULT_VOTE_RULE } from '../model/campaign';
import { isoDurationOf, parseDuration, parseInstant, type Parsed } from './iso';
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
const TELEGRAM_PERSON = /^\d{1,20}$/;
const TELEGRAM_CHAT = /^-?\d{1,20}$/;
const COLOR = /^#[0-9a-fA-F]{6}$/;

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

/** Text that is not blank, of at most `max` characters. */
function text(max: number) {
  return checkedString((value) => {
    if (value.trim() === '') return 'expected some text, found an empty text';
    if (value.length > max) return `expected at most ${max} characters, found ${value.length}`;
    return undefined;
  }).meta({ title: 'text', minLength: 1, maxLength: max });
}

/** A platform id; `kind` is how the reference and editors name it. */
function platformId(pattern: RegExp, kind: string, expected: string) {
  return checkedString((value) => (pattern.test(value) ? undefined : `expected ${expected}; found ${JSON.stringify(value)}`)).meta({ title: kind, pattern: pattern.source });
}

const id = checkedString(idProblem).meta({ title: 'id', pattern: ID_PATTERN.source, maxLength: ID_MAX_LENGTH });
/** An ISO 8601 instant with its offset (JSON Schema's `date-time`). */
const instant = fromParsed(parseInstant).meta({ title: 'instant', format: 'date-time' });
/**
 * A strictly positive ISO 8601 duration (JSON Schema's `duration`) within the bounds of its
 * kind (DURATION_BOUNDS in src/model/time-bounds.ts).
 */
const durationOf = (kind: DurationKind) => fromParsed((text) => parseDuration(text, kind)).meta({ title: 'duration', format: 'duration' });
const duration = durationOf('phase');
const discordId = platformId(DISCORD_ID, 'Discord id', 'a Discord id (digits only, in quotes), such as "123456789012345678"');
/** A Telegram user id, or `admins`: every administrator of the campaign's Telegram chats. */
const telegramUser = platformId(TELEGRAM_USER, 'Telegram user id or `admins`', 'a Telegram user id (digits only, in quotes), such as "123456789", or "admins" for the administrators of the chat');
const telegramChat = platformId(TELEGRAM_CHAT, 'Telegram chat id', 'a Telegram chat id (digits, negative for groups and channels, in quotes), such as "-1001234567890"');

const channelsSchema = z.strictObject({
  discord: z
    .array(
      z.strictObject({
        guild: discordId.describe('The server (guild) id, in quotes.'),
        channel: discordId.describe('The channel id, in quotes.'),
      }),
    )
    .default([])
    .describe('Discord channels where the campaign lives: each entry names a server and one of its channels.'),
  telegram: z
    .array(z.strictObject({ chat: telegramChat.describe('The chat id, in quotes: negative for groups and channels, such as `"-1001234567890"`.') }))
    .default([])
    .describe('Telegram groups or channels where the campaign lives.'),
});

const roleGrantsSchema = z.strictObject({
  discord: z.array(discordId).default([]).describe('Discord role ids, or user ids, whose members hold the role.'),
  telegram: z.array(telegramUser).default([]).describe('Telegram user ids (digits, in quotes) holding the role; `"admins"` stands for every administrator of the campaign\'s Telegram chats.'),
});

const rolesSchema = z.strictObject({
  curators: roleGrantsSchema.prefault({}).describe('Who curates: picks the shortlist, rejects ideas, breaks ties, bans fans.'),
  managers: roleGrantsSchema.prefault({}).describe('Who manages: everything a curator may do, and pause, resume, extend or advance phases, export and erase fans\' data.'),
});

const phaseSchema = z.strictObject({
  start: instant.optional().describe('When the phase starts, an instant with its offset. Needed by the first phase; any other starts when the previous one ends, unless it has its own `start`.'),
  duration: duration.optional().describe('How long the phase lasts. Needed unless the next phase has a `start` (the phase then ends there).'),
});

export const scheduleSchema = z.strictObject({
  propose: phaseSchema.optional().describe('When fans propose ideas (and like them).'),
  shortlist: phaseSchema.optional().describe('When the shortlist is made (curators pick, or adjust a list made by likes).'),
  vote: phaseSchema.optional().describe('When fans vote. Every category needs one.'),
  reveal: z
    .strictObject({ start: instant.optional().describe('When the winners are announced: exactly the end of the vote, or in place of the vote\'s `duration`.') })
    .optional()
    .describe('When the winners are announced; by default, when the vote ends.'),
});

const length = z.int().min(1).max(MAX_PROPOSAL_LENGTH);

export const proposalsSchema = z
  .strictObject({
    minLength: length.default(DEFAULT_PROPOSAL_RULES.minLength).describe('Shortest idea, in characters (an emoji counts as one).'),
    maxLength: length.default(DEFAULT_PROPOSAL_RULES.maxLength).describe('Longest idea, in characters. Must not be below `minLength`.'),
    perFan: z
      .int()
      .min(1)
      .max(100)
      .default(DEFAULT_PROPOSAL_RULES.perFan)
      .describe('How many ideas one fan may have in one category at a time (withdrawn ideas do not count).'),
    maxTotal: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe('The most ideas the category accepts in all, from every fan (withdrawn and rejected ones count: the cap bounds what the campaign receives). Beyond it fans are told the category is full. Absent: no cap.'),
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

const size = z
  .int()
  .min(1)
  .max(MAX_CANDIDATES)
  .describe('How many ideas go to the vote, at most (a Discord vote menu shows at most 25 choices). Must be at least `reveal.winners`.');
const by = 'How the ideas that go to the vote are chosen.';

export const shortlistSchema = z.discriminatedUnion('by', [
  z.strictObject({ by: z.literal('curators').describe(by), size }).describe('Curators pick up to `size` ideas during the shortlist phase. Needs a `shortlist` phase.'),
  z.strictObject({ by: z.literal('likes').describe(by), size }).describe('The `size` most liked ideas go to the vote.'),
  z
    .strictObject({
      by: z.literal('threshold').describe(by),
      likes: z.int().min(1).describe('The likes an idea needs to go to the vote.'),
      size: size.optional(),
    })
    .describe('Every idea with at least `likes` likes goes to the vote; with `size`, the `size` most liked of them at most.'),
]);

const method = 'How fans vote.';
const allowChange = z.boolean().default(DEFAULT_VOTE_RULE.allowChange).describe('Whether a fan may change their ballot until the vote closes.');
const choices = z.int().min(1).max(MAX_CANDIDATES);
/** Results are hidden until the vote closes unless the campaign opts into live counts. */
const liveCounts = z
  .boolean()
  .default(DEFAULT_VOTE_RULE.liveCounts)
  .describe('Whether ballot counts are shown while the vote runs. Off, results are hidden until the vote closes: `/status` says "hidden until the vote closes", `cocreate results` gives `ballots: null`, and exports, ballots and announcements carry no count before the reveal.');

export const voteSchema = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('single').describe(method), allowChange, liveCounts }).describe('Each fan chooses one idea.'),
  z
    .strictObject({
      method: z.literal('approval').describe(method),
      maxChoices: choices.describe('How many ideas one fan may approve, at most the number of candidates (`shortlist.size` or the number of `options`).'),
      allowChange,
      liveCounts,
    })
    .describe('Each fan approves up to `maxChoices` ideas; each approval counts one vote.'),
  z
    .strictObject({
      method: z.literal('ranked').describe(method),
      maxRanks: choices.optional().describe('How many ideas one fan may rank, at most the number of candidates. Absent: every candidate.'),
      allowChange,
      liveCounts,
    })
    .describe('Each fan ranks ideas, up to `maxRanks` of them.'),
]);

export const revealSchema = z
  .strictObject({
    winners: z
      .int()
      .min(1)
      .max(MAX_CANDIDATES)
      .default(DEFAULT_REVEAL_RULE.winners)
      .describe('How many ideas win. At most `shortlist.size`, or the number of `options`.'),
    tieBreak: z
      .enum(['earliest', 'curators', 'seeded'])
      .default(DEFAULT_REVEAL_RULE.tieBreak)
      .describe('How a tie is broken: `earliest`, the idea proposed first wins; `curators`, a curator picks among the tied ideas; `seeded`, a reproducible draw.'),
    seed: text(200)
      .optional()
      .describe('The seed of the draw, only with `tieBreak: seeded`. The same seed always gives the same draw, so anyone can check it. Absent: the campaign and category ids (`campaign-id/category-id`).'),
    mentionAuthors: z
      .boolean()
      .optional()
      .meta({
        default: DEFAULT_REVEAL_RULE.mentionAuthors,
        description: 'Whether the results announcement mentions each winning author on the platform they proposed from (a Discord user mention, a Telegram `tg://user` link), which notifies them. Off, authors are credited by name only. Nobody else is ever mentioned: no `@everyone`, no role, no other fan; on the other platform the author is a plain name.',
      }),
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
  .array(text(200).describe('One option, as fans see it.'))
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
  id: id.describe('The category\'s identifier: lowercase letters, digits and hyphens; unique within the campaign. Used in commands.'),
  title: text(200).describe('The category\'s name, as the bot shows it.'),
  prompt: text(1000).optional().describe('The question asked to fans.'),
  options: optionsSchema
    .optional()
    .describe('Fixed options: fans only vote among them; there is no propose and no shortlist. Each different (case, accents and punctuation do not make two options different).'),
  proposals: proposalsSchema.optional().describe('Replaces the campaign\'s `proposals` for this category. Not allowed with `options`.'),
  shortlist: shortlistSchema.optional().describe('Replaces the campaign\'s `shortlist`. Not allowed with `options`.'),
  vote: voteSchema.optional().describe('Replaces the campaign\'s `vote`.'),
  reveal: revealSchema.optional().describe('Replaces the campaign\'s `reveal`.'),
  schedule: scheduleSchema
    .optional()
    .describe('Replaces phases of the campaign\'s schedule, phase by phase. With `options`, only `vote` and `reveal` are allowed.'),
});

const color = checkedString((value) => (COLOR.test(value) ? undefined : `expected a colour written "#rrggbb", such as "#e4002b"; found ${JSON.stringify(value)}`)).meta({
  title: 'colour',
  pattern: COLOR.source,
});

/** The colours of the results picture (a bar chart per category, posted at reveal). */
export const colorsSchema = z.strictObject({
  background: color.default(DEFAULT_COLORS.background).describe('The picture\'s background.'),
  text: color.default(DEFAULT_COLORS.text).describe('Titles, labels and counts.'),
  bar: color.default(DEFAULT_COLORS.bar).describe('The bars of the candidates that did not win.'),
  winner: color.default(DEFAULT_COLORS.winner).describe('The winners\' bars and the line under the title.'),
});


const reminderSchema = z.strictObject({
  phase: z.enum(['propose', 'shortlist', 'vote']).describe('The phase whose end is announced (`shortlist` reminds the curators).'),
  before: durationOf('reminder').describe('How long before the phase closes (`PT24H`, `PT2H`, `P3D`; a month counts 30 days).'),
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
// ---------------------------------------------------------------- trust and fairness

/** Discord user ids and Telegram user ids (no `admins` here: a list of people). */
const userListsSchema = z.strictObject({
  discord: z.array(discordId).default([]).describe('Discord user ids.'),
  telegram: z.array(platformId(TELEGRAM_PERSON, 'Telegram user id', 'a Telegram user id (digits only, in quotes), such as "123456789"')).default([]).describe('Telegram user ids.'),
});

const eligibilityRoles = z.strictObject({
  discord: z.array(discordId).default([]).describe('Discord role ids.'),
  telegram: z.array(telegramUser).default([]).describe('On Telegram only `"admins"` (the group\'s administrators) is a role; user ids are accepted too.'),
});

const eligibilityRules = {
  minAccountAge: durationOf('age').optional().describe('The fan\'s account must be at least this old. Known on Discord only. Absent: no rule.'),
  minMemberAge: durationOf('age').optional().describe('The fan must have joined the server (guild) at least this long ago. Known on Discord only. Absent: no rule.'),
  requireRoles: eligibilityRoles.optional().describe('The fan must hold at least one of these roles. Absent: no rule.'),
  excludeRoles: eligibilityRoles.optional().describe('A fan holding any of these roles is refused. Absent: no rule.'),
  excludeUsers: userListsSchema.optional().describe('These user ids (digits, in quotes) are refused. Absent: no rule.'),
  unknown: z
    .enum(['allow', 'refuse'])
    .optional()
    .meta({
      default: DEFAULT_ELIGIBILITY.unknown,
      description: 'What happens when a rule needs an age the platform cannot tell (Telegram, the local chat): `allow` lets the fan take part, `refuse` refuses with a message saying why.',
    }),
};

/** Who may take part; `propose` and `vote` replace keys of the campaign-wide rules for that phase. */
export const eligibilitySchema = z.strictObject({
  ...eligibilityRules,
  propose: z.strictObject(eligibilityRules).optional().describe('Replaces keys of the rules above when fans propose, edit and like ideas, key by key.'),
  vote: z.strictObject(eligibilityRules).optional().describe('Replaces keys of the rules above when fans vote, key by key.'),
});

const rateSchema = z.strictObject({
  max: z.int().min(1).max(10_000).describe('How many actions one fan may take in any window of `per`.'),
  per: durationOf('window').describe('The length of the sliding window.'),
});

/** Per-fan sliding windows. */
export const limitsSchema = z.strictObject({
  proposals: rateSchema.optional().describe('At most `max` ideas proposed by one fan in any window of `per`, across the categories. Absent: no limit.'),
  likes: rateSchema.optional().describe('At most `max` likes and unlikes by one fan in any window of `per`. Absent: no limit.'),
});

/** Lines of a long description (markdown), joined. */
function lines(...text: string[]): string {
  return text.join('\n');
}

/**
 * The whole campaign file. Parsing applies the defaults; it checks each value on its own,
 * not the rules between keys (use `validateCampaign` for everything).
 */
export const campaignFileSchema = z.strictObject({
  id: id.describe('The campaign\'s identifier: lowercase letters `a-z`, digits and hyphens. Used in commands and in the database (inside every Redis key); do not change it once the campaign runs.'),
  title: text(200).describe('The campaign\'s name, as the bot shows it.'),
  locale: z.enum(['fr', 'en']).describe('The language of the bot\'s messages and announcements (every message exists in French and English).'),
  channels: channelsSchema.prefault({}).meta({
    description: lines(
      'Where the campaign lives: the chats where the bot posts and listens.',
      '',
      'A campaign may live on Discord and Telegram at once: there is one vote and one result for all channels. Without a bot token for a platform (see `.env.example`), its channels are not used and the bot runs in the local terminal chat.',
      '',
      'To find a Discord id, turn on *Developer mode* in Discord\'s settings, then right-click the server or channel and choose *Copy ID*. Ids are always written in quotes: without quotes, a long number loses its last digits.',
    ),
    examples: [{ discord: [{ guild: '100000000000000001', channel: '100000000000000002' }], telegram: [{ chat: '-1001000000001' }] }],
  }),
  roles: rolesSchema.prefault({}).meta({
    description: lines('Who may curate and who may manage; everyone else is a fan.', '', 'A manager may do everything a curator may. Everyone else is a fan.'),
    examples: [{ curators: { discord: ['100000000000000003'], telegram: ['100000001'] }, managers: { discord: ['100000000000000004'], telegram: ['100000002'] } }],
  }),
  schedule: scheduleSchema.prefault({}).meta({
    description: lines(
      'When each phase happens, for every category that does not declare its own.',
      '',
      '`start` is an instant and `duration` a duration (see [writing values](#writing-values)). Phases follow each other without gap and without overlap:',
      '',
      '- The **first** phase needs a `start`.',
      '- Every other phase starts when the previous one ends, unless it has its own `start`.',
      '- A phase needs a `duration`, unless the next phase has a `start` (it then ends there).',
      '- If a phase has a `start` **and** the previous phase has a `duration`, they must agree to the second. Otherwise the file is refused with both instants: omit `start` or `duration`.',
      '- `reveal.start`, if given, must be exactly the end of the vote (or replace the vote\'s `duration`).',
      '',
      'Which phases a category needs:',
      '',
      '- A category where fans propose (no `options`) needs `propose` and `vote`.',
      '- `shortlist` is needed when curators pick (`shortlist: { by: curators }`). With `by: likes` or `by: threshold` it is optional: with it, curators may still adjust the list during that phase (for example experts rejecting ideas that cannot be done); without it, the vote opens as soon as proposals close.',
      '- A category with `options` only has a vote. Its vote opens at the vote\'s `start` if one is given; otherwise at the same time as the campaign\'s vote, after the campaign\'s propose and shortlist.',
    ),
    examples: [
      {
        propose: { start: '2026-03-02T09:00:00+01:00', duration: 'P3W' },
        shortlist: {},
        vote: { start: '2026-04-01T09:00:00+02:00' },
        reveal: { start: '2026-04-15T20:00:00+02:00' },
      },
    ],
  }),
  proposals: proposalsSchema.prefault({}).meta({
    description: lines('Rules for fans\' ideas, for every category that does not declare its own.', '', 'A category\'s `proposals` replaces the campaign\'s entirely, then the defaults apply (see [categories](#categories)).'),
    examples: [{ minLength: 3, maxLength: 280, perFan: 3 }],
  }),
  shortlist: shortlistSchema.optional().meta({
    description: 'How ideas reach the vote. Required when a category without `options` does not declare its own.',
    examples: [{ by: 'curators', size: 5 }, { by: 'likes', size: 10 }, { by: 'threshold', likes: 50, size: 20 }],
  }),
  vote: voteSchema.prefault({ method: DEFAULT_VOTE_RULE.method }).meta({
    description: lines(
      'How fans vote.',
      '',
      'By default **results are hidden until the vote closes** (`liveCounts: false`); a manager who wants a live race opts in explicitly.',
    ),
    examples: [{ method: 'single', allowChange: true, liveCounts: false }, { method: 'approval', maxChoices: 3 }, { method: 'ranked', maxRanks: 3 }],
  }),
  reveal: revealSchema.prefault({}).meta({
    description: lines('How winners are picked and announced.', '', 'Once a category is revealed, its results are fixed and published with a digest of its ballots (see [verifiable results](trust-and-fairness.md#verifiable-results)).'),
    examples: [{ winners: 1, tieBreak: 'earliest' }, { winners: 3, tieBreak: 'seeded', seed: '2013' }],
  }),
  colors: colorsSchema.prefault({}).meta({
    description: lines('The colours of the results picture.', '', 'The results picture is posted with each category\'s results (see [the results picture](results.md#the-results-picture)). Colours are written `"#rrggbb"`, in quotes.'),
    examples: [{ background: '#101820', text: '#f2f2f2', bar: '#5a6b7c', winner: '#e4002b' }],
  }),
  reminders: remindersSchema
    .default(() => DEFAULT_REMINDERS.map((r) => ({ phase: r.phase, before: isoDurationOf(r.beforeMs) })))
    .meta({
      description: lines(
        'Reminders posted before a phase closes. `[]` for none.',
        '',
        'Each entry posts the phase\'s reminder ("Last call to vote in “…”: the vote closes on …") in every channel of the campaign, `before` the phase of every category closes. At most 10 reminders, each different; `reminders: []` turns them off.',
        '',
        'How they are sent:',
        '',
        '- **Once per channel.** A reminder is handed to the outbox with a fixed key (campaign, category, phase and lead time), so each channel gets it once — also when several bot processes share Redis (the BullMQ scheduler fires its job once), after a restart, or after `/extend` moves the deadline (it is not sent again; the phase\'s new end shows in `/status`).',
        '- **Missed while the bot was down: sent late, once.** When the bot starts again while the phase is still open, a reminder whose time passed is sent at once; if several were missed, only the one closest to the deadline is sent. Its text gives the real closing date, so a late reminder is still true. Once the phase has closed, a missed reminder is dropped.',
        '- **Longer than its phase: skipped.** A reminder that would fall before its phase opens (a `P3D` reminder on a two-day vote) is never sent. A paused category sends none until resumed.',
      ),
      examples: [[{ phase: 'propose', before: 'P3D' }, { phase: 'vote', before: 'PT24H' }, { phase: 'vote', before: 'PT2H' }]],
    }),
  eligibility: eligibilitySchema.optional().meta({
    description: lines(
      'Who may take part, per phase. Absent: everyone.',
      '',
      'The keys at the top of `eligibility` apply to every phase; `propose` (proposing, editing and liking ideas) and `vote` may each replace some of them for that phase (key by key).',
      '',
      'A refused fan is told why in their language (with how long to wait when an age is too low), and managers see the refusals counted in `/status`. Withdrawing an idea and taking data or erasing oneself are never refused. Curators also keep a **ban list** while the campaign runs, and what each platform can tell about a fan differs (see [trust and fairness](trust-and-fairness.md#eligibility-what-each-platform-can-tell)).',
    ),
    examples: [
      {
        excludeUsers: { discord: ['100000000000000666'] },
        propose: { minAccountAge: 'P7D' },
        vote: { minAccountAge: 'P30D', minMemberAge: 'P7D', requireRoles: { discord: ['100000000000000010'] }, unknown: 'refuse' },
      },
    ],
  }),
  limits: limitsSchema.optional().meta({
    description: lines('Per-fan anti-spam windows. Absent: no limit.', '', 'The window slides: a fan who proposed 5 ideas between 9:00 and 9:40 with `{ max: 5, per: PT1H }` may propose again from 10:00, when the first leaves the window, and is told how long to wait. A refused attempt does not count.'),
    examples: [{ proposals: { max: 5, per: 'PT1H' }, likes: { max: 60, per: 'PT10M' } }],
  }),
  retention: durationOf('retention').optional().meta({
    description: lines('How long after each category\'s reveal its raw fan data is kept. Absent: kept until erased.', '', 'After `retention` (such as `P90D`) from a category\'s reveal, a scheduled job purges its raw fan data: every ballot loses its voter (it is kept under an anonymous key, so the results and `cocreate recount` do not change), likes lose their fans (the counts stay), ideas lose their author\'s account and name (the text stays; the published results keep the credit they announced). Without `retention`, fan data is kept until erased.'),
    examples: ['P90D'],
  }),
  allowLinks: z
    .boolean()
    .default(false)
    .describe('Whether fans\' `http(s)://` links stay clickable (always without a preview or embed). By default no fan text can form a link on Discord or Telegram: bare URLs, `www.…`, `example.com`, `t.me/…` and `discord.gg/…` are shown inert. Either way a fan\'s `/command` never becomes a command Telegram members could tap.'),
  categories: z
    .array(categorySchema)
    .min(1)
    .max(MAX_CATEGORIES)
    .meta({
      description: lines(
        `What fans are asked: one or more categories, at most ${MAX_CATEGORIES} (a campaign file is at most 2 MiB).`,
        '',
        '**A category\'s `proposals`, `shortlist`, `vote` or `reveal` replaces the campaign\'s entirely**, then the defaults apply. With `proposals: { minLength: 10, maxLength: 500 }` at the campaign and `proposals: { perFan: 1 }` in a category, that category has `minLength: 3, maxLength: 280, perFan: 1`.',
        '',
        '**A category\'s `schedule` replaces the campaign\'s phase by phase.** Each phase it names replaces the campaign\'s phase of that name (the whole phase, `start` and `duration` together); the phases it does not name are the campaign\'s. To stagger a category by two weeks, give it its own `propose`:',
        '',
        '```yaml',
        'schedule:',
        '  propose:   { start: "2015-09-01T09:00:00+02:00", duration: P6W }',
        '  shortlist: { duration: P4W }',
        '  vote:      { duration: P3W }',
        'categories:',
        '  - id: neighbourhoods',
        '    title: "Projets de quartier"',
        '  - id: city-wide',
        '    title: "Projets pour toute la ville"',
        '    schedule:',
        '      propose: { start: "2015-09-15T09:00:00+02:00", duration: P6W }   # shortlist and vote follow',
        '```',
      ),
      examples: [
        [
          { id: 'cult-line', title: 'La réplique culte', prompt: 'Quelle réplique culte Norman doit-il prononcer dans le film ?' },
          { id: 'flavour', title: 'Le parfum', options: ['Framboise-litchi', 'Caramel beurre salé', 'Citron-basilic'], schedule: { vote: { start: '2013-04-01T09:00:00+02:00', duration: 'P2W' } } },
        ],
      ],
    }),
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
