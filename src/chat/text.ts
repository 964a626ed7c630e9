/**
 * The one grammar of typed commands, for every platform where people type them (Telegram and
 * the local chat): `/verb [sub] args…`, each argument read as its catalogue option says. The
 * grammar of a platform is derived from the catalogue's forms for it; a line either names one
 * use (or several, for `proposal+`) of one catalogue command, or is refused with the verb whose
 * usage to show. Pure: no platform, no engine, no campaign.
 */
import { CATALOGUE, TEXT_ALIASES, type ChatCommand, type TextForm } from './catalogue';
import { OPTIONS, parseSlot, type ChatArgs, type OptionName, type ParsedSlot } from './options';

export type TextPlatform = 'telegram' | 'local';

interface TextRoute {
  readonly command: ChatCommand;
  readonly form: TextForm;
  readonly slots: readonly ParsedSlot[];
}

/** The typed commands of one platform. */
export interface TextGrammar {
  readonly platform: TextPlatform;
  /** Every verb, in the catalogue's order (menus and help list them so). */
  readonly verbs: readonly string[];
  /** Whether `verb` (or an alias of it) is one of this platform's verbs. */
  knows(verb: string): boolean;
  /** The ways to use `verb`: forms with a literal second word first, then the others, each in catalogue order. */
  routes(verb: string): readonly TextRoute[];
  /** The verb an alias stands for (`exit` → `quit`), else the word itself, lower-cased. */
  canonical(word: string): string;
}

/** How a platform reads the fan a moderator's command is about. */
export interface FanReader {
  /** The fan a typed word names (`platform:id`), or null when the word does not name one. */
  named(word: string): string | null;
  /** The fan meant without being named (Telegram: the author of the message replied to), or null. */
  implied(): string | null;
}

export type TextParse =
  /** `uses`: the options of each use (several when a `+` option was given several values). */
  | { readonly ok: true; readonly command: ChatCommand; readonly uses: readonly ChatArgs[] }
  /** `verb`: null when the word is no command of this platform, else the verb whose arguments were wrong. */
  | { readonly ok: false; readonly verb: string | null };

const grammars = new Map<TextPlatform, TextGrammar>();

/** The grammar of `platform`, derived from the catalogue once. */
export function textGrammar(platform: TextPlatform): TextGrammar {
  let grammar = grammars.get(platform);
  if (grammar === undefined) {
    grammar = buildGrammar(platform);
    grammars.set(platform, grammar);
  }
  return grammar;
}

function buildGrammar(platform: TextPlatform): TextGrammar {
  const routes = new Map<string, TextRoute[]>();
  for (const command of CATALOGUE) {
    for (const form of command[platform] ?? []) {
      let list = routes.get(form.verb);
      if (!list) routes.set(form.verb, (list = []));
      list.push({ command, form, slots: form.args.map(parseSlot) });
    }
  }
  for (const list of routes.values()) list.sort((a, b) => Number(a.form.sub === undefined) - Number(b.form.sub === undefined));
  // A Map, not the alias object: a typed `/__proto__` or `/constructor` must not reach Object.prototype.
  const aliases: ReadonlyMap<string, string> = new Map(Object.entries(TEXT_ALIASES[platform]));
  const canonical = (word: string): string => {
    const lower = word.toLowerCase();
    return aliases.get(lower) ?? lower;
  };
  return {
    platform,
    verbs: [...routes.keys()],
    knows: (verb) => routes.has(canonical(verb)),
    routes: (verb) => routes.get(canonical(verb)) ?? [],
    canonical,
  };
}

/**
 * Reads `/word rest`: the first form of the verb that `rest` fits. Never throws, whatever
 * the text.
 */
export function parseTextCommand(grammar: TextGrammar, word: string, rest: string, fans: FanReader): TextParse {
  const verb = grammar.canonical(word);
  const routes = grammar.routes(verb);
  if (routes.length === 0) return { ok: false, verb: null };
  for (const route of routes) {
    const uses = parseForm(route, rest, fans);
    if (uses !== null) return { ok: true, command: route.command, uses };
  }
  return { ok: false, verb };
}

type MutableArgs = { -readonly [K in keyof ChatArgs]: ChatArgs[K] };

