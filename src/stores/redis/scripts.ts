/**
 * Loads the Lua scripts of the Redis store (one per file, `lua/<name>-<numberOfKeys>.lua`, or
 * `lua/<name>-N.lua` for a script whose number of keys varies from call to call) and registers
 * them on an ioredis client with `defineCommand`, under a versioned name, so that two versions
 * of cocreate sharing a client (or a Redis) never run each other's script.
 *
 * A line `--- @include "includes/<file>"` is replaced by that file (once per script, however
 * many files include it); `--- @include "codes"` by the table `Code` built from ScriptCode.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { ScriptCode } from './script-codes';

const LUA_DIR = join(__dirname, 'lua');
const FILE = /^([a-z-]+)-(\d+|N)\.lua$/;
const INCLUDE = /^--- @include "([^"]+)"\s*$/gm;

export type ScriptName =
  | 'initCampaign'
  | 'addProposal'
  | 'editProposal'
  | 'withdrawProposal'
  | 'rejectProposal'
  | 'like'
  | 'unlike'
  | 'shortlistAdd'
  | 'shortlistRemove'
  | 'castBallot'
  | 'castBallots'
  | 'scanBallots'
  | 'transition'
  | 'retime'
  | 'saveResults'
  | 'rateLimit'
  | 'eraseFan'
  | 'purgeBallots'
  | 'purgeAuthors'
  | 'ensureSecret'
  | 'appendAudit'
  | 'saveDefinition';

export interface LuaScript {
  readonly name: ScriptName;
  /** The name it is registered under: `cocreate:<name>:<first 10 hex of its sha1>`. */
  readonly command: string;
  /** null for a `-N` script: each call passes its own keys, their number first (ioredis adds it). */
  readonly numberOfKeys: number | null;
  readonly lua: string;
  /** SHA1 of `lua`: what EVALSHA takes. */
  readonly sha: string;
}

type ScriptCall = (...keysThenArgs: (string | number)[]) => unknown;

let loaded: ReadonlyMap<ScriptName, LuaScript> | undefined;

/** Every script of `lua/`, with its includes resolved (read once per process). */
export function luaScripts(): ReadonlyMap<ScriptName, LuaScript> {
  if (loaded) return loaded;
  const scripts = new Map<ScriptName, LuaScript>();
  for (const file of readdirSync(LUA_DIR).sort()) {
    const match = FILE.exec(file);
    if (!match) continue;
    const name = match[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as ScriptName;
    const lua = resolveIncludes(readFileSync(join(LUA_DIR, file), 'utf8'), new Set());
    const sha = createHash('sha1').update(lua).digest('hex');
    const numberOfKeys = match[2] === 'N' ? null : Number(match[2]);
    scripts.set(name, { name, command: `cocreate:${name}:${sha.slice(0, 10)}`, numberOfKeys, lua, sha });
  }
  loaded = scripts;
  return scripts;
}

/** Registers every script on the client (idempotent); EVALSHA falls back to EVAL on NOSCRIPT. */
export function defineScripts(client: Redis | Cluster): void {
  for (const { command, numberOfKeys, lua } of luaScripts().values()) {
    if (!(command in client)) client.defineCommand(command, numberOfKeys === null ? { lua } : { numberOfKeys, lua });
  }
}

/**
 * Runs a script on a client; `defineScripts` must have run on it. Resolves with its reply.
 * It goes as EVALSHA (as EVAL the first time on a connection); when Redis answers NOSCRIPT
 * (a fresh or restarted Redis, SCRIPT FLUSH: the script did not run) ioredis sends it again as
 * EVAL, so a call runs once whether or not Redis had the script.
 */
export function runScript(client: Redis | Cluster, name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  const script = scriptOf(name, keys);
  const call = (client as unknown as Record<string, ScriptCall | undefined>)[script.command];
  if (!call) throw new Error(`Lua script ${script.command} is not defined on this client`);
  if (script.numberOfKeys === null) return call.call(client, keys.length, ...keys, ...args) as Promise<unknown>;
  return call.call(client, ...keys, ...args) as Promise<unknown>;
}

function scriptOf(name: ScriptName, keys: readonly string[]): LuaScript {
  const script = luaScripts().get(name);
  if (!script) throw new Error(`no Lua script ${name} in ${LUA_DIR}`);
  if (script.numberOfKeys !== null && keys.length !== script.numberOfKeys) throw new Error(`${name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
  return script;
}

function resolveIncludes(source: string, included: Set<string>): string {
  return source.replace(INCLUDE, (_, name: string) => {
    if (included.has(name)) return '';
    included.add(name);
    if (name === 'codes') return codesTable();
    return resolveIncludes(readFileSync(join(LUA_DIR, `${name}.lua`), 'utf8'), included).trimEnd();
  });
}

/** `local Code = { Ok = 0, … }` from ScriptCode: the numbers are written once, in TypeScript. */
function codesTable(): string {
  const entries = Object.entries(ScriptCode).filter(([, value]) => typeof value === 'number');
  return `local Code = { ${entries.map(([key, value]) => `${key} = ${value}`).join(', ')} }`;
}
