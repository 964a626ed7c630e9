/**
 * The campaign roles of an actor, from the grants of its campaign file. Which role each
 * command needs is declared by its handler (see `permissions.ts`).
 */
import type { Actor, CampaignSpec, Role, RoleGrants } from '../model/campaign';

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
