import { COMMAND_TYPES, mayRun, requiredRole, rolesOf } from '../../src/engine/permissions';
import type { Command, CommandType } from '../../src/engine/commands';
import type { Role } from '../../src/model/campaign';
import { campaign, category, code, fan, harness } from '../helpers/harness';

/** The rule the engine applied before its handlers declared it, kept here as the reference. */
const LEAST_ROLE: Record<CommandType, Role> = {
  propose: 'fan', edit: 'fan', withdraw: 'fan', like: 'fan', unlike: 'fan', vote: 'fan', status: 'fan', proposals: 'fan',
  'shortlist.list': 'fan', results: 'fan', receipt: 'fan', mydata: 'fan', forgetme: 'fan',
  reject: 'curator', 'shortlist.add': 'curator', 'shortlist.remove': 'curator', 'break-tie': 'curator',
  ban: 'curator', unban: 'curator', bans: 'curator',
  advance: 'manager', pause: 'manager', resume: 'manager', extend: 'manager', export: 'manager',
  'fan.export': 'manager', 'fan.erase': 'manager',
};

describe('who may run each command, as the engine declares it', () => {
  it('lists every command type the engine accepts, once each', () => {
    expect([...COMMAND_TYPES].sort()).toEqual(Object.keys(LEAST_ROLE).sort());
    expect(new Set(COMMAND_TYPES).size).toBe(COMMAND_TYPES.length);
  });

  it('answers the least role of every command from its handler', () => {
    for (const type of COMMAND_TYPES) expect([type, requiredRole(type)]).toEqual([type, LEAST_ROLE[type]]);
  });

  it('lets a fan run fan commands only, a curator curator commands too, a manager everything', () => {
    const spec = campaign([category('c')]);
    const as = (roles: Role[]) => rolesOf(fan('x', roles), spec);
    for (const type of COMMAND_TYPES) {
      expect([type, mayRun(type, as([]))]).toEqual([type, LEAST_ROLE[type] === 'fan']);
      expect([type, mayRun(type, as(['curator']))]).toEqual([type, LEAST_ROLE[type] !== 'manager']);
      expect([type, mayRun(type, as(['manager']))]).toEqual([type, true]);
    }
  });

  it('refuses a command type it does not know, even one named after an Object method', () => {
    for (const forged of ['nope', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(mayRun(forged as CommandType, ['fan', 'curator', 'manager'])).toBe(false);
    }
  });

  it('answers actor.not-allowed to a forged command type, reporting no error', async () => {
    const h = await harness(campaign([category('c')]));
    for (const forged of ['nope', 'toString', 'constructor']) {
      const command = { type: forged, campaignId: h.spec.id } as unknown as Command;
      expect(code(await h.engine.execute(command, fan('lea', ['manager'])))).toBe('actor.not-allowed');
    }
    expect(h.errors).toEqual([]);
  });
});
