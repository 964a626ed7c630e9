import { mayRun, rolesOf, TELEGRAM_CHAT_ADMINS } from '../../../src/engine/permissions';
import type { Actor, CampaignSpec, RolesSpec } from '../../../src/model/campaign';

function campaign(roles: RolesSpec): CampaignSpec {
  return { id: 'c', title: 'C', locale: 'en', channels: { discord: [], telegram: [{ chat: '-100' }] }, roles, categories: [] };
}

const grants = (telegram: string[]) => ({ discord: [], telegram });
const admin: Actor = { platform: 'telegram', userId: '42', displayName: 'Ada', memberRoleIds: [TELEGRAM_CHAT_ADMINS] };
const member: Actor = { platform: 'telegram', userId: '43', displayName: 'Bea' };

describe('Telegram roles, decided by the engine', () => {
  it('grants by user id', () => {
    const spec = campaign({ curators: grants(['43']), managers: grants([]) });
    expect(rolesOf(member, spec).sort()).toEqual(['curator', 'fan']);
    expect(mayRun('shortlist.add', rolesOf(member, spec))).toBe(true);
    expect(mayRun('advance', rolesOf(member, spec))).toBe(false);
  });

  it('grants chat administrators only where the campaign file says "admins"', () => {
    expect(rolesOf(admin, campaign({ curators: grants([]), managers: grants(['admins']) })).sort()).toEqual(['curator', 'fan', 'manager']);
    expect(rolesOf(admin, campaign({ curators: grants(['admins']), managers: grants(['1']) })).sort()).toEqual(['curator', 'fan']);
    expect(rolesOf(admin, campaign({ curators: grants(['1']), managers: grants(['2']) }))).toEqual(['fan']);
    expect(rolesOf(member, campaign({ curators: grants(['admins']), managers: grants(['admins']) }))).toEqual(['fan']);
  });

  it('never lets another role id stand for a Telegram user id', () => {
    const forged: Actor = { platform: 'telegram', userId: '9', displayName: 'Eve', memberRoleIds: ['1', 'managers'] };
    expect(rolesOf(forged, campaign({ curators: grants(['1']), managers: grants(['managers']) }))).toEqual(['fan']);
    // "admins" granted on Telegram gives nothing to a Discord member holding a role called so.
    const discord: Actor = { platform: 'discord', userId: '9', displayName: 'Eve', memberRoleIds: [TELEGRAM_CHAT_ADMINS] };
    expect(rolesOf(discord, campaign({ curators: grants(['admins']), managers: grants(['admins']) }))).toEqual(['fan']);
  });
});
