/**
 * Who may take part in a phase (trust and fairness): a pure check of the campaign's
 * eligibility rules against the facts the adapter supplied with the actor. The ban list lives
 * in the store and is checked by the engine next to this.
 */
import { refuse, type Refusal } from '../model/refusals';
import type { Actor, EligibilityRules, RoleGrants } from '../model/campaign';

/** Fans' platforms that have role and user lists in a campaign file. */
function listFor(grants: RoleGrants, actor: Actor): readonly string[] {
  return actor.platform === 'discord' ? grants.discord : actor.platform === 'telegram' ? grants.telegram : [];
}

/**
 * The refusal for an actor who may not take part under `rules` at `now`, or null. In order:
 * an excluded user, an excluded role, a missing required role, an account too new, a member
 * too new. An age the platform did not supply is unknown: allowed, or refused with
 * `eligibility.unknown` when `rules.unknown` is `refuse`. Too-new refusals carry `waitMs`,
 * the time until the fan becomes eligible.
 */
export function checkEligibility(rules: EligibilityRules | undefined, actor: Actor, now: number): Refusal | null {
  if (!rules) return null;
  const roles = actor.memberRoleIds ?? [];
  if (listFor(rules.excludeUsers, actor).includes(actor.userId)) return refuse('eligibility.excluded');
  const excluded = listFor(rules.excludeRoles, actor);
  if (roles.some((id) => excluded.includes(id))) return refuse('eligibility.excluded');
  const required = listFor(rules.requireRoles, actor);
  if (required.length > 0 && !roles.some((id) => required.includes(id))) return refuse('eligibility.role-required');
  const age = (min: number | undefined, since: number | undefined, code: 'eligibility.account-too-new' | 'eligibility.member-too-new'): Refusal | null => {
    if (min === undefined) return null;
    if (since === undefined) return rules.unknown === 'refuse' ? refuse('eligibility.unknown') : null;
    return now - since < min ? refuse(code, { waitMs: since + min - now }) : null;
  };
  return age(rules.minAccountAgeMs, actor.facts?.accountCreatedAt, 'eligibility.account-too-new')
    ?? age(rules.minMemberAgeMs, actor.facts?.memberSince, 'eligibility.member-too-new');
}

/** `platform:userId` as a manager types it: a fan platform, then an id without spaces. */
const FAN_KEY = /^(discord|telegram|local):[A-Za-z0-9_.-]{1,64}$/;

/** Whether `value` is a fan's identity as a manager types it (`platform:userId`), so that it may name a fan in a ban or an export. */
export function isFanKey(value: string): boolean {
  return typeof value === 'string' && FAN_KEY.test(value);
}
