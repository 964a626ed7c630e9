/**
 * Opening a campaign the store already holds, for the tools that read one (`results`,
 * `recount`, `verify`, `audit`, `fan`): its state comes from Redis when REDIS_URL is set, else
 * from the embedded store's saved state (COCREATE_DATA_DIR). Its definition comes from the file
 * given with `--file` when there is one (an explicit file wins), else from the store (kept by
 * `run` and `simulate`: no file needed on this machine), else — a campaign stored before the
 * store kept definitions — from the campaign files among COCREATE_CAMPAIGNS and campaigns/.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SystemClock } from '../clock/system-clock';
import { decodeDefinition, encodeDefinition } from '../config/definition';
import { loadCampaignFile } from '../config/loader';
import type { CampaignSpec } from '../model/campaign';
import type { CampaignStore } from '../ports/campaign-store';
import type { Clock } from '../ports/clock';
import type { Metrics } from '../observe/metrics';
import { durabilityOf, redisEndpointOf } from '../config/env';
import { connectEndpoint, type RedisEndpoint } from '../stores/redis/connection';
import { RedisCampaignStore } from '../stores/redis/redis-store';
import { environment, loadCampaigns, type LoadedCampaign, type RunEnv } from './campaign-files';
import { CliError } from './cli-error';
import { embeddedRuntime, loadState, redisRuntime, statePath, type DurabilityReport, type Runtime } from './runtime';

/** Options of `connectRedis`. */
export interface ConnectOptions {
  readonly campaigns: readonly CampaignSpec[];
  readonly clock: Clock;
  readonly env: RunEnv;
  /** A server of its own (`simulate --redis URL`) instead of the environment's. */
  readonly url?: string;
  readonly scheduler?: 'memory';
  readonly metrics?: Metrics;
  readonly onError?: (error: unknown, context: string) => void;
  readonly onWarning?: (message: string, durability: DurabilityReport) => void;
  readonly drainMs?: number;
}

/** The Redis of the environment (REDIS_URL, REDIS_CLUSTER or REDIS_SENTINELS), or of `url`. */
function endpointOf(env: RunEnv, url?: string): RedisEndpoint {
  const { config } = env;
  const { redisSentinel: _sentinel, ...direct } = config;
  const endpoint = redisEndpointOf(url === undefined ? config : { ...direct, redisUrl: url });
  if (!endpoint) throw new CliError('Redis is not configured (REDIS_URL or REDIS_SENTINELS)');
  return endpoint;
}

/** What names the Redis in an error: the variable to change. */
function variableOf(env: RunEnv): string {
  return env.config.redisSentinel ? 'REDIS_SENTINELS' : 'REDIS_URL';
}

/**
 * The Redis runtime from the environment (REDIS_URL, REDIS_CLUSTER or REDIS_SENTINELS; COCREATE_ACK,
 * COCREATE_DURABILITY); a clear one-line error when Redis cannot be reached or the ack mode cannot be honoured.
 */
