/**
 * The local chat's command line: one typed line becomes a local command (an engine command
 * without its campaign, or a chat directive such as `/as`), or the usage of the verb it
 * misused. The grammar is the chat layer's (src/chat/text.ts), derived from the catalogue's
 * local forms. Pure: no I/O, no engine, no campaign; the chat adds the current campaign.
 */
import type { Role } from '../../src/model/campaign';
import type { LocalVerb } from '../../src/chat/catalogue';
import type { CommandBody } from '../../src/chat/runner';
import { head, parseTextCommand, textGrammar, type FanReader } from '../../src/chat/text';

export type { CommandBody } from '../../src/chat/runner';

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

const GRAMMAR = textGrammar('local');

/** Every verb of the local chat, in the order `/help` lists them (the catalogue's). */
export const LOCAL_VERBS = GRAMMAR.verbs as readonly LocalVerb[];

export type ParsedLine =
  | { readonly ok: true; readonly command: LocalCommand }
  /** `unknown`: not a command at all; else the verb whose arguments were wrong. */
  | { readonly ok: false; readonly usage: LocalVerb | 'unknown' };

/** `bob` means the local fan `local:bob`; `discord:123` stays as typed. */
const LOCAL_FANS: FanReader = {
  named: (word) => (word.includes(':') ? word : `local:${word}`),
  implied: () => null,
};

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
  const parsed = parseTextCommand(GRAMMAR, word, args, LOCAL_FANS);
  if (!parsed.ok) return { ok: false, usage: (parsed.verb as LocalVerb | null) ?? 'unknown' };
  // Every local form takes one value per option: one use.
  const use = parsed.uses[0] ?? {};
  const { command } = parsed;
  switch (command.renders) {
    case 'as': return { ok: true, command: { kind: 'as', name: use.name ?? '', role: (use.role ?? 'fan') as Role } };
    case 'campaign': return { ok: true, command: use.word === undefined ? { kind: 'campaign' } : { kind: 'campaign', id: use.word } };
    case 'help': return { ok: true, command: { kind: 'help' } };
    case 'quit': return { ok: true, command: { kind: 'quit' } };
    default:
      return command.build ? { ok: true, command: { kind: 'engine', command: command.build(use) } } : { ok: false, usage: 'unknown' };
  }
}
