/**
 * Every command's handler, keyed by command type. The types below make the compiler prove
 * that each `Command` variant has exactly one handler: a missing one, or one declared by two
 * modules, does not type-check.
 */
import type { CommandType } from '../commands';
import { ballotHandlers } from './ballots';
import { curationHandlers } from './curation';
import type { HandlerTable } from './handler';
import { phaseHandlers } from './phases';
import { proposalHandlers } from './proposals';
import { reportHandlers } from './reports';
import { statusHandlers } from './status';
import { trustHandlers } from './trust';
import { verificationHandlers } from './verification';

/** Every concern's handler table. A new module is added here, and only here. */
const modules = [
  proposalHandlers, curationHandlers, ballotHandlers, phaseHandlers, statusHandlers, reportHandlers, trustHandlers, verificationHandlers,
] as const;

/** The keys of every member of a union (`keyof` of a union keeps only the common ones). */
type KeysOfEach<T> = T extends unknown ? keyof T : never;

/** The command types declared by more than one module of `Ms` (never, when each has one home). */
type DeclaredTwice<Ms extends readonly object[], Seen = never> = Ms extends readonly [infer M, ...infer Rest extends readonly object[]]
  ? (keyof M & Seen) | DeclaredTwice<Rest, Seen | keyof M>
  : never;

/** Compiles only when `T` is `never`; otherwise the error names what is left in `T`. */
type Nothing<T extends never> = T;

/** The proof that no command type has two handlers. */
export type DuplicateHandlers = Nothing<DeclaredTwice<typeof modules>>;
/** The proof that every command type has a handler. */
export type MissingHandlers = Nothing<Exclude<CommandType, KeysOfEach<(typeof modules)[number]>>>;

/** The handler of each command type, the only table `Engine.execute` dispatches through. */
export const HANDLERS: HandlerTable<CommandType> = Object.freeze(Object.assign({}, ...modules) as HandlerTable<CommandType>);
