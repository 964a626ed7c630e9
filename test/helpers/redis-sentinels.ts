/**
 * A replicated Redis of the tests' own: one master, its replicas and three Sentinels
 * (`redis-server --sentinel`), each a child process on a free port of 127.0.0.1 started with
 * test/helpers/redis-servers.ts (stopped by pid, recorded for the global teardown). Sentinel is
 * tuned to notice a dead master within about a second, so a failover test stays short.
 */
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from './redis-servers';

export interface ReplicatedRedis {
  /** The name the Sentinels monitor the master under. */
  readonly name: string;
  /** The master first, then the replicas (as started: after a failover the roles differ). */
  readonly servers: readonly RedisServer[];
  readonly sentinels: readonly RedisServer[];
  /** host:port of each Sentinel, as REDIS_SENTINELS takes them. */
  readonly sentinelAddresses: readonly { host: string; port: number }[];
  /** The port of the master the Sentinels name now. */
  masterPort(): Promise<number>;
  /** Resolves with the new master's port once the Sentinels name one other than `oldPort` and it is a master. */
  promoted(oldPort: number, timeoutMs?: number): Promise<number>;
  /** Resolves once `master` has `replicas` replicas streaming and caught up with its offset at the time of the call. */
  replicated(masterPort: number, replicas: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface ReplicatedRedisOptions {
  /** Default 1. */
  readonly replicas?: number;
  /** More arguments for every data server, e.g. `['--appendonly', 'yes']`. */
  readonly args?: readonly string[];
  /** Sentinel's down-after-milliseconds. Default 1000. */
  readonly downAfterMs?: number;
}

const HOST = '127.0.0.1';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `fn` on a short-lived plain connection to a port. */
export async function onPort<T>(port: number, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ host: HOST, port, lazyConnect: true, connectTimeout: 1_000, commandTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** A field of INFO (all sections) of the server on `port`; undefined when it does not answer. */
async function infoField(port: number, field: string): Promise<string | undefined> {
  const text = await onPort(port, (r) => r.call('INFO') as Promise<string>).catch(() => '');
  return new RegExp(`^${field}:(.*)$`, 'm').exec(text)?.[1]?.trim();
}

/** Starts a master, `replicas` replicas of it, and three Sentinels monitoring it (quorum 2). */
export async function startReplicatedRedis(options: ReplicatedRedisOptions = {}): Promise<ReplicatedRedis> {
  const name = 'cocreate-test';
  const servers: RedisServer[] = [];
  const sentinels: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all([...sentinels, ...servers].map((s) => s.stop()));
  };
  const args = options.args ?? [];
  const downAfterMs = options.downAfterMs ?? 1_000;
  const replicated = async (masterPort: number, count: number, timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    // Caught up with the master's offset when first asked: writes may go on meanwhile.
    let target = -1;
    for (;;) {
      const text = await onPort(masterPort, (r) => r.call('INFO', 'replication') as Promise<string>).catch(() => '');
      const offset = Number(/^master_repl_offset:(\d+)/m.exec(text)?.[1] ?? -1);
      if (target < 0) target = offset;
      const caughtUp = [...text.matchAll(/^slave\d+:.*state=online,offset=(\d+)/gm)].filter((m) => Number(m[1]) >= target).length;
      if (target >= 0 && caughtUp >= count) return;
      if (Date.now() > deadline) throw new Error(`the master on port ${masterPort} has not ${count} replica(s) caught up within ${timeoutMs} ms:\n${text}`);
      await sleep(25);
    }
  };
  try {
    const master = await startRedisServer({ args });
    servers.push(master);
    for (let i = 0; i < (options.replicas ?? 1); i++) {
      servers.push(await startRedisServer({ args: [...args, '--replicaof', HOST, String(master.port)] }));
    }
    await replicated(master.port, servers.length - 1);
    const conf = [
      `sentinel monitor ${name} ${HOST} ${master.port} 2`,
      `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
      `sentinel failover-timeout ${name} 10000`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n');
    for (let i = 0; i < 3; i++) sentinels.push(await startRedisServer({ configText: conf, args: ['--sentinel'] }));
    // Every Sentinel must know the others and the replicas before a failover can be agreed.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const known = await Promise.all(sentinels.map((s) => onPort(s.port, async (r) => {
        const master = (await r.call('SENTINEL', 'MASTER', name)) as string[];
        const field = (key: string) => Number(master[master.indexOf(key) + 1] ?? 0);
        return field('num-other-sentinels') >= 2 && field('num-slaves') >= servers.length - 1;
      }).catch(() => false)));
      if (known.every(Boolean)) break;
      if (Date.now() > deadline) throw new Error('the Sentinels did not discover each other and the replicas within 20 s');
      await sleep(50);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const masterPort = async (): Promise<number> => {
    for (const s of sentinels) {
      const answer = await onPort(s.port, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name) as Promise<[string, string]>).catch(() => null);
      if (answer) return Number(answer[1]);
    }
    throw new Error('no Sentinel answers');
  };
  return {
    name,
    servers,
    sentinels,
    sentinelAddresses: sentinels.map((s) => ({ host: HOST, port: s.port })),
    masterPort,
    promoted: async (oldPort, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const port = await masterPort().catch(() => oldPort);
        if (port !== oldPort && (await infoField(port, 'role')) === 'master') return port;
        if (Date.now() > deadline) throw new Error(`the Sentinels promoted no replica within ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    replicated,
    stop,
  };
}
