/**
 * `cocreate init [FILE] [--yes] [options]`: a new campaign file from the few questions a brand
 * can answer (title, locale, categories, dates, vote method, platforms and channel ids). Each
 * option answers one question; the others are asked on the terminal (Inquirer's prompts, which
 * re-ask until an answer is valid), or take their default with `--yes`. Every answer is checked
 * by the same rules as `validate`, then the whole campaign is validated before anything is
 * written, and the file appears at once (written aside, then linked into place) or not at all.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { formatObjectProblem, validateCampaignObject } from '../../config/campaign-object';
import { formatProblem, parseCampaignText } from '../../config/loader';
import { parseDuration, parseInstant } from '../../config/iso';
import { CAMPAIGN_SCHEMA_PATH } from '../../config/json-schema';
import { campaignFileSchema, categorySchema, ID_MAX_LENGTH, MAX_CANDIDATES, type CampaignFileInput } from '../../config/schema';
import { parseCommandArgs } from '../args';
import { CliError } from '../cli-error';
import { USAGES } from '../usage';

const METHODS = ['single', 'approval', 'ranked'] as const;
type Method = (typeof METHODS)[number];
type Locale = 'fr' | 'en';

/** Where the campaign lives, as the platforms question answers it. */
type Platforms = 'discord' | 'telegram' | 'both' | 'local';

/** Every answer `init` needs. */
export interface InitAnswers {
  readonly title: string;
  readonly id: string;
  readonly locale: Locale;
  readonly categories: readonly string[];
  readonly start: string;
  readonly propose: string;
  readonly shortlist: string;
  readonly vote: string;
  readonly method: Method;
  readonly maxChoices: number;
  readonly discord: readonly { readonly guild: string; readonly channel: string }[];
  readonly telegram: readonly { readonly chat: string }[];
}

/** The terminal `init` talks to; tests pass their own streams. */
export interface InitIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Whether questions may be asked (a terminal); without one, `--yes` is required. */
  readonly interactive: boolean;
  /** Now, UTC ms (the default start is the next Monday 09:00 UTC after it). */
  readonly now?: number;
}

const DEFAULTS = { locale: 'fr' as Locale, categories: ['Ideas'], propose: 'P2W', shortlist: 'P3D', vote: 'P1W', method: 'single' as Method, maxChoices: 3 };

/** Runs `cocreate init` on the process's terminal. */
export function initCommand(rest: readonly string[]): Promise<number> {
  return runInit(rest, { input: process.stdin, output: process.stdout, interactive: process.stdin.isTTY === true && process.stdout.isTTY === true });
}

/** `cocreate init` on the given terminal; resolves with the exit code, rejects with a CliError. */
export async function runInit(rest: readonly string[], io: InitIo): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, {
    title: { type: 'string' }, id: { type: 'string' }, locale: { type: 'string' }, category: { type: 'string', multiple: true },
    start: { type: 'string' }, propose: { type: 'string' }, shortlist: { type: 'string' }, vote: { type: 'string' },
    method: { type: 'string' }, 'max-choices': { type: 'string' }, discord: { type: 'string', multiple: true }, telegram: { type: 'string', multiple: true },
    force: { type: 'boolean' }, yes: { type: 'boolean' },
  }, USAGES.init);
  if (positionals.length > 1) throw new CliError(`init takes at most one FILE\n\n${USAGES.init}`, 2);
  const given = checkOptions(values);
  const explicitFile = positionals[0];
  // Refused before any question: nobody answers ten questions to learn the file exists.
  if (explicitFile !== undefined && existsSync(explicitFile) && !values.force) throw new CliError(`${explicitFile} already exists: choose another FILE, or --force to replace it`, 2);
  if (!values.yes && !io.interactive) {
    throw new CliError('init asks its questions on a terminal; without one, give --yes (and options such as --title for the answers): see cocreate init --help', 2);
  }
  const now = io.now ?? Date.now();
  const answers = values.yes ? withDefaults(given, now) : await ask(given, io, now);
  const file = explicitFile ?? join('campaigns', `${answers.id}.yaml`);
  if (existsSync(file) && !values.force) throw new CliError(`${file} already exists: nothing written; give another FILE, or --force to replace it`, 2);
  const campaign = campaignOf(answers);
  const validated = validateCampaignObject(campaign);
  if (!validated.ok) {
    throw new CliError(`these answers do not make a valid campaign; nothing written:\n${validated.problems.map(formatObjectProblem).join('\n')}`, 2);
  }
  const text = fileText(campaign, file);
  // What is written is checked as `validate` will read it, not only the object it came from.
  const written = parseCampaignText(text, file);
  if (!written.ok) throw new Error(`init: the file text does not validate: ${written.problems.map(formatProblem).join('; ')}`);
  writeAtOnce(file, text, values.force === true);
  io.output.write(`wrote ${file} (it validates)\n`);
  io.output.write(`next: npx cocreate simulate ${file} --fans 1000   (play it in virtual time), then npx cocreate run --from-now ${file}\n`);
  return 0;
}

