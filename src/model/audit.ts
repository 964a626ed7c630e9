/**
 * The audit log: every manager and curator action, appended with its actor, its time and the
 * state before and after. Entries are plain JSON so that every store keeps them alike.
 */
import type { Actor, Platform } from './campaign';

/** A JSON value recorded before or after an action. */
export type AuditValue = string | number | boolean | null | readonly AuditValue[] | { readonly [key: string]: AuditValue };

export interface AuditEntry {
  /** UTC epoch ms. */
  readonly at: number;
  readonly actor: { readonly platform: Platform | 'system'; readonly userId: string; readonly displayName: string };
  /**
   * What was done: the engine's command types (`advance`, `pause`, `resume`, `extend`,
   * `shortlist.add`, `shortlist.remove`, `reject`, `break-tie`) or any action another part
   * appends through `Engine.audit` (`export`, `ban`…).
   */
  readonly action: string;
  readonly categoryId?: string;
  /** The proposal (or other record) acted on. */
  readonly target?: string;
  readonly before?: AuditValue;
  readonly after?: AuditValue;
}

/** The part of an entry a caller gives; the engine adds the time and the actor. */
export type AuditRecord = Omit<AuditEntry, 'at' | 'actor'>;

export function auditActor(actor: Actor): AuditEntry['actor'] {
  return { platform: actor.platform, userId: actor.userId, displayName: actor.displayName };
}
