/**
 * Jest globalTeardown (runs even when tests fail): stops the cluster of the global setup, then
 * kills every Redis server recorded during the run that is still running (a test that crashed
 * or forgot `stop()`), and removes their directories.
 */
import { dirname } from 'node:path';
import { rmSync } from 'node:fs';
import { CLUSTER_GLOBAL, WATCHDOG_GLOBAL } from './global-setup';
import { SERVERS_FILE_ENV, killRecordedServers, type RedisTestCluster } from './helpers/redis-servers';

export default async function globalTeardown(): Promise<void> {
  const cluster = (globalThis as Record<string, unknown>)[CLUSTER_GLOBAL] as RedisTestCluster | undefined;
  delete (globalThis as Record<string, unknown>)[CLUSTER_GLOBAL];
  await cluster?.stop();

  const file = process.env[SERVERS_FILE_ENV];
  if (!file) return;
  const leftovers = await killRecordedServers(file);
  rmSync(dirname(file), { recursive: true, force: true });
  const watchdog = (globalThis as Record<string, unknown>)[WATCHDOG_GLOBAL];
  if (typeof watchdog === 'number' && watchdog > 0) {
    try {
      process.kill(watchdog, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (leftovers.length > 0) console.warn(`\nglobal teardown killed ${leftovers.length} redis-server(s) a test left running (pids ${leftovers.join(', ')})`);
}
