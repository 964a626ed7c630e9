/**
 * Jest globalSetup: fails the run early when the shared Redis does not answer, then starts one
 * local Redis Cluster for the whole run and publishes its nodes in COCREATE_TEST_CLUSTER (the
 * workers inherit the environment). Every server started during the run is recorded in the
 * file named by COCREATE_TEST_SERVERS_FILE; test/global-teardown.ts stops them all (or, if Jest
 * dies first, a watchdog process does).
 * A COCREATE_TEST_CLUSTER already set (a cluster of your own) is used as is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { CLUSTER_ENV, SERVERS_FILE_ENV, killRecordedServers, startRedisCluster, startWatchdog, type RedisTestCluster } from './helpers/redis-servers';

/** Shared with the teardown, which runs in the same process. */
export const CLUSTER_GLOBAL = '__cocreateTestCluster';
export const WATCHDOG_GLOBAL = '__cocreateTestWatchdog';

export default async function globalSetup(): Promise<void> {
  await checkSharedRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

  const file = join(mkdtempSync(join(tmpdir(), 'cocreate-jest-')), 'servers.tsv');
  process.env[SERVERS_FILE_ENV] = file;
  // Should Jest die before its teardown, the watchdog kills the servers of this run.
  (globalThis as Record<string, unknown>)[WATCHDOG_GLOBAL] = startWatchdog(file);
  if (process.env[CLUSTER_ENV]) return;

  const started = Date.now();
  try {
    const cluster = await startRedisCluster({ masters: 3 });
    (globalThis as Record<string, unknown>)[CLUSTER_GLOBAL] = cluster satisfies RedisTestCluster;
    process.env[CLUSTER_ENV] = JSON.stringify(cluster.nodes);
    if (process.env.COCREATE_TEST_VERBOSE) console.log(`\nlocal Redis Cluster ${cluster.nodes.map((n) => n.port).join(', ')} up in ${Date.now() - started} ms`);
  } catch (error) {
    await killRecordedServers(file);
    rmSync(dirname(file), { recursive: true, force: true });
    throw error;
  }
}

async function checkSharedRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, commandTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let cause = '';
  redis.on('error', (error: Error) => {
    cause = error.message;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`these tests need a real Redis at ${url.replace(/\/\/[^@/]*@/, '//***@')}; start one with: redis-server --daemonize yes (or set REDIS_URL)\n(${cause || (error as Error).message})`);
  } finally {
    redis.disconnect();
  }
}
