// The Redis servers the tests start for themselves: a standalone one that can go away and come
// back on the same port, and the local Redis Cluster of the global setup.
import { Redis, type Cluster } from 'ioredis';
import { uniquePrefix } from './redis';
import { startRedisServer, type RedisServer } from './redis-servers';
import { redisTargets, testClusterNodes } from './redis-targets';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startRedisServer', () => {
  let server: RedisServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('starts a redis-server of its own that answers, and stops it', async () => {
    server = await startRedisServer();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(6379);
    const redis = new Redis(server.url);
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.config('GET', 'save')).toEqual(['save', '']);
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    } finally {
      redis.disconnect();
    }
    const pid = server.pid;
    await server.stop();
    expect(isRunning(pid)).toBe(false);
  });

  it('restarts on the same port after a stop and after a SIGKILL, and a client reconnects on its own', async () => {
    server = await startRedisServer();
    const { port } = server;
    const redis = new Redis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    redis.on('error', () => undefined);
    try {
      await redis.set('before', '1');

      const first = server.pid;
      await server.kill();
      expect(isRunning(first)).toBe(false);
      await expect(redis.get('before')).rejects.toThrow();

      await server.restart();
      expect(server.port).toBe(port);
      expect(server.pid).not.toBe(first);
      // No persistence: the data went away with the process.
      await waitFor(async () => (await redis.ping().catch(() => null)) === 'PONG');
      expect(await redis.get('before')).toBeNull();

      const second = server.pid;
      await server.restart();
      expect(isRunning(second)).toBe(false);
      await waitFor(async () => (await redis.ping().catch(() => null)) === 'PONG');
      expect(await redis.set('after', '2')).toBe('OK');
    } finally {
      redis.disconnect();
    }
  });

  it('starts several servers side by side on different ports', async () => {
    const servers = await Promise.all([startRedisServer(), startRedisServer(), startRedisServer()]);
    try {
      expect(new Set(servers.map((s) => s.port)).size).toBe(3);
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    for (const s of servers) expect(isRunning(s.pid)).toBe(false);
  });
});

describe('the local Redis Cluster of the global setup', () => {
  const prefix = uniquePrefix();
  // Hash tags of known slots: {b} 3300 and {f} 3168, {c} 7365, {a} 15495, {d} 11298, {e} 15363:
  // with three masters sharing the slots evenly, they live on all three nodes.
  const SPREAD = ['{a}', '{b}', '{c}', '{d}', '{e}', '{f}'];
  let cluster: Cluster;

  beforeAll(() => {
    cluster = redisTargets()[1].connect();
  });

  afterAll(async () => {
    // Each key lives on one node: delete them one by one (a DEL of keys in several slots is CROSSSLOT).
    await Promise.all([...SPREAD, '{tag}:x', '{tag}:y'].map((k) => cluster.del(`${prefix}${k}`)));
    await cluster.quit();
  });

  it('has three masters sharing the 16384 slots', async () => {
    expect(testClusterNodes()).toHaveLength(3);
    const slots = await cluster.cluster('SLOTS');
    expect(slots.reduce((sum, [from, to]) => sum + to - from + 1, 0)).toBe(16384);
    expect(cluster.nodes('master')).toHaveLength(3);
  });

  it('answers SET and GET of keys that live in different slots, on different nodes', async () => {
    const names = SPREAD.map((k) => `${prefix}${k}`);
    for (const name of names) await cluster.set(name, name.toUpperCase());
    for (const name of names) expect(await cluster.get(name)).toBe(name.toUpperCase());
    const owners = new Set<string>();
    for (const name of names) {
      const slot = await cluster.cluster('KEYSLOT', name);
      const owner = (await cluster.cluster('SLOTS')).find(([from, to]) => from <= slot && slot <= to)?.[2];
      owners.add(`${owner?.[0]}:${owner?.[1]}`);
    }
    expect(owners.size).toBe(3);
  });

  it('runs a Lua script on two keys of one {hash-tag}, and refuses one on two slots (CROSSSLOT)', async () => {
    const script = "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[1]); return redis.call('MGET', KEYS[1], KEYS[2])";
    const x = `${prefix}{tag}:x`;
    const y = `${prefix}{tag}:y`;
    expect(await cluster.cluster('KEYSLOT', x)).toBe(await cluster.cluster('KEYSLOT', y));
    expect(await cluster.eval(script, 2, x, y, 'v')).toEqual(['v', 'v']);

    const [p, q] = [`${prefix}{a}`, `${prefix}{b}`];
    expect(await cluster.cluster('KEYSLOT', p)).not.toBe(await cluster.cluster('KEYSLOT', q));
    await expect(cluster.eval(script, 2, p, q, 'v')).rejects.toThrow(/CROSSSLOT/);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
