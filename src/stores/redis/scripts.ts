/**
 * The Lua scripts of the Redis store, one per file in `lua/` (`<name>-<numberOfKeys>.lua`, or
 * `<name>-N.lua` for a script whose number of keys varies from call to call), registered with
 * `defineCommand` under versioned names `cocreate:<name>:<sha>` by the shared loader
 * (src/redis/script-loader.ts).
 *
 * A line `--- @include "includes/<file>"` is replaced by that file (once per script, however
 * many files include it); `--- @include "codes"` by the table `Code` built from ScriptCode.
 */
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { ScriptSet, type LuaScript as AnyLuaScript } from '../../redis/script-loader';
import { ScriptCode } from './script-codes';

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
  | 'appendAudit';

export type LuaScript = AnyLuaScript<ScriptName>;

const STORE_SCRIPTS = new ScriptSet<ScriptName>({
  dir: join(__dirname, 'lua'),
  namespace: 'cocreate',
  tables: { codes: { name: 'Code', entries: ScriptCode } },
});

/** Every script of `lua/`, with its includes resolved (read once per process). */
export function luaScripts(): ReadonlyMap<ScriptName, LuaScript> {
  return STORE_SCRIPTS.scripts();
}

/** Registers every script on the client (idempotent); EVALSHA falls back to EVAL on NOSCRIPT. */
export function defineScripts(client: Redis | Cluster): void {
  STORE_SCRIPTS.define(client);
}

/**
 * Runs a script on a client; `defineScripts` must have run on it. Resolves with its reply.
 * It goes as EVALSHA (as EVAL the first time on a connection); when Redis answers NOSCRIPT
 * (a fresh or restarted Redis, SCRIPT FLUSH: the script did not run) ioredis sends it again as
 * EVAL, so a call runs once whether or not Redis had the script.
 */
export function runScript(client: Redis | Cluster, name: ScriptName, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  return STORE_SCRIPTS.run(client, name, keys, args);
}
