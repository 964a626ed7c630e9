import { COMMAND_TYPES } from '../../../src/engine/permissions';
import type { HandlerTable } from '../../../src/engine/handlers/handler';
import { HANDLERS } from '../../../src/engine/handlers/registry';
import { statusHandlers } from '../../../src/engine/handlers/status';

describe('the engine as handlers', () => {
  it('gives every command type one handler with a role and a run function', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...COMMAND_TYPES].sort());
    for (const type of COMMAND_TYPES) {
      const handler = HANDLERS[type];
      expect([type, ['fan', 'curator', 'manager'].includes(handler.role), typeof handler.run]).toEqual([type, true, 'function']);
    }
  });

  it('audits exactly the manager and curator actions that change or export something', () => {
    const audited = COMMAND_TYPES.filter((type) => HANDLERS[type].audit !== undefined).sort();
    expect(audited).toEqual([
      'advance', 'ban', 'break-tie', 'export', 'extend', 'fan.erase', 'fan.export', 'pause', 'reject', 'resume',
      'shortlist.add', 'shortlist.remove', 'unban',
    ]);
  });

  it('rejects, at compile time, a handler table that leaves out one of its commands', () => {
    // @ts-expect-error `vote` has no handler in this table
    const incomplete: HandlerTable<'status' | 'vote'> = { status: statusHandlers.status };
    expect(Object.keys(incomplete)).toEqual(['status']);
  });
});
