/**
 * The chat commands, declared once. Each entry says what a person can ask the bot in chat:
 * its options (types and bounds), which engine command it builds, whether its answer is
 * private, how the answer renders, and where it is offered — a Discord slash command (or a
 * subcommand of one), a Telegram command, a verb of the local chat. The Discord registration
 * payload, the Telegram command menu, the text grammar of Telegram and of the local chat, and
 * the local chat's `/help` are all derived from this list; who may use a command is read from
 * the engine's permission rule (`roleNeeded`), never written here.
 *
 * The order of the list is the order of every menu derived from it.
 */
import type { CommandType } from '../engine/commands';
import { requiredRole } from '../engine/permissions';
import type { MessageKey } from '../i18n/messages';
import type { Role } from '../model/campaign';
import type { ChatArgs, Slot } from './options';
import type { CommandBody } from './runner';

// ------------------------------------------------------------------------------ surfaces

/** The French name of every Discord command and subcommand (the English name is the key; options name theirs in OPTIONS). */
export const SLASH_NAMES_FR = {
  propose: 'proposer', proposals: 'mes-idees', status: 'statut', shortlist: 'preselection', campaign: 'campagne',
  mydata: 'mes-donnees', forgetme: 'oublie-moi', moderate: 'moderer', receipt: 'recu',
  add: 'ajouter', remove: 'retirer', list: 'voir', review: 'examiner',
  advance: 'avancer', pause: 'pause', resume: 'reprendre', extend: 'prolonger', reveal: 'reveler', export: 'exporter',
  'fan-export': 'export-fan', 'fan-erase': 'effacer-fan', ban: 'bannir', unban: 'debannir', bans: 'bannis',
} as const;

export type SlashName = keyof typeof SLASH_NAMES_FR;

/** A Discord slash command, or a subcommand of one (`/campaign advance`). Descriptions: `discord.cmd.<command>[.<subcommand>]`. */
export interface SlashForm {
  readonly command: SlashName;
  readonly subcommand?: SlashName;
  /** The options in the order Discord shows them (the required ones are put first). */
  readonly options: readonly Slot[];
}

/** A Telegram command: its menu description is `telegram.command.<verb>`. */
export type TelegramVerb = Extract<MessageKey, `telegram.command.${string}`> extends `telegram.command.${infer V}` ? V : never;

/** A verb of the local chat: its `/help` line is `usage.<verb>`. */
export type LocalVerb = Exclude<Extract<MessageKey, `usage.${string}`> extends `usage.${infer V}` ? V : never, 'unknown'>;

/** One way to type a command: `/verb [sub] args…`. */
export interface TextForm<V extends string = string> {
  readonly verb: V;
  /** A literal second word (`/shortlist add 7`), matched case-insensitively. */
  readonly sub?: string;
  /** The arguments, in typing order. */
  readonly args: readonly Slot[];
}

/**
 * How the answer is shown. Every platform that offers a command knows how to show its kind of
 * answer; most are the engine's result in words (`result`), the others add components, files,
 * a form, or are the chat's own (help, and the local chat's directives).
 */
export type Rendering =
  /** The engine's answer in words. */
  | 'result'
  /** The status, and for managers the channels the bot cannot post in. */
  | 'status'
  /** A form (Discord modal, Telegram keyboard) when the category or the text is missing. */
  | 'propose'
  /** The asker's own ideas, with buttons to edit or withdraw those still open. */
  | 'own-proposals'
  /** A category's ideas with a button per idea to shortlist it (curators). */
  | 'review'
  /** Moves categories on from the phase they are seen in (a compare-and-set each). */
  | 'advance'
  /** The manager's export as files (CSV and JSON). */
  | 'export'
  /** A fan's data as a JSON file, given only to the asker. */
  | 'fan-data'
  /** Explains what erasing does until it is confirmed, then erases. */
  | 'forgetme'
  | 'help'
  /** The local chat's directives: play someone, switch campaign, leave. */
  | 'as' | 'campaign' | 'quit';

