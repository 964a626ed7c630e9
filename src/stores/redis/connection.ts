import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * The ioredis options the Redis store needs, so that "the store cannot confirm" surfaces as a
 * rejected call (the engine answers `store.unavailable`) instead of a fan waiting forever:
 *
 * - `enableOfflineQueue: false`: while disconnected, a command fails at once instead of
 *   waiting in the offline queue. (So wait for `ready` before the first command:
 *   `createRedisConnection` does.)
 * - `maxRetriesPerRequest: 0`: commands in flight when the connection drops fail at once
 *   (with 1 or more they would wait for reconnection attempts first).
 * - `autoResendUnfulfilledCommands: false`: a script whose answer was lost is never sent
 *   again behind the caller's back (it may have run: a resent ballot would answer
 *   "already cast" to the fan whose ballot was just counted).
 * - `commandTimeout`: a Redis that keeps the connection but stops answering (stopped with
 *   SIGSTOP, swapping, a network partition) fails the call after this many ms. (Connections
 *   for BullMQ's blocking commands must drop it: src/scheduler/bullmq.ts `workerCopy` does.)
 * - `retryStrategy`: reconnects on its own, forever, backing off up to 2 s.
 * - `enableAutoPipelining: false`: slower than the store's own ballot batching
 *   (docs: PLATFORMS.md, "Redis, ioredis and BullMQ facts").
 *
 * After a Redis restart (or SCRIPT FLUSH) the script cache is empty: scripts registered with
 * `defineCommand` (batched ballots included) go as EVAL on each new socket and fall back to
 * EVAL on NOSCRIPT (which means the script did not run). Nothing to configure.
 *
 * BullMQ workers want a copy of their own (`maxRetriesPerRequest: null`, the offline queue, no
 * `commandTimeout`). For a Redis Cluster, pass these options as `redisOptions`, plus
 * `enableOfflineQueue: false`, to `new Cluster(nodes, …)`.
 */
export const FAIL_FAST_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 2_000,
  connectTimeout: 5_000,
  retryStrategy: (attempt: number): number => Math.min(50 * 2 ** attempt, 2_000),
  enableAutoPipelining: false,
} as const satisfies RedisOptions;

/**
 * Connects to the Redis at `url` (`redis://[user:pass@]host:port[/db]`, `rediss://` for TLS,
 * or a unix socket path) with FAIL_FAST_OPTIONS (`options` may override them) and resolves once
 * the connection is ready; rejects, leaving nothing behind, if that first attempt fails. Later
 * disconnections make calls reject until it has reconnected on its own. Listen to its `error`
 * events (ioredis prints them otherwise).
 */
export async function createRedisConnection(url: string, options: Omit<RedisOptions, 'replyMapping'> = {}): Promise<Redis> {
  const { retryStrategy, ...rest } = { ...FAIL_FAST_OPTIONS, ...options };
  // No retries for the first attempt: a failed start ends the client instead of leaving it retrying.
  const redis = new Redis(url, { ...rest, retryStrategy: () => null, lazyConnect: true, replyMapping: 'legacy' });
  await connectOnce(redis, `Redis at ${redactUrl(url)}`);
  redis.options.retryStrategy = retryStrategy;
  return redis;
}

/** The first connection attempt; on failure the client is ended and the cause reported. */
async function connectOnce(client: Redis | Cluster, what: string): Promise<void> {
  let cause: unknown;
  const remember = (error: unknown): void => void (cause = error);
  client.on('error', remember);
  try {
    await client.connect();
  } catch (error) {
    cause ??= error;
    if (client.status !== 'end') client.disconnect();
    throw new Error(`cannot connect to ${what}: ${(cause as Error).message}`, { cause });
  } finally {
    client.off('error', remember);
  }
}

/** A Sentinel to ask where the master is. */
export interface SentinelAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Where the Redis of a deployment is: one server (`url`), a Redis Cluster (seed nodes), or the
 * master a group of Sentinels names (`name`), found again after each failover. For Sentinel,
 * `url` (optional) only gives the master's credentials, database and TLS (`rediss://`): its host
 * and port are the Sentinels' answer.
 */
export type RedisEndpoint =
  | { readonly kind: 'standalone'; readonly url: string }
  | { readonly kind: 'cluster'; readonly seeds: readonly string[] }
  | { readonly kind: 'sentinel'; readonly sentinels: readonly SentinelAddress[]; readonly name: string; readonly url?: string; readonly sentinelPassword?: string };