// ---------------------------------------------------------------- answers checked one by one

type Given = Partial<{ -readonly [K in keyof InitAnswers]: InitAnswers[K] }>;

/** The first message zod gives for `value` under `schema`, or undefined when it passes. */
function problemOf(schema: { safeParse(value: unknown): { success: boolean; error?: { issues: readonly { message: string }[] } } }, value: unknown): string | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? undefined : parsed.error?.issues[0]?.message ?? 'not valid';
}

/** Each question's check: undefined when the answer is valid, else what is wrong (the message `validate` would give). */
const CHECKS = {
  title: (v: string) => problemOf(campaignFileSchema.shape.title, v),
  id: (v: string) => problemOf(campaignFileSchema.shape.id, v),
  locale: (v: string) => (v === 'fr' || v === 'en' ? undefined : `expected fr or en, found ${JSON.stringify(v)}`),
  category: (v: string) => problemOf(categorySchema.shape.title, v),
  start: (v: string) => { const p = parseInstant(v); return p.ok ? undefined : p.message; },
  duration: (v: string) => { const p = parseDuration(v); return p.ok ? undefined : p.message; },
  method: (v: string) => ((METHODS as readonly string[]).includes(v) ? undefined : `expected one of ${METHODS.join(', ')}, found ${JSON.stringify(v)}`),
  maxChoices: (v: string) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_CANDIDATES ? undefined : `expected a whole number from 1 to ${MAX_CANDIDATES}, found ${JSON.stringify(v)}`),
  discord: (v: string) => {
    const [guild, channel, extra] = v.split('/');
    if (guild === undefined || channel === undefined || extra !== undefined) return `expected GUILD/CHANNEL, two Discord ids such as 123456789012345678/234567890123456789; found ${JSON.stringify(v)}`;
    return problemOf(campaignFileSchema.shape.channels, { discord: [{ guild, channel }] });
  },
  discordId: (v: string) => problemOf(campaignFileSchema.shape.channels, { discord: [{ guild: v, channel: v }] }),
  telegram: (v: string) => problemOf(campaignFileSchema.shape.channels, { telegram: [{ chat: v }] }),
};

/** The options as parsed: strings, lists of strings (repeatable options) and flags. */
type Values = Readonly<Record<string, string | boolean | readonly (string | boolean)[] | undefined>>;

/** The answers the options give, every one checked; all the problems at once (exit 2). */
function checkOptions(values: Values): Given {
  const problems: string[] = [];
  const check = (flag: string, value: string | undefined, problem: (v: string) => string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const message = problem(value);
    if (message !== undefined) problems.push(`--${flag}: ${message}`);
    return message === undefined ? value : undefined;
  };
  const str = (key: string): string | undefined => values[key] as string | undefined;
  const list = (key: string): string[] | undefined => values[key] as string[] | undefined;
  const given: Given = {};
  const title = check('title', str('title'), CHECKS.title);
  if (title !== undefined) given.title = title;
  const id = check('id', str('id'), CHECKS.id);
  if (id !== undefined) given.id = id;
  const locale = check('locale', str('locale'), CHECKS.locale);
  if (locale !== undefined) given.locale = locale as Locale;
  const categories = list('category')?.map((c) => check('category', c, CHECKS.category));
  if (categories?.every((c) => c !== undefined)) given.categories = categories;
  const start = check('start', str('start'), CHECKS.start);
  if (start !== undefined) given.start = start;
  for (const key of ['propose', 'shortlist', 'vote'] as const) {
    const duration = check(key, str(key), CHECKS.duration);
    if (duration !== undefined) given[key] = duration;
  }
  const method = check('method', str('method'), CHECKS.method);
  if (method !== undefined) given.method = method as Method;
  const maxChoices = check('max-choices', str('max-choices'), CHECKS.maxChoices);
  if (maxChoices !== undefined) given.maxChoices = Number(maxChoices);
  if (maxChoices !== undefined && (given.method ?? DEFAULTS.method) !== 'approval') problems.push('--max-choices: only with --method approval');
  const discord = list('discord')?.map((d) => check('discord', d, CHECKS.discord));
  if (discord?.every((d) => d !== undefined)) given.discord = discord.map((d) => { const [guild = '', channel = ''] = d.split('/'); return { guild, channel }; });
  const telegram = list('telegram')?.map((t) => check('telegram', t, CHECKS.telegram));
  if (telegram?.every((t) => t !== undefined)) given.telegram = telegram.map((chat) => ({ chat }));
  if (problems.length > 0) throw new CliError(`${problems.join('\n')}\nnothing written`, 2);
  return given;
}