export interface ChatCommand {
  /** The catalogue's own name of the command (not shown to anyone). */
  readonly name: string;
  /** The engine command it builds; null for the chat's own commands (help, the local directives). */
  readonly runs: CommandType | null;
  /**
   * Whose right decides who may use it, when that is not `runs`: a panel of shortlist buttons
   * lists ideas (anyone may) but is there for those who may shortlist.
   */
  readonly gate?: CommandType;
  /** The answer concerns only the asker (their ballot, their data, an export): never posted in a group. */
  readonly private: boolean;
  readonly renders: Rendering;
  /** The engine command of one use (absent for the chat's own commands). */
  readonly build?: (args: ChatArgs) => CommandBody;
  readonly discord?: SlashForm;
  readonly telegram?: readonly TextForm<TelegramVerb>[];
  readonly local?: readonly TextForm<LocalVerb>[];
}

/** The least role a command needs, read from the engine's handler (`requiredRole`); null for the chat's own commands. */
export function roleNeeded(command: ChatCommand): Role | null {
  const type = command.gate ?? command.runs;
  if (type === null) return null;
  return requiredRole(type);
}

// ------------------------------------------------------------------------------ the catalogue

const category = (args: ChatArgs): { categoryId?: string } => (args.category === undefined ? {} : { categoryId: args.category });

/** Forms shared by Telegram and the local chat. */
function text<V extends TelegramVerb & LocalVerb>(verb: V, args: readonly Slot[], sub?: string): TextForm<V> {
  return sub === undefined ? { verb, args } : { verb, sub, args };
}

