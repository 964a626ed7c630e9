/**
 * Who may do what (DESIGN invariant 2: checked here, once, for every platform).
 */
import type { Actor, CampaignSpec, Role, RoleGrants } from '../model/campaign';
import type { CommandType } from './commands';

/**
 * The Telegram grant that names a chat's administrators rather than one user: `"admins"` in a
 * campaign file's `roles.*.telegram`. The Telegram adapter passes it in `memberRoleIds` for a
 * member who administers the chat the command came from; it counts only where the file grants it.
 */
export const TELEGRAM_CHAT_ADMINS = 'admins';

/**
 * The campaign roles of an actor. Discord grants by the member's role ids or user id,
 * Telegram by user id (or, with `"admins"`, to the chat's administrators); the local terminal
 * and the system actor carry their roles themselves. Everybody is a fan; a manager is also a curator.
 */
export function rolesOf(actor: Actor, campaign: CampaignSpec): Role[] {
  const roles = new Set<Role>(['fan']);
  const grants = (g: RoleGrants): boolean => {
    switch (actor.platform) {
      case 'discord':
        return g.discord.includes(actor.userId) || (actor.memberRoleIds ?? []).some((id) => g.discord.includes(id));
      case 'telegram':
        return g.telegram.includes(actor.userId)
          || ((actor.memberRoleIds ?? []).includes(TELEGRAM_CHAT_ADMINS) && g.telegram.includes(TELEGRAM_CHAT_ADMINS));
      case 'local':
      case 'system':
        return false;
    }
  };
  const claimed = actor.platform === 'local' || actor.platform === 'system' ? (actor.grantedRoles ?? []) : [];
  if (grants(campaign.roles.managers) || claimed.includes('manager')) roles.add('manager').add('curator');
  if (grants(campaign.roles.curators) || claimed.includes('curator')) roles.add('curator');
  return [...roles];
}

/** The least role each command needs. */
const REQUIRED: Record<CommandType, Role> = {
  propose: 'fan',
  edit: 'fan',
  withdraw: 'fan',
  like: 'fan',
  unlike: 'fan',
  vote: 'fan',
  status: 'fan',
  proposals: 'fan',
  'shortlist.list': 'fan',
  results: 'fan',
  receipt: 'fan',
  reject: 'curator',
  'shortlist.add': 'curator',
  'shortlist.remove': 'curator',
  'break-tie': 'curator',
  advance: 'manager',
  pause: 'manager',
  resume: 'manager',
  extend: 'manager',
  export: 'manager',
  mydata: 'fan',
  forgetme: 'fan',
  ban: 'curator',
  unban: 'curator',
  bans: 'curator',
  'fan.export': 'manager',
  'fan.erase': 'manager',
};

export function mayRun(type: CommandType, roles: readonly Role[]): boolean {
  return roles.includes(REQUIRED[type]);
}