export async function connectRedis(options: ConnectOptions): Promise<Runtime> {
  const { config } = options.env;
  const endpoint = endpointOf(options.env, options.url);
  const { ack, ackTimeoutMs, strict } = durabilityOf(config);
  try {
    return await redisRuntime({
      campaigns: options.campaigns, clock: options.clock, endpoint, ack, ackTimeoutMs, strict,
      prefix: config.redisPrefix,
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.drainMs === undefined ? {} : { drainMs: options.drainMs }),
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (${variableOf(options.env)}; unset it to use the embedded memory store)`);
  }
}

/**
 * Stores each campaign's definition beside its state (after `engine.start()`, which created
 * the state), so that the tools find it without its file. `shiftMs`: how far `run --from-now`
 * moved its schedule.
 */
export async function rememberDefinitions(store: CampaignStore, campaigns: readonly (LoadedCampaign & { readonly shiftMs?: number })[]): Promise<void> {
  for (const { spec, file, shiftMs } of campaigns) await store.saveDefinition(spec.id, encodeDefinition(file, shiftMs ?? 0));
}

/** A campaign read for a tool: its runtime (close it) and its spec. */
export interface OpenedCampaign {
  readonly runtime: Runtime;
  readonly spec: CampaignSpec;
}

/** Opens the stored campaign `id` (see the module's comment); `file`: a campaign file given explicitly. */
export async function openSaved(id: string, file?: string): Promise<OpenedCampaign> {
  const env = environment();
  const given = file === undefined ? undefined : explicitCampaign(id, file);
  const clock = new SystemClock({ unref: true });
  if (redisEndpointOf(env.config)) {
    const spec = given ?? await storedDefinition(id, env);
    const runtime = await connectRedis({ campaigns: [spec], clock, env, scheduler: 'memory' });
    if (!(await runtime.store.listCampaigns()).includes(id)) {
      await runtime.close();
      throw new CliError(`no state for campaign "${id}" in Redis under the prefix "${env.config.redisPrefix}"`);
    }
    return { runtime, spec };
  }
  const path = statePath(id, env.config.dataDir);
  const probe = embeddedRuntime({ campaigns: [], clock });
  const saved = await loadState(probe.store, id, path);
  if (!saved) throw new CliError(`no state for campaign "${id}" in ${path}: run or simulate it first (the embedded store keeps campaigns there)`);
  const spec = given ?? saved;
  const runtime = embeddedRuntime({ campaigns: [spec], clock });
  await loadState(runtime.store, id, path);
  return { runtime, spec };
}

/** The campaign of a file given explicitly; it must declare `id`. */
function explicitCampaign(id: string, file: string): CampaignSpec {
  const [loaded] = loadCampaigns([file]);
  if (loaded!.spec.id !== id) throw new CliError(`${file} declares the campaign "${loaded!.spec.id}", not "${id}"`);
  return loaded!.spec;
}

/** The definition Redis keeps for `id`; for a campaign stored without one, its file among the configured ones. */
async function storedDefinition(id: string, env: RunEnv): Promise<CampaignSpec> {
  let text: string | null;
  const redis = await connectEndpoint(endpointOf(env)).catch((error: unknown) => {
    throw new CliError(`${(error as Error).message} (${variableOf(env)}; unset it to use the embedded memory store)`);
  });
  redis.on('error', () => {}); // a failure surfaces as the GET's rejection
  try {
    text = await new RedisCampaignStore({ redis, prefix: env.config.redisPrefix }).getDefinition(id);
  } finally {
    redis.disconnect();
  }
  if (text === null) return findCampaign(id, env.config.campaigns);
  const decoded = decodeDefinition(text);
  if (!decoded.ok) {
    throw new CliError(`the definition of campaign "${id}" stored in Redis does not validate with this version of cocreate:\n${decoded.problems.join('\n')}\ngive its campaign file with --file FILE`);
  }
  return decoded.spec;
}

/** The campaign file declaring `id`, among the configured files and campaigns/. */
async function findCampaign(id: string, configured: readonly string[]): Promise<CampaignSpec> {
  const shipped = (await readdir('campaigns').catch(() => [])).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => join('campaigns', f));
  for (const file of [...configured, ...shipped]) {
    const loaded = loadCampaignFile(file);
    if (loaded.ok && loaded.spec.id === id) return loaded.spec;
  }
  throw new CliError(`the store keeps no definition of campaign "${id}" and no campaign file declares it (looked in COCREATE_CAMPAIGNS and campaigns/): give it with --file FILE`);
}

/** The campaigns with stored state: in Redis when REDIS_URL is set, else the embedded store's files. */
export async function storedCampaigns(): Promise<string[]> {
  const env = environment();
  if (redisEndpointOf(env.config)) {
    const specs = env.config.campaigns.map((file) => loadCampaignFile(file));
    const clock = new SystemClock({ unref: true });
    const runtime = await connectRedis({ campaigns: specs.flatMap((l) => (l.ok ? [l.spec] : [])), clock, env, scheduler: 'memory' });
    try {
      return await runtime.store.listCampaigns();
    } finally {
      await runtime.close();
    }
  }
  return (await readdir(env.config.dataDir).catch(() => [])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
}