/** An id from a title: lowercase ASCII letters, digits and hyphens ("Le parfum d'été" → "le-parfum-d-ete"). */
export function slugOf(title: string, fallback: string): string {
  const slug = title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, ID_MAX_LENGTH).replace(/-+$/, '');
  return slug === '' ? fallback : slug;
}

/** The next Monday 09:00 UTC strictly after `now`, as ISO 8601. */
function nextMonday(now: number): string {
  const date = new Date(now);
  const days = ((8 - date.getUTCDay()) % 7) || 7;
  const monday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + days, 9);
  return new Date(monday).toISOString().replace('.000Z', 'Z');
}

function withDefaults(given: Given, now: number): InitAnswers {
  const title = given.title ?? 'My campaign';
  return {
    title,
    id: given.id ?? slugOf(title, 'my-campaign'),
    locale: given.locale ?? DEFAULTS.locale,
    categories: given.categories ?? DEFAULTS.categories,
    start: given.start ?? nextMonday(now),
    propose: given.propose ?? DEFAULTS.propose,
    shortlist: given.shortlist ?? DEFAULTS.shortlist,
    vote: given.vote ?? DEFAULTS.vote,
    method: given.method ?? DEFAULTS.method,
    maxChoices: given.maxChoices ?? DEFAULTS.maxChoices,
    discord: given.discord ?? [],
    telegram: given.telegram ?? [],
  };
}

// ---------------------------------------------------------------- questions

