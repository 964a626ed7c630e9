/**
 * Loads the Lua scripts of the Redis store (one per file, `lua/<name>-<numberOfKeys>.lua`)
 * and registers them on an ioredis client with `defineCommand`, under a versioned name, so
 * that two versions of cocreate sharing a client (or a Redis) never run each other's script.
 *
 * A line `--- @include "includes/<file>"` is replaced by that file (once per script, however
 * many files include it); `--- @include "codes"` by the table `Code` built from ScriptCode.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import { ScriptCode } from './codes';

const LUA_DIR = join(__dirname, 'lua');
const FILE = /^([a-z-]+)-(\d+)\.lua$/;
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
  | 'scanBallots'
  | 'transition'
  | 'retime'
  | 'saveResults';

export interface LuaScript {
  readonly name: ScriptName;
  /** The name it is registered under: `cocreate:<name>:<first 10 hex of its sha1>`. */
  readonly command: string;
  readonly numberOfKeys: number;
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
    scripts.set(name, { name, command: `cocreate:${name}:${sha.slice(0, 10)}`, numberOfKeys: Number(match[2]), lua, sha });
  }
  loaded = scripts;
  return scripts;
}

/** Registers every script on the client (idempotent); EVALSHA falls back to EVAL on NOSCRIPT. */
export function defineScripts(client: Redis | Cluster): void {
  for (const { command, numberOfKeys, lua } of luaScripts().values()) {
    if (!(command in client)) client.defineCommand(command, { numberOfKeys, lua });
  }
}

/** Runs a script on a client; `defineScripts` must have run on it. Resolves with its reply. */
export function runScript(client: Redis | Cluster, name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  return scriptCall(client, name, keys).call(client, ...keys, ...args) as Promise<unknown>;
}

/**
 * Queues a bare EVALSHA of a script on a pipeline (cheaper than the defined command on the hot
 * path). Its reply is a NOSCRIPT error when Redis does not have the script (a fresh or
 * restarted Redis): nothing ran, and `runScript` may send it again (it falls back to EVAL).
 */
export function queueEvalsha(pipeline: ChainableCommander, name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): void {
  const script = scriptOf(name, keys);
  pipeline.evalsha(script.sha, script.numberOfKeys, ...keys, ...args);
}

/** Whether a script's error means Redis did not have the script (so it did not run). */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function scriptCall(target: Redis | Cluster, name: ScriptName, keys: readonly string[]): ScriptCall {
  const { command } = scriptOf(name, keys);
  const call = (target as unknown as Record<string, ScriptCall | undefined>)[command];
  if (!call) throw new Error(`Lua script ${command} is not defined on this client`);
  return call;
}

function scriptOf(name: ScriptName, keys: readonly string[]): LuaScript {
  const script = luaScripts().get(name);
  if (!script) throw new Error(`no Lua script ${name} in ${LUA_DIR}`);
  if (keys.length !== script.numberOfKeys) throw new Error(`${name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
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
