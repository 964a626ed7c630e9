/**
 * The local chat's command line: one typed line becomes a local command (an engine command
 * without its campaign, or a chat directive such as `/as`), or the usage of the verb it misused.
 * Pure: no I/O, no engine, no campaign; the chat adds the current campaign.
 */
import type { Command } from '../../src/engine/commands';
import type { Role } from '../../src/model/campaign';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An engine command before the chat adds the current campaign's id. */
export type CommandBody = DistributiveOmit<Command, 'campaignId'>;

export type LocalCommand =
  | { readonly kind: 'engine'; readonly command: CommandBody }
  /** Play `name` with `role` (fan, curator or manager). */
  | { readonly kind: 'as'; readonly name: string; readonly role: Role }
  /** Switch to campaign `id`, or show the current one and the loaded ones. */
  | { readonly kind: 'campaign'; readonly id?: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'quit' }
  /** An empty line. */
  | { readonly kind: 'nothing' };

/** Every verb of the local chat, in the order `/help` lists them. */
export const LOCAL_VERBS = [
  'as', 'campaign', 'status', 'propose', 'edit', 'withdraw', 'like', 'unlike', 'proposals', 'reject',
  'shortlist', 'vote', 'advance', 'pause', 'resume', 'extend', 'tie', 'results', 'export', 'help', 'quit',
  'mydata', 'forgetme', 'ban', 'unban', 'bans', 'fan',
  'receipt',
] as const;

export type LocalVerb = (typeof LOCAL_VERBS)[number];

export type ParsedLine =
  | { readonly ok: true; readonly command: LocalCommand }
  /** `unknown`: not a command at all; else the verb whose arguments were wrong. */
  | { readonly ok: false; readonly usage: LocalVerb | 'unknown' };

const ALIASES: Readonly<Record<string, LocalVerb>> = { exit: 'quit' };
const ROLES: readonly Role[] = ['fan', 'curator', 'manager'];
const NAME = /^[\p{L}\p{N}_.-]{1,32}$/u;
const DURATION = /^P[0-9A-Z.,]+$/;
const QUOTES: readonly (readonly [string, string])[] = [['"', '"'], ['“', '”'], ['«', '»'], ["'", "'"]];

/**
 * Parses one line typed in the local chat. Never throws: an empty line is `nothing`, a line
 * that is not a known `/verb` gives `usage: 'unknown'`, and a known verb with wrong arguments
 * gives that verb's usage.
 */
export function parseLocalCommand(line: string): ParsedLine {
  const trimmed = line.trim();
  if (trimmed === '') return { ok: true, command: { kind: 'nothing' } };
  if (!trimmed.startsWith('/')) return { ok: false, usage: 'unknown' };
  const [word, args] = head(trimmed.slice(1));
  const verb = toVerb(word.toLowerCase());
  if (verb === undefined) return { ok: false, usage: 'unknown' };
  const command = PARSERS[verb](args);
  return command === null ? { ok: false, usage: verb } : { ok: true, command };
}

function toVerb(word: string): LocalVerb | undefined {
  return ALIASES[word] ?? LOCAL_VERBS.find((verb) => verb === word);
}

// ------------------------------------------------------------------------------ argument helpers

/** The first word and the rest of the line, trimmed. */
function head(text: string): [string, string] {
  const match = /^(\S*)\s*([\s\S]*)$/.exec(text.trim());
  return [match?.[1] ?? '', match?.[2] ?? ''];
}

function words(text: string): string[] {
  return text === '' ? [] : text.split(/\s+/);
}

/** Text with one matching pair of outer quotes removed (`"…"`, `“…”`, `«…»`, `'…'`). */
function unquote(text: string): string {
  for (const [open, close] of QUOTES) {
    if (text.length >= open.length + close.length && text.startsWith(open) && text.endsWith(close)) {
      return text.slice(open.length, text.length - close.length).trim();
    }
  }
  return text;
}