export const CATALOGUE: readonly ChatCommand[] = [
  {
    name: 'as', runs: null, private: false, renders: 'as',
    local: [{ verb: 'as', args: ['name', 'role?'] }],
  },
  {
    name: 'campaign', runs: null, private: false, renders: 'campaign',
    local: [{ verb: 'campaign', args: ['word?'] }],
  },
  {
    name: 'propose', runs: 'propose', private: false, renders: 'propose',
    build: (args) => ({ type: 'propose', categoryId: args.category ?? '', text: args.text ?? '' }),
    discord: { command: 'propose', options: ['category?', 'campaign?'] },
    // On Telegram the category may be left out (a keyboard asks), and the text too (a reply brings it).
    telegram: [{ verb: 'propose', args: ['text?'] }],
    local: [{ verb: 'propose', args: ['category', 'text'] }],
  },
  {
    name: 'edit', runs: 'edit', private: false, renders: 'result',
    build: (args) => ({ type: 'edit', proposalId: args.proposal ?? '', text: args.text ?? '' }),
    local: [{ verb: 'edit', args: ['proposal', 'text'] }],
  },
  {
    name: 'withdraw', runs: 'withdraw', private: false, renders: 'result',
    build: (args) => ({ type: 'withdraw', proposalId: args.proposal ?? '' }),
    local: [{ verb: 'withdraw', args: ['proposal'] }],
  },
  {
    name: 'like', runs: 'like', private: false, renders: 'result',
    build: (args) => ({ type: 'like', proposalId: args.proposal ?? '' }),
    local: [{ verb: 'like', args: ['proposal'] }],
  },
  {
    name: 'unlike', runs: 'unlike', private: false, renders: 'result',
    build: (args) => ({ type: 'unlike', proposalId: args.proposal ?? '' }),
    local: [{ verb: 'unlike', args: ['proposal'] }],
  },
  {
    name: 'mine', runs: 'proposals', private: false, renders: 'own-proposals',
    build: () => ({ type: 'proposals', mine: true }),
    discord: { command: 'proposals', options: ['campaign?'] },
    telegram: [{ verb: 'mine', args: [] }],
  },
  {
    name: 'proposals', runs: 'proposals', private: false, renders: 'result',
    build: (args) => ({ type: 'proposals', ...category(args), ...(args.mine ? { mine: true } : {}) }),
    local: [{ verb: 'proposals', args: ['category?', 'mine?'] }],
  },
  {
    name: 'status', runs: 'status', private: false, renders: 'status',
    build: () => ({ type: 'status' }),
    discord: { command: 'status', options: ['campaign?'] },
    telegram: [text('status', [])],
    local: [text('status', [])],
  },
  {
    name: 'reject', runs: 'reject', private: false, renders: 'result',
    build: (args) => ({ type: 'reject', proposalId: args.proposal ?? '', reason: args.reason ?? '' }),
    local: [{ verb: 'reject', args: ['proposal', 'reason'] }],
  },
  {
    name: 'shortlist.add', runs: 'shortlist.add', private: false, renders: 'result',
    build: (args) => ({ type: 'shortlist.add', proposalId: args.proposal ?? '' }),
    discord: { command: 'shortlist', subcommand: 'add', options: ['proposal', 'campaign?'] },
    telegram: [text('shortlist', ['proposal+'], 'add')],
    local: [text('shortlist', ['proposal'], 'add')],
  },
  {
    name: 'shortlist.remove', runs: 'shortlist.remove', private: false, renders: 'result',
    build: (args) => ({ type: 'shortlist.remove', proposalId: args.proposal ?? '' }),
    discord: { command: 'shortlist', subcommand: 'remove', options: ['proposal', 'campaign?'] },
    telegram: [text('shortlist', ['proposal+'], 'remove')],
    local: [text('shortlist', ['proposal'], 'remove')],
  },
  {
    name: 'shortlist.list', runs: 'shortlist.list', private: false, renders: 'result',
    build: (args) => ({ type: 'shortlist.list', categoryId: args.category ?? '' }),
    discord: { command: 'shortlist', subcommand: 'list', options: ['category', 'campaign?'] },
    telegram: [text('shortlist', ['category'], 'list'), text('shortlist', ['category'])],
    local: [text('shortlist', ['category'], 'list')],
  },
  {
    // Discord: one category's ideas; Telegram (`/shortlist` alone): a panel per category being shortlisted.
    name: 'shortlist.review', runs: 'proposals', gate: 'shortlist.add', private: false, renders: 'review',
    build: (args) => ({ type: 'proposals', ...category(args) }),
    discord: { command: 'shortlist', subcommand: 'review', options: ['category', 'campaign?'] },
    telegram: [text('shortlist', [])],
  },
  {
    name: 'vote', runs: 'vote', private: false, renders: 'result',
    build: (args) => ({ type: 'vote', categoryId: args.category ?? '', choice: args.choice ?? [] }),
    local: [{ verb: 'vote', args: ['category', 'choice'] }],
  },
  {
    name: 'advance', runs: 'advance', private: false, renders: 'advance',
    build: (args) => ({ type: 'advance', ...category(args) }),
    discord: { command: 'campaign', subcommand: 'advance', options: ['category?', 'campaign?'] },
    telegram: [text('advance', ['category?'])],
    local: [text('advance', ['category?'])],
  },
  {
    name: 'pause', runs: 'pause', private: false, renders: 'result',
    build: (args) => ({ type: 'pause', ...category(args) }),
    discord: { command: 'campaign', subcommand: 'pause', options: ['category?', 'campaign?'] },
    telegram: [text('pause', ['category?'])],
    local: [text('pause', ['category?'])],
  },
  {
    name: 'resume', runs: 'resume', private: false, renders: 'result',
    build: (args) => ({ type: 'resume', ...category(args) }),
    discord: { command: 'campaign', subcommand: 'resume', options: ['category?', 'campaign?'] },
    telegram: [text('resume', ['category?'])],
    local: [text('resume', ['category?'])],
  },
  {
    name: 'extend', runs: 'extend', private: false, renders: 'result',
    build: (args) => ({ type: 'extend', ...category(args), by: args.duration ?? '' }),
    discord: { command: 'campaign', subcommand: 'extend', options: ['duration', 'category?', 'campaign?'] },
    telegram: [text('extend', ['category?', 'duration'])],
    local: [text('extend', ['category?', 'duration'])],
  },
  {
    name: 'tie', runs: 'break-tie', private: false, renders: 'result',
    build: (args) => ({ type: 'break-tie', categoryId: args.category ?? '', proposalId: args.proposal ?? '' }),
    local: [{ verb: 'tie', args: ['category', 'proposal'] }],
  },
  {
    name: 'results', runs: 'results', private: false, renders: 'result',
    build: (args) => ({ type: 'results', ...category(args) }),
    local: [{ verb: 'results', args: ['category?'] }],
  },
  {
    // Closes running votes now: an advance only from the vote phase.
    name: 'reveal', runs: 'advance', private: false, renders: 'advance',
    build: (args) => ({ type: 'advance', from: 'vote', ...category(args) }),
    discord: { command: 'campaign', subcommand: 'reveal', options: ['category?', 'campaign?'] },
    telegram: [{ verb: 'reveal', args: ['category?'] }],
  },
  {
    name: 'export', runs: 'export', private: true, renders: 'export',
    build: () => ({ type: 'export' }),
    discord: { command: 'campaign', subcommand: 'export', options: ['campaign?'] },
    telegram: [text('export', [])],
    local: [text('export', [])],
  },
  {
    name: 'help', runs: null, private: false, renders: 'help',
    telegram: [text('help', [])],
    local: [text('help', [])],
  },
  {
    name: 'quit', runs: null, private: false, renders: 'quit',
    local: [{ verb: 'quit', args: [] }],
  },
  {
    name: 'mydata', runs: 'mydata', private: true, renders: 'fan-data',
    build: () => ({ type: 'mydata' }),
    discord: { command: 'mydata', options: ['campaign?'] },
    telegram: [text('mydata', [])],
    local: [text('mydata', [])],
  },
  {
    name: 'forgetme', runs: 'forgetme', private: false, renders: 'forgetme',
    build: () => ({ type: 'forgetme' }),
    discord: { command: 'forgetme', options: ['confirm?', 'campaign?'] },
    telegram: [text('forgetme', ['confirm?'])],
    // The terminal explains with the usage line itself.
    local: [text('forgetme', ['confirm'])],
  },
  {
    name: 'ban', runs: 'ban', private: false, renders: 'result',
    build: (args) => ({ type: 'ban', fan: args.fan ?? '', reason: args.reason ?? '' }),
    discord: { command: 'moderate', subcommand: 'ban', options: ['fan', 'reason?', 'campaign?'] },
    telegram: [text('ban', ['fan', 'reason?'])],
    local: [text('ban', ['fan', 'reason?'])],
  },
  {
    name: 'unban', runs: 'unban', private: false, renders: 'result',
    build: (args) => ({ type: 'unban', fan: args.fan ?? '' }),
    discord: { command: 'moderate', subcommand: 'unban', options: ['fan', 'campaign?'] },
    telegram: [text('unban', ['fan'])],
    local: [text('unban', ['fan'])],
  },
  {
    name: 'bans', runs: 'bans', private: false, renders: 'result',
    build: () => ({ type: 'bans' }),
    discord: { command: 'moderate', subcommand: 'bans', options: ['campaign?'] },
    telegram: [text('bans', [])],
    local: [text('bans', [])],
  },
  {
    name: 'fan.export', runs: 'fan.export', private: true, renders: 'fan-data',
    build: (args) => ({ type: 'fan.export', fan: args.fan ?? '' }),
    discord: { command: 'campaign', subcommand: 'fan-export', options: ['fan', 'campaign?'] },
    telegram: [text('fan', ['fan'], 'export')],
    local: [text('fan', ['fan'], 'export')],
  },
  {
    name: 'fan.erase', runs: 'fan.erase', private: false, renders: 'result',
    build: (args) => ({ type: 'fan.erase', fan: args.fan ?? '' }),
    discord: { command: 'campaign', subcommand: 'fan-erase', options: ['fan', 'campaign?'] },
    telegram: [text('fan', ['fan'], 'erase')],
    local: [text('fan', ['fan'], 'erase')],
  },
  {
    name: 'receipt', runs: 'receipt', private: true, renders: 'result',
    build: (args) => ({ type: 'receipt', ...category(args) }),
    discord: { command: 'receipt', options: ['category?', 'campaign?'] },
    telegram: [text('receipt', ['category?'])],
    local: [text('receipt', ['category?'])],
  },
];

/** Other words for a verb, per text platform (not listed in menus). */
export const TEXT_ALIASES: { readonly telegram: Readonly<Record<string, TelegramVerb>>; readonly local: Readonly<Record<string, LocalVerb>> } = {
  telegram: { start: 'help' },
  local: { exit: 'quit' },
};

/** The catalogue entry called `name` (for tests and for code that names one command on purpose). */
export function chatCommand(name: string): ChatCommand {
  const found = CATALOGUE.find((command) => command.name === name);
  if (!found) throw new Error(`no chat command "${name}" in the catalogue`);
  return found;
}
