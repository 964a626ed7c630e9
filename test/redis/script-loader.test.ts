import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { luaTable, ScriptSet } from '../../src/redis/script-loader';

enum Code {
  Ok = 0,
  NotApplied = -1,
  Refused = 3,
}

describe('ScriptSet', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lua-'));
    mkdirSync(join(dir, 'includes'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (file: string, text: string) => writeFileSync(join(dir, file), text);

  it('names each script after its file and takes its number of keys from the name', () => {
    write('cast-ballot-5.lua', 'return 1\n');
    write('scan-N.lua', 'return 2\n');
    write('notes.txt', 'not a script');
    const scripts = new ScriptSet<'castBallot' | 'scan'>({ dir, namespace: 'test' }).scripts();
    expect([...scripts.keys()]).toEqual(['castBallot', 'scan']);
    expect(scripts.get('castBallot')).toMatchObject({ numberOfKeys: 5, lua: 'return 1\n' });
    expect(scripts.get('scan')?.numberOfKeys).toBeNull();
  });

  it('registers a script under a name that changes with its text', () => {
    write('a-1.lua', 'return 1\n');
    const before = new ScriptSet<'a'>({ dir, namespace: 'ns:x' }).scripts().get('a')!;
    write('a-1.lua', 'return 2\n');
    const after = new ScriptSet<'a'>({ dir, namespace: 'ns:x' }).scripts().get('a')!;
    expect(before.command).toMatch(/^ns:x:a:[0-9a-f]{10}$/);
    expect(after.command).not.toBe(before.command);
  });

  it('inlines each include once however many files include it, and generated tables from TypeScript', () => {
    write('includes/helper.lua', '--- @include "codes"\nlocal function helper() return Code.Ok end\n');
    write('main-1.lua', '--- @include "codes"\n--- @include "includes/helper"\n--- @include "includes/helper"\nreturn helper()\n');
    const lua = new ScriptSet<'main'>({ dir, namespace: 't', tables: { codes: { name: 'Code', entries: Code } } }).scripts().get('main')!.lua;
    expect(lua.match(/local Code =/g)).toHaveLength(1);
    expect(lua.match(/local function helper/g)).toHaveLength(1);
    expect(lua).toContain('local Code = { Ok = 0, NotApplied = -1, Refused = 3 }');
  });

  it('refuses, before sending anything, a script that does not exist or a wrong number of keys', () => {
    write('a-2.lua', 'return 1\n');
    const set = new ScriptSet<'a' | 'b'>({ dir, namespace: 't' });
    const client = {} as never;
    expect(() => set.run(client, 'b', [], [])).toThrow(/no Lua script b/);
    expect(() => set.run(client, 'a', ['k'], [])).toThrow(/a takes 2 keys, got 1/);
    expect(() => set.run(client, 'a', ['k', 'l'], [])).toThrow(/is not defined on this client/);
  });
});

describe('luaTable', () => {
  it('writes strings quoted and numbers as they are', () => {
    expect(luaTable({ name: 'Field', entries: { id: 'id', ttl: 30 } })).toBe("local Field = { id = 'id', ttl = 30 }");
  });

  it('refuses a string that would need escaping in Lua', () => {
    expect(() => luaTable({ name: 'Field', entries: { id: "it's" } })).toThrow(/not a plain string/);
    expect(() => luaTable({ name: 'not a name', entries: {} })).toThrow(/not a Lua name/);
  });
});
