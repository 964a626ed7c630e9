/**
 * The shape of a command handler. Each command type has exactly one handler (see
 * `registry.ts`), which carries its permission rule, its audit rule, and the function that
 * runs its checks and its store call. `Engine.execute` is the only caller.
 */
import type { Actor, CampaignSpec, Role } from '../../model/campaign';
import type { Command, CommandResult, CommandType } from '../commands';
import type { AuditRule } from '../shared/audit-trail';
import type { EngineContext } from '../shared/context';

/** Each command type with its command: `CommandOf<'vote'>` is the vote command. */
type CommandMap = { readonly [C in Command as C['type']]: C };

/** The command of type `T`. */
export type CommandOf<T extends CommandType> = CommandMap[T];

/** One command's handler. */
export interface Handler<C extends Command> {
  /**
   * The least role that may run the command (everybody is a fan; a manager is also a
   * curator). Checked once, in `Engine.execute`, before `run` (DESIGN invariant 2).
   */
  readonly role: Role;
  /** Manager and curator actions: how each success is written to the audit log before the actor is answered. */
  readonly audit?: AuditRule<C>;
  /**
   * Runs the command for an actor already allowed: its checks, then its store call. Answers
   * a success only once the change is durable; an expected refusal is a value. May reject
   * (the store could not confirm, or a bug): `Engine.execute` answers `store.unavailable`.
   */
  readonly run: (ctx: EngineContext, campaign: CampaignSpec, command: C, actor: Actor) => Promise<CommandResult>;
}

/** The handlers of the command types `T`, one each. A concern's module exports one such table. */
export type HandlerTable<T extends CommandType> = { readonly [K in T]: Handler<CommandOf<K>> };
