/**
 * Who may do what (DESIGN invariant 2: checked once, in `Engine.execute`, for every platform).
 * Each command's least role is declared by its handler; these queries read it from there, so
 * that a chat catalogue shows the rule the engine applies instead of restating it.
 */
import type { Role } from '../model/campaign';
import type { CommandType } from './commands';
import { HANDLERS } from './handlers/registry';

export { rolesOf, TELEGRAM_CHAT_ADMINS } from './roles';

/** Every command type the engine accepts, in the order of its handler modules. */
export const COMMAND_TYPES: readonly CommandType[] = Object.freeze(Object.keys(HANDLERS) as CommandType[]);

/** The least role a command needs (everybody is a fan; a manager is also a curator). */
export function requiredRole(type: CommandType): Role {
  return HANDLERS[type].role;
}

/**
 * Whether an actor with `roles` (see `rolesOf`) may run a command of `type`. False for a type
 * the engine does not know (a forged command).
 */
export function mayRun(type: CommandType, roles: readonly Role[]): boolean {
  const handler: { readonly role: Role } | undefined = Object.hasOwn(HANDLERS, type) ? HANDLERS[type] : undefined;
  return handler !== undefined && roles.includes(handler.role);
}