/** Asks what the options did not answer; Inquirer re-asks until each answer passes its check. */
async function ask(given: Given, io: InitIo, now: number): Promise<InitAnswers> {
  // Loaded only here: `init --yes` and every other command never load the prompts.
  const input = (require('@inquirer/input') as typeof import('@inquirer/input')).default;
  const select = (require('@inquirer/select') as typeof import('@inquirer/select')).default;
  const context = { input: io.input, output: io.output };
  const valid = (problem: (v: string) => string | undefined) => (v: string) => problem(v.trim()) ?? true;
  const text = async (message: string, problem: (v: string) => string | undefined, fallback?: string): Promise<string> =>
    (await input({ message, ...(fallback === undefined ? {} : { default: fallback }), validate: valid(problem) }, context)).trim();
  try {
    const title = given.title ?? await text('Title of the campaign', CHECKS.title);
    const id = given.id ?? await text('Its id (letters a-z, digits, hyphens; in commands and Redis keys)', CHECKS.id, slugOf(title, 'my-campaign'));
    const locale = given.locale ?? await select<Locale>({
      message: 'Language of the bot\'s messages', choices: [{ name: 'français', value: 'fr' }, { name: 'English', value: 'en' }], default: DEFAULTS.locale,
    }, context);
    const categories = given.categories ? [...given.categories] : [];
    while (!given.categories) {
      const n = categories.length + 1;
      const more = categories.length > 0;
      const title = await text(
        more ? `Category ${n}: its title (leave empty to finish)` : 'Category 1: what fans answer, such as "The cult line"',
        (v) => (more && v === '' ? undefined : CHECKS.category(v)),
        more ? '' : DEFAULTS.categories[0],
      );
      if (title === '') break;
      categories.push(title);
    }
    const start = given.start ?? await text('When do proposals open? (ISO 8601 with an offset, such as 2026-03-02T09:00:00+01:00)', CHECKS.start, nextMonday(now));
    const propose = given.propose ?? await text('How long do proposals last? (ISO 8601 duration: P2W = 2 weeks, P10D = 10 days)', CHECKS.duration, DEFAULTS.propose);
    const shortlist = given.shortlist ?? await text('How long do curators take to shortlist the best ideas?', CHECKS.duration, DEFAULTS.shortlist);
    const vote = given.vote ?? await text('How long does the vote last?', CHECKS.duration, DEFAULTS.vote);
    const method = given.method ?? await select<Method>({
      message: 'How do fans vote?',
      choices: [
        { name: 'single choice', value: 'single', description: 'one idea per fan and category' },
        { name: 'approval', value: 'approval', description: 'up to N ideas per fan' },
        { name: 'ranked', value: 'ranked', description: 'fans rank the ideas (instant runoff)' },
      ],
      default: DEFAULTS.method,
    }, context);
    const maxChoices = given.maxChoices ?? (method === 'approval'
      ? Number(await text(`How many ideas may a fan approve? (1 to ${MAX_CANDIDATES})`, CHECKS.maxChoices, String(DEFAULTS.maxChoices)))
      : DEFAULTS.maxChoices);
    let discord = given.discord ?? [];
    let telegram = given.telegram ?? [];
    if (!given.discord && !given.telegram) {
      const where = await select<Platforms>({
        message: 'Where does the campaign live?',
        choices: [
          { name: 'Discord', value: 'discord' }, { name: 'Telegram', value: 'telegram' }, { name: 'Discord and Telegram', value: 'both' },
          { name: 'nowhere yet (try it in the local terminal chat)', value: 'local' },
        ],
        default: 'local',
      }, context);
      if (where === 'discord' || where === 'both') {
        const guild = await text('Discord server (guild) id', CHECKS.discordId);
        const channel = await text('Discord channel id', CHECKS.discordId);
        discord = [{ guild, channel }];
      }
      if (where === 'telegram' || where === 'both') telegram = [{ chat: await text('Telegram chat id (negative for a group, such as -1001234567890)', CHECKS.telegram) }];
    }
    return { title, id, locale, categories, start, propose, shortlist, vote, method, maxChoices, discord, telegram };
  } catch (error) {
    // Ctrl+C (or the terminal closing) rejects the prompt: say so, nothing was written.
    if (error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError')) throw new CliError('init cancelled: nothing written', 130);
    throw error;
  }
}

// ---------------------------------------------------------------- the file

/** The campaign the answers describe, in the shape a brand would write. */
export function campaignOf(answers: InitAnswers): CampaignFileInput {
  const ids = new Set<string>();
  const categories = answers.categories.map((title, i) => {
    let id = slugOf(title, `category-${i + 1}`);
    for (let n = 2; ids.has(id); n++) id = `${slugOf(title, 'category').slice(0, ID_MAX_LENGTH - 4)}-${n}`;
    ids.add(id);
    return { id, title };
  });
  const vote = answers.method === 'approval' ? { method: 'approval' as const, maxChoices: answers.maxChoices } : { method: answers.method };
  return {
    id: answers.id,
    title: answers.title,
    locale: answers.locale,
    channels: { discord: [...answers.discord], telegram: [...answers.telegram] },
    roles: { curators: { discord: [], telegram: [] }, managers: { discord: [], telegram: [] } },
    schedule: {
      propose: { start: answers.start, duration: answers.propose },
      shortlist: { duration: answers.shortlist },
      vote: { duration: answers.vote },
      reveal: {},
    },
    proposals: { minLength: 3, maxLength: 280, perFan: 3 },
    shortlist: { by: 'curators', size: Math.max(5, answers.method === 'approval' ? answers.maxChoices : 0) },
    vote,
    reveal: { winners: 1, tieBreak: 'earliest' },
    categories,
  };
}

/** The package's root: the nearest folder above this module whose package.json is cocreate's. */
function packageRoot(): string | undefined {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name === 'cocreate') return dir;
    } catch { /* not here */ }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The YAML text: the editor's schema line, a short header, the campaign. */
function fileText(campaign: CampaignFileInput, file: string): string {
  const root = packageRoot();
  const schema = root === undefined ? undefined : relative(dirname(resolve(file)), join(root, CAMPAIGN_SCHEMA_PATH)).split(sep).join('/');
  return [
    ...(schema === undefined ? [] : [`# yaml-language-server: $schema=${schema}`]),
    `# ${campaign.title.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')} — written by \`cocreate init\`. Check it with \`cocreate validate\`; every key is`,
    '# documented in docs/campaign-file.md of the cocreate package. Roles are empty: put your curators\' and',
    '# managers\' Discord role ids or Telegram user ids in them before you run it on a platform.',
    // YAML 1.1 quoting: instants and words such as "no" stay text for 1.1 readers (some editors) too.
    stringify(campaign, { lineWidth: 0, version: '1.1' }).trimEnd(),
    '',
  ].join('\n');
}

/** Writes `text` to `file` at once: aside first, then linked (or, with `force`, renamed) into place. */
function writeAtOnce(file: string, text: string, force: boolean): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, text, { flag: 'wx' });
  try {
    if (force) renameSync(aside, file);
    else linkSync(aside, file); // fails if the file appeared meanwhile: never overwritten
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${file} already exists: nothing written; give another FILE, or --force to replace it`, 2);
    throw error;
  } finally {
    if (existsSync(aside)) unlinkSync(aside);
  }
}
