/**
 * Loads a folder of Lua scripts (one per file, `<name>-<numberOfKeys>.lua`, or `<name>-N.lua`
 * for a script whose number of keys varies from call to call) and registers them on an ioredis
 * client with `defineCommand`, under a versioned name, so that two versions of cocreate sharing
 * a client (or a Redis) never run each other's script. The Redis store and the outbox each
 * have their own folder and namespace; both load them here.
 *
 * A line `--- @include "includes/<file>"` is replaced by that file of the folder (once per
 * script, however many files include it); `--- @include "<table>"` by a Lua table generated
 * from TypeScript values (`tables`), so that numbers and names are written once, in TypeScript.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';

const FILE = /^([a-z-]+)-(\d+|N)\.lua$/;
const INCLUDE = /^--- @include "([^"]+)"\s*$/gm;
const LUA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LUA_SAFE_STRING = /^[A-Za-z0-9_.:/-]*$/;

export interface LuaScript<Name extends string = string> {
  readonly name: Name;
  /** The name it is registered under: `<namespace>:<name>:<first 10 hex of its sha1>`. */
  readonly command: string;
  /** null for a `-N` script: each call passes its own keys, their number first (ioredis adds it). */
  readonly numberOfKeys: number | null;
  /** The script with its includes resolved: what Redis runs. */
  readonly lua: string;
  /** SHA1 of `lua`: what EVALSHA takes. */
  readonly sha: string;
}

/** A Lua table generated for `--- @include "<include name>"`: `local <name> = { key = value, … }`. */
export interface GeneratedTable {
  /** The Lua variable the include declares. */
  readonly name: string;
  /**
   * Its entries. A TypeScript numeric enum may be given as is: its reverse entries (number →
   * name) are not Lua names and are left out. Strings must be plain (letters, digits, `_.:/-`).
   */
  readonly entries: Readonly<Record<string, string | number>>;
}

export interface ScriptSetOptions {
  /** The folder of the scripts; `includes/` inside it holds the shared helpers. */
  readonly dir: string;
  /** First part of every registered command name, e.g. `cocreate` or `cocreate:outbox`. */
  readonly namespace: string;
  /** Generated includes, by include name. */
  readonly tables?: Readonly<Record<string, GeneratedTable>>;
}

type ScriptCall = (...keysThenArgs: (string | number)[]) => unknown;

/**
 * The scripts of one folder. `Name` is the union of their names (`cast-ballot-5.lua` is
 * `castBallot`); a name with no file is an error when it is first run.
 */
export class ScriptSet<Name extends string> {
  private loaded: ReadonlyMap<Name, LuaScript<Name>> | undefined;

  constructor(private readonly options: ScriptSetOptions) {}

  /** Every script of the folder, with its includes resolved (read once per process). */
  scripts(): ReadonlyMap<Name, LuaScript<Name>> {
    if (this.loaded) return this.loaded;
    const { dir, namespace } = this.options;
    const scripts = new Map<Name, LuaScript<Name>>();
    for (const file of readdirSync(dir).sort()) {
      const match = FILE.exec(file);
      if (!match) continue;
      const name = match[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as Name;
      const lua = this.resolveIncludes(readFileSync(join(dir, file), 'utf8'), new Set());
      const sha = createHash('sha1').update(lua).digest('hex');
      const numberOfKeys = match[2] === 'N' ? null : Number(match[2]);
      scripts.set(name, { name, command: `${namespace}:${name}:${sha.slice(0, 10)}`, numberOfKeys, lua, sha });
    }
    this.loaded = scripts;
    return scripts;
  }

  /** Registers every script on the client (idempotent); EVALSHA falls back to EVAL on NOSCRIPT. */
  define(client: Redis | Cluster): void {
    for (const { command, numberOfKeys, lua } of this.scripts().values()) {
      if (!(command in client)) client.defineCommand(command, numberOfKeys === null ? { lua } : { numberOfKeys, lua });
    }
  }

  /**
   * Runs a script on a client; `define` must have run on it. Resolves with its reply.
   * It goes as EVALSHA (as EVAL the first time on a connection); when Redis answers NOSCRIPT
   * (a fresh or restarted Redis, SCRIPT FLUSH: the script did not run) ioredis sends it again as
   * EVAL, so a call runs once whether or not Redis had the script. Throws, before sending
   * anything, when the script does not exist or takes another number of keys.
   */
  run(client: Redis | Cluster, name: Name, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const script = this.scriptOf(name, keys);
    const call = (client as unknown as Record<string, ScriptCall | undefined>)[script.command];
    if (!call) throw new Error(`Lua script ${script.command} is not defined on this client`);
    if (script.numberOfKeys === null) return call.call(client, keys.length, ...keys, ...args) as Promise<unknown>;
    return call.call(client, ...keys, ...args) as Promise<unknown>;
  }

  private scriptOf(name: Name, keys: readonly string[]): LuaScript<Name> {
    const script = this.scripts().get(name);
    if (!script) throw new Error(`no Lua script ${name} in ${this.options.dir}`);
    if (script.numberOfKeys !== null && keys.length !== script.numberOfKeys) throw new Error(`${name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
    return script;
  }

  private resolveIncludes(source: string, included: Set<string>): string {
    return source.replace(INCLUDE, (_, name: string) => {
      if (included.has(name)) return '';
      included.add(name);
      const table = this.options.tables?.[name];
      if (table) return luaTable(table);
      return this.resolveIncludes(readFileSync(join(this.options.dir, `${name}.lua`), 'utf8'), included).trimEnd();
    });
  }
}

/** `local Name = { key = value, … }`; throws on a value that would need escaping in Lua. */
export function luaTable({ name, entries }: GeneratedTable): string {
  if (!LUA_NAME.test(name)) throw new Error(`not a Lua name: ${JSON.stringify(name)}`);
  const fields = Object.entries(entries)
    .filter(([key]) => LUA_NAME.test(key))
    .map(([key, value]) => {
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new Error(`${name}.${key} is not a finite number`);
        return `${key} = ${value}`;
      }
      if (!LUA_SAFE_STRING.test(value)) throw new Error(`${name}.${key} = ${JSON.stringify(value)} is not a plain string`);
      return `${key} = '${value}'`;
    });
  return `local ${name} = { ${fields.join(', ')} }`;
}