function parseForm(route: TextRoute, text: string, fans: FanReader): ChatArgs[] | null {
  let rest = text.trim();
  if (route.form.sub !== undefined) {
    const [first, after] = head(rest);
    if (first.toLowerCase() !== route.form.sub) return null;
    rest = after;
  }
  const args: MutableArgs = {};
  const flags = route.slots.filter((slot) => OPTIONS[slot.option].reading === 'flag');
  if (flags.length > 0) {
    let list = words(rest);
    for (const slot of flags) {
      const count = list.filter((w) => w.toLowerCase() === slot.option).length;
      if (count > 1 || (count === 0 && !slot.optional)) return null;
      if (count === 1) setFlag(args, slot.option);
      list = list.filter((w) => w.toLowerCase() !== slot.option);
    }
    rest = list.join(' ');
  }
  const positional = route.slots.filter((slot) => OPTIONS[slot.option].reading !== 'flag');
  const last = positional.at(-1);
  const tail = last !== undefined && (last.repeated || OPTIONS[last.option].reading === 'rest' || OPTIONS[last.option].reading === 'list') ? last : undefined;
  const leading = tail ? positional.slice(0, -1) : positional;
  // Optional words are taken from the left, as many as the words beyond the required ones.
  let surplus = tail ? 0 : words(rest).length - leading.filter((slot) => !slot.optional).length;
  for (const slot of leading) {
    if (slot.optional) {
      if (surplus <= 0) continue;
      surplus -= 1;
    }
    const [first, after] = head(rest);
    if (OPTIONS[slot.option].reading === 'fan') {
      const named = first === '' ? null : fans.named(first);
      if (named !== null) rest = after;
      const fan = named ?? fans.implied();
      if (fan === null) return null;
      args.fan = fan;
      continue;
    }
    const value = first === '' ? null : readWord(slot.option, first);
    if (value === null) return null;
    setWord(args, slot.option, value);
    rest = after;
  }
  if (tail === undefined) return rest === '' ? [args] : null;
  if (tail.repeated) {
    const values = words(rest).map((word) => readWord(tail.option, word));
    if (values.length === 0) return tail.optional ? [args] : null;
    if (values.some((value) => value === null)) return null;
    return values.map((value) => {
      const use: MutableArgs = { ...args };
      setWord(use, tail.option, value ?? '');
      return use;
    });
  }
  if (OPTIONS[tail.option].reading === 'list') {
    const ids = rest.split(/[\s,]+/).map(proposalIdOf).filter((id): id is string => id !== null);
    if (ids.length > 0) args.choice = ids;
    else if (!tail.optional) return null;
    return [args];
  }
  const value = unquote(rest);
  if (value !== '') setWord(args, tail.option, value);
  else if (!tail.optional) return null;
  return [args];
}

/** A typed word as the option `option` takes it, or null when it does not fit. */
function readWord(option: OptionName, word: string): string | null {
  const spec = OPTIONS[option];
  let value = spec.proposalId ? proposalIdOf(word) : word;
  if (value === null || value === '') return null;
  if (spec.fold === 'upper') value = value.toUpperCase();
  else if (spec.fold === 'lower') value = value.toLowerCase();
  return spec.pattern && !spec.pattern.test(value) ? null : value;
}

function setWord(args: MutableArgs, option: OptionName, value: string): void {
  switch (option) {
    case 'campaign': case 'category': case 'proposal': case 'duration': case 'fan': case 'reason': case 'text':
    case 'name': case 'role': case 'word':
      args[option] = value;
      return;
    case 'choice': case 'confirm': case 'mine':
      throw new Error(`option ${option} is not a word`);
  }
}

function setFlag(args: MutableArgs, option: OptionName): void {
  if (option === 'confirm' || option === 'mine') args[option] = true;
  else throw new Error(`option ${option} is not a flag`);
}

// ------------------------------------------------------------------------------ words

const QUOTES: readonly (readonly [string, string])[] = [['"', '"'], ['“', '”'], ['«', '»'], ["'", "'"]];

/** The first word and the rest of the text, trimmed. */
export function head(text: string): [string, string] {
  const match = /^(\S*)\s*([\s\S]*)$/.exec(text.trim());
  return [match?.[1] ?? '', match?.[2] ?? ''];
}

function words(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/);
}

/** Text with one matching pair of outer quotes removed (`"…"`, `“…”`, `«…»`, `'…'`). */
export function unquote(text: string): string {
  for (const [open, close] of QUOTES) {
    if (text.length >= open.length + close.length && text.startsWith(open) && text.endsWith(close)) {
      return text.slice(open.length, text.length - close.length).trim();
    }
  }
  return text;
}

/** A proposal id as typed, `#` allowed (`#12` = `12`); null when nothing is left. */
export function proposalIdOf(word: string): string | null {
  const id = word.replace(/^#/, '');
  return id === '' ? null : id;
}