/** Connects to `endpoint` with FAIL_FAST_OPTIONS (see createRedisConnection, createClusterConnection, createSentinelConnection). */
export function connectEndpoint(endpoint: RedisEndpoint, options: Omit<RedisOptions, 'replyMapping'> = {}): Promise<Redis | Cluster> {
  switch (endpoint.kind) {
    case 'standalone': return createRedisConnection(endpoint.url, options);
    case 'cluster': return createClusterConnection(endpoint.seeds, options);
    case 'sentinel': return createSentinelConnection(endpoint, options);
  }
}

/** How an endpoint is named in messages (no password). */
export function describeEndpoint(endpoint: RedisEndpoint): string {
  switch (endpoint.kind) {
    case 'standalone': return `Redis at ${redactUrl(endpoint.url)}`;
    case 'cluster': return `the Redis Cluster at ${endpoint.seeds.map(redactUrl).join(', ')}`;
    case 'sentinel': return `the Redis master "${endpoint.name}" of the Sentinels ${endpoint.sentinels.map((s) => `${s.host}:${s.port}`).join(', ')}`;
  }
}

/**
 * Connects to the master that the Sentinels name, with FAIL_FAST_OPTIONS, and resolves once it
 * is ready; rejects, leaving nothing behind, when no Sentinel answers or the master cannot be
 * reached. Afterwards, when the connection drops (the master died), each reconnection asks the
 * Sentinels again, so it reaches the promoted replica once Sentinel has promoted it; it also
 * reconnects when Sentinel announces a switch (`failoverDetector`) or when a write meets a
 * demoted master (READONLY). Meanwhile calls reject: fans are told to try again.
 * `duplicate()` (BullMQ's own connections) keeps all of it.
 */
export async function createSentinelConnection(
  endpoint: Extract<RedisEndpoint, { kind: 'sentinel' }>,
  options: Omit<RedisOptions, 'replyMapping'> = {},
): Promise<Redis> {
  const { retryStrategy, ...rest } = { ...FAIL_FAST_OPTIONS, ...options };
  const credentials = endpoint.url ? urlCredentials(endpoint.url) : {};
  const redis = new Redis({
    ...rest,
    ...credentials,
    sentinels: endpoint.sentinels.map(({ host, port }) => ({ host, port })),
    name: endpoint.name,
    ...(endpoint.sentinelPassword === undefined ? {} : { sentinelPassword: endpoint.sentinelPassword }),
    failoverDetector: true,
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 1 : false),
    // First attempt: no retries (a failed start ends the client), then the usual backoff.
    retryStrategy: () => null,
    sentinelRetryStrategy: () => null,
    lazyConnect: true,
    replyMapping: 'legacy',
  });
  await connectOnce(redis, describeEndpoint(endpoint));
  redis.options.retryStrategy = retryStrategy;
  redis.options.sentinelRetryStrategy = (attempt: number) => Math.min(100 * attempt, 2_000);
  return redis;
}

/** Password, user name, database and TLS of a `redis://` / `rediss://` URL. */
function urlCredentials(url: string): Pick<RedisOptions, 'username' | 'password' | 'db' | 'tls'> {
  const u = new URL(url);
  const db = Number(u.pathname.slice(1) || 0);
  return {
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Connects to a Redis Cluster through one or more seed nodes (`redis://host:port` URLs), with
 * FAIL_FAST_OPTIONS for every node, and resolves once the cluster is ready; rejects, leaving
 * nothing behind, if it cannot be reached.
 */
export async function createClusterConnection(seeds: readonly string[], options: Omit<RedisOptions, 'replyMapping'> = {}): Promise<Cluster> {
  // The cluster client reconnects nodes itself (clusterRetryStrategy below).
  const { retryStrategy: _perNode, enableOfflineQueue: _offline, ...redisOptions } = { ...FAIL_FAST_OPTIONS, ...options };
  const nodes = seeds.map((seed) => {
    const u = new URL(seed);
    return { host: u.hostname, port: Number(u.port || 6379) };
  });
  const first = new URL(seeds[0] ?? 'redis://127.0.0.1:6379');
  const auth = first.password ? { password: decodeURIComponent(first.password), ...(first.username ? { username: decodeURIComponent(first.username) } : {}) } : {};
  const cluster = new Cluster(nodes, {
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: () => null,
    // A call to a node that went away is retried for ~0.3 s (16 × 20 ms), not ~1.6 s, before the
    // fan is told to try again. (0 turns the retry off entirely, which also fails the calls sent
    // while a node's connection is still being opened.)
    retryDelayOnFailover: 20,
    retryDelayOnClusterDown: 20,
    redisOptions: { ...redisOptions, ...auth, replyMapping: 'legacy' },
  });
  await connectOnce(cluster, `the Redis Cluster at ${seeds.map(redactUrl).join(', ')}`);
  cluster.options.clusterRetryStrategy = (attempt: number) => Math.min(100 * 2 ** attempt, 2_000);
  return cluster;
}