/** A proposal id as typed, `#` allowed (`#12` = `12`). */
function idOf(word: string | undefined): string | null {
  const id = word?.replace(/^#/, '') ?? '';
  return id === '' ? null : id;
}

function engine(command: CommandBody): LocalCommand {
  return { kind: 'engine', command };
}

/** `WORD text…` where the text may be quoted; null if either is missing. */
function wordAndText(args: string): [string, string] | null {
  const [word, rest] = head(args);
  const text = unquote(rest);
  return word === '' || text === '' ? null : [word, text];
}

/** Zero or one word. */
function optionalWord(args: string): { word?: string } | null {
  const list = words(args);
  if (list.length > 1) return null;
  return list[0] === undefined ? {} : { word: list[0] };
}

// ------------------------------------------------------------------------------ one parser per verb

type Parser = (args: string) => LocalCommand | null;

const noArgs = (command: LocalCommand): Parser => (args) => (args === '' ? command : null);

const oneId = (type: 'withdraw' | 'like' | 'unlike' | 'shortlist.add' | 'shortlist.remove'): Parser => (args) => {
  const list = words(args);
  const proposalId = idOf(list[0]);
  return list.length === 1 && proposalId !== null ? engine({ type, proposalId }) : null;
};

const idAndText = (build: (proposalId: string, text: string) => CommandBody): Parser => (args) => {
  const parsed = wordAndText(args);
  const proposalId = idOf(parsed?.[0]);
  return parsed && proposalId !== null ? engine(build(proposalId, parsed[1])) : null;
};

const optionalCategory = (type: 'advance' | 'pause' | 'resume' | 'results' | 'receipt'): Parser => (args) => {
  const parsed = optionalWord(args);
  if (parsed === null) return null;
  return engine(parsed.word === undefined ? { type } : { type, categoryId: parsed.word });
};

const PARSERS: { readonly [V in LocalVerb]: Parser } = {
  as: (args) => {
    const [name, role = 'fan', ...extra] = words(args);
    const granted = ROLES.find((r) => r === role.toLowerCase());
    return name !== undefined && NAME.test(name) && granted && extra.length === 0 ? { kind: 'as', name, role: granted } : null;
  },
  campaign: (args) => {
    const parsed = optionalWord(args);
    if (parsed === null) return null;
    return parsed.word === undefined ? { kind: 'campaign' } : { kind: 'campaign', id: parsed.word };
  },
  status: noArgs(engine({ type: 'status' })),
  propose: (args) => {
    const parsed = wordAndText(args);
    return parsed && engine({ type: 'propose', categoryId: parsed[0], text: parsed[1] });
  },
  edit: idAndText((proposalId, text) => ({ type: 'edit', proposalId, text })),
  withdraw: oneId('withdraw'),
  like: oneId('like'),
  unlike: oneId('unlike'),
  proposals: (args) => {
    const list = words(args);
    const mine = list.some((w) => w.toLowerCase() === 'mine');
    const others = list.filter((w) => w.toLowerCase() !== 'mine');
    if (others.length > 1 || list.length - others.length > 1) return null;
    const categoryId = others[0];
    return engine({ type: 'proposals', ...(categoryId === undefined ? {} : { categoryId }), ...(mine ? { mine } : {}) });
  },
  reject: idAndText((proposalId, reason) => ({ type: 'reject', proposalId, reason })),
  shortlist: (args) => {
    const [sub, rest] = head(args);
    switch (sub.toLowerCase()) {
      case 'add': return oneId('shortlist.add')(rest);
      case 'remove': return oneId('shortlist.remove')(rest);
      case 'list': {
        const list = words(rest);
        return list.length === 1 && list[0] !== undefined ? engine({ type: 'shortlist.list', categoryId: list[0] }) : null;
      }
      default: return null;
    }
  },
  vote: (args) => {
    const [categoryId, rest] = head(args);
    const choice = rest.split(/[\s,]+/).map(idOf).filter((id): id is string => id !== null);
    return categoryId === '' || choice.length === 0 ? null : engine({ type: 'vote', categoryId, choice });
  },
  advance: optionalCategory('advance'),
  pause: optionalCategory('pause'),
  resume: optionalCategory('resume'),
  extend: (args) => {
    const list = words(args);
    const by = list[list.length - 1]?.toUpperCase();
    if (list.length < 1 || list.length > 2 || by === undefined || !DURATION.test(by)) return null;
    return engine(list.length === 2 && list[0] !== undefined ? { type: 'extend', categoryId: list[0], by } : { type: 'extend', by });
  },
  tie: (args) => {
    const list = words(args);
    const proposalId = idOf(list[1]);
    return list.length === 2 && list[0] !== undefined && proposalId !== null
      ? engine({ type: 'break-tie', categoryId: list[0], proposalId })
      : null;
  },
  results: optionalCategory('results'),
  export: noArgs(engine({ type: 'export' })),
  help: noArgs({ kind: 'help' }),
  quit: noArgs({ kind: 'quit' }),
  // trust and fairness (issue 7); a fan is PLATFORM:ID, or a local name
  mydata: noArgs(engine({ type: 'mydata' })),
  forgetme: (args) => (args.trim().toLowerCase() === 'confirm' ? engine({ type: 'forgetme' }) : null),
  ban: (args) => {
    const [who, reason] = head(args);
    return who === '' ? null : engine({ type: 'ban', fan: localFan(who), reason: unquote(reason) });
  },
  unban: (args) => {
    const list = words(args);
    return list.length === 1 && list[0] !== undefined ? engine({ type: 'unban', fan: localFan(list[0]) }) : null;
  },
  bans: noArgs(engine({ type: 'bans' })),
  fan: (args) => {
    const [action, who] = words(args);
    if (who === undefined || (action !== 'export' && action !== 'erase')) return null;
    return engine({ type: action === 'export' ? 'fan.export' : 'fan.erase', fan: localFan(who) });
  },
  receipt: optionalCategory('receipt'),
};

/** `bob` means the local fan `local:bob`; `discord:123` stays as typed. */
function localFan(word: string): string {
  return word.includes(':') ? word : `local:${word}`;
}
