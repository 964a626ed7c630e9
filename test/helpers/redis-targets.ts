/**
 * The Redis deployments a suite runs against, in the manner of BullMQ's
 * tests/utils/connection-factory.ts: `describe.each(redisTargets())('$name', (target) => …)`
 * runs the same tests on the shared standalone Redis and on the local Redis Cluster that
 * test/global-setup.ts starts.
 */
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import { redisUrl } from './redis';
import { CLUSTER_ENV, clusterConnection, type ClusterClientOptions, type ClusterNodeAddress } from './redis-servers';

export interface StandaloneTarget {
  readonly name: 'redis';
  /** A new connection to the shared Redis (REDIS_URL or redis://127.0.0.1:6379); `options` override the defaults. */
  connect(options?: Omit<RedisOptions, 'replyMapping'>): Redis;
}

export interface ClusterTarget {
  readonly name: 'redis-cluster';
  /** A new ioredis Cluster client of the test cluster; throws a clear error when the global setup did not start one. */
  connect(options?: ClusterClientOptions): Cluster;
}

export type RedisTarget = StandaloneTarget | ClusterTarget;

/** The shared standalone Redis and the test cluster, each with a `connect()` for new clients. */
export function redisTargets(): [StandaloneTarget, ClusterTarget] {
  return [
    { name: 'redis', connect: (options = {}) => new Redis(redisUrl(), { ...options, replyMapping: 'legacy' }) },
    { name: 'redis-cluster', connect: (options = {}) => clusterConnection(testClusterNodes(), options) },
  ];
}

/** The nodes of the cluster the global setup started (COCREATE_TEST_CLUSTER). */
export function testClusterNodes(): ClusterNodeAddress[] {
  const json = process.env[CLUSTER_ENV];
  if (!json) {
    throw new Error(`${CLUSTER_ENV} is not set: run the tests with jest.config.js, whose globalSetup (test/global-setup.ts) starts a local Redis Cluster`);
  }
  return JSON.parse(json) as ClusterNodeAddress[];
}
