// What an acknowledgement means (COCREATE_ACK), on Redis servers the test starts itself (free
// ports, stopped by pid): the durability the runtime reads from them at start, the modes it
// refuses, and the `replica` mode confirming each batch of ballots with one WAIT — never
// acknowledging a ballot no replica has.
import { redisRuntime, type Runtime } from '../../src/cli/runtime';
import { SystemClock } from '../../src/clock/system-clock';
import type { CommandResult } from '../../src/engine/commands';
import type { AckMode } from '../../src/model/durability';
import { createRedisConnection } from '../../src/stores/redis/connection';
import { readDurability } from '../../src/stores/redis/durability';
import { createClusterConnection } from '../../src/stores/redis/connection';
import { UnconfirmedWriteError, WriteAcknowledger } from '../../src/stores/redis/ack';
import { testClusterNodes } from '../helpers/redis-targets';
import { uniquePrefix } from '../helpers/redis';
import { startRedisServer, type RedisServer } from '../helpers/redis-servers';
import { onPort } from '../helpers/redis-sentinels';
import { ballot, countOf, flavourIds, outcome, storedBallots, votingSpec } from '../helpers/redis-worker';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `calls` of one command in INFO commandstats (0 when never called). */
async function calls(port: number, command: string): Promise<number> {
  const text = await onPort(port, (r) => r.call('INFO', 'commandstats') as Promise<string>);
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

/** The engine on a private server with `ack`; each test closes it. */
async function runtimeOn(server: RedisServer, campaignId: string, options: { ack?: AckMode; strict?: boolean; ackTimeoutMs?: number; warnings?: string[] } = {}) {
  const spec = votingSpec(campaignId);
  const runtime = await redisRuntime({
    campaigns: [spec], clock: new SystemClock(), url: server.url, prefix: uniquePrefix(), scheduler: 'memory', drainMs: 0,
    ...(options.ack ? { ack: options.ack } : {}),
    ...(options.strict ? { strict: true } : {}),
    ...(options.ackTimeoutMs ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
    onWarning: (message) => options.warnings?.push(message),
    onError: () => undefined,
  });
  await runtime.engine.start();
  const [choice] = await flavourIds(runtime, spec.id);
  let next = 0;
  /** `count` new fans vote at once; their answers, in order. */
  const vote = async (count: number, from = next): Promise<{ fans: number[]; results: CommandResult[] }> => {
    const fans = Array.from({ length: count }, (_, i) => from + i);
    next = Math.max(next, from + count);
    const results = await Promise.all(fans.map((n) => {
      const { command, actor } = ballot(spec.id, n, choice!);
      return runtime.engine.execute(command, actor);
    }));
    return { fans, results };
  };
  return { runtime, spec, vote };
}

describe('the durability read from the servers at start', () => {
  const servers: RedisServer[] = [];
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });
  const start = async (args: string[] = []) => {
    const server = await startRedisServer({ args });
    servers.push(server);
    return server;
  };

  it('reads appendonly, appendfsync and save points with CONFIG GET, and warns that a server without persistence loses acknowledged ballots', async () => {
    const server = await start();
    const redis = await createRedisConnection(server.url);
    try {
      const [facts] = await readDurability(redis);
      expect(facts).toMatchObject({ source: 'config', appendonly: false, appendfsync: 'everysec', rdbSaves: false, role: 'master', connectedReplicas: 0 });
      expect(facts!.version).toMatch(/^\d+\.\d+/);
    } finally {
      redis.disconnect();
    }
    const warnings: string[] = [];
    ({ runtime } = await runtimeOn(server, 'facts-none', { warnings }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/keeps data in memory only \(appendonly no, no RDB save point\): a Redis crash .* loses every acknowledged ballot/);
    expect(runtime.durability()).toMatchObject({ ack: 'redis', risk: 'memory-only' });
  });

  it('falls back to INFO persistence when CONFIG is renamed away, and then cannot tell appendfsync', async () => {
    const server = await start(['--appendonly', 'yes', '--rename-command', 'CONFIG', '']);
    const redis = await createRedisConnection(server.url);
    try {
      const [facts] = await readDurability(redis);
      expect(facts).toMatchObject({ source: 'info', appendonly: true, appendfsync: null, rdbSaves: null });
    } finally {
      redis.disconnect();
    }
    // Without appendfsync, Redis 7.0 cannot be trusted to fsync before each reply: the aof ack is refused.
    await expect(runtimeOn(server, 'facts-renamed', { ack: 'aof' })).rejects.toThrow(/COCREATE_ACK=aof cannot be honoured: .*appendfsync cannot be read \(CONFIG is not available\)/);
  });

  it('refuses COCREATE_ACK=aof on Redis 7.0 without appendfsync always, with the reason', async () => {
    const server = await start(['--appendonly', 'yes', '--appendfsync', 'everysec']);
    await expect(runtimeOn(server, 'aof-everysec', { ack: 'aof' })).rejects.toThrow(/COCREATE_ACK=aof cannot be honoured: .* with appendfsync everysec: only appendfsync always makes each reply follow an fsync/);
    const none = await start();
    await expect(runtimeOn(none, 'aof-none', { ack: 'aof' })).rejects.toThrow(/appendonly no: there is no AOF to wait for/);
  });

  it('accepts COCREATE_ACK=aof with appendfsync always, without a warning, and acknowledges ballots', async () => {
    const server = await start(['--appendonly', 'yes', '--appendfsync', 'always']);
    const warnings: string[] = [];
    const on = await runtimeOn(server, 'aof-always', { ack: 'aof', warnings });
    runtime = on.runtime;
    expect(warnings).toEqual([]);
    expect(runtime.durability()).toEqual({ ack: 'aof', risk: null, warning: null });
    expect(countOf((await on.vote(50)).results.map(outcome))).toEqual({ ok: 50 });
  });

  it('refuses to start with COCREATE_DURABILITY=strict when acknowledged data can be lost, and starts when it cannot', async () => {
    const none = await start();
    await expect(runtimeOn(none, 'strict-none', { strict: true })).rejects.toThrow(/COCREATE_DURABILITY=strict refuses to start: .*keeps data in memory only/);
    const always = await start(['--appendonly', 'yes', '--appendfsync', 'always']);
    ({ runtime } = await runtimeOn(always, 'strict-always', { strict: true }));
    expect(runtime.durability()).toEqual({ ack: 'redis', risk: null, warning: null });
  });
});

describe('COCREATE_ACK=replica on a private master and replica', () => {
  let master: RedisServer;
  let replica: RedisServer;
  let runtime: Runtime | undefined;

  beforeAll(async () => {
    master = await startRedisServer();
    replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
    await replicaOnline();
  });
  async function replicaOnline(): Promise<void> {
    for (const deadline = Date.now() + 20_000; ;) {
      const info = await onPort(master.port, (r) => r.call('INFO', 'replication') as Promise<string>);
      if (/^slave0:.*state=online/m.test(info)) return;
      if (Date.now() > deadline) throw new Error(`the replica did not come online:\n${info}`);
      await sleep(25);
    }
  }
  afterEach(async () => {
    try {
      process.kill(replica.pid, 'SIGCONT');
    } catch {
      // not running
    }
    await runtime?.close();
    runtime = undefined;
  });
  afterAll(async () => {
    await Promise.all([master?.stop(), replica?.stop()]);
  });

  it('acknowledges ballots once a replica has them, with far fewer WAITs than ballots (one per batch)', async () => {
    const on = await runtimeOn(master, 'replica-ack', { ack: 'replica' });
    runtime = on.runtime;
    expect(runtime.durability()).toMatchObject({ ack: 'replica', risk: 'unpersisted-master' });
    const waitsBefore = await calls(master.port, 'wait');
    const answered = [];
    for (let round = 0; round < 5; round++) answered.push(...(await on.vote(400)).results);
    expect(countOf(answered.map(outcome))).toEqual({ ok: 2_000 });
    const waits = (await calls(master.port, 'wait')) - waitsBefore;
    console.log(`replica ack: 2,000 ballots (5 rounds of 400 at once) confirmed with ${waits} WAIT calls`);
    expect(waits).toBeGreaterThan(0);
    expect(waits).toBeLessThanOrEqual(2_000 / 10);
    // Every acknowledged ballot is on the replica.
    const onReplica = await onPort(replica.port, async (r) => {
      let n = 0;
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', '*cat:flavour:ballots:*', 'COUNT', 1000);
        for (const key of keys) n += await r.hlen(key);
        cursor = next;
      } while (cursor !== '0');
      return n;
    });
    expect(onReplica).toBe(2_000);
  });

  it('answers "could not confirm, trying again is safe" while no replica confirms, never a false acknowledgement; a retry counts the ballot once', async () => {
    const on = await runtimeOn(master, 'replica-frozen', { ack: 'replica', ackTimeoutMs: 200 });
    runtime = on.runtime;
    expect(countOf((await on.vote(100)).results.map(outcome))).toEqual({ ok: 100 });

    process.kill(replica.pid, 'SIGSTOP');
    const started = Date.now();
    const frozen = await on.vote(200);
    const refusedInMs = Date.now() - started;
    expect(countOf(frozen.results.map(outcome))).toEqual({ 'store.unavailable': 200 });
    console.log(`replica frozen: 200 ballots answered "could not confirm" in ${refusedInMs} ms`);
    process.kill(replica.pid, 'SIGCONT');

    // The fans try again (as told): each is counted once, whether or not the first attempt had landed.
    let retried: CommandResult[] = [];
    for (const deadline = Date.now() + 20_000; ;) {
      retried = (await on.vote(200, frozen.fans[0])).results;
      if (retried.every((r) => outcome(r) !== 'store.unavailable')) break;
      if (Date.now() > deadline) throw new Error(`the replica did not confirm again: ${JSON.stringify(countOf(retried.map(outcome)))}`);
      await sleep(100);
    }
    expect(retried.map(outcome).filter((o) => o !== 'ok' && o !== 'vote.already-cast')).toEqual([]);
    const stored = await storedBallots(runtime, on.spec.id);
    expect(stored.size).toBe(300);
    expect((await runtime.engine.recount(on.spec.id)).agrees).toBe(true);
  });

  it('fails /healthz and tells managers while the replica is gone, and recovers when it is back', async () => {
    const on = await runtimeOn(master, 'replica-gone', { ack: 'replica', ackTimeoutMs: 100 });
    runtime = on.runtime;
    expect(await runtime.health()).toBeNull();
    await replica.kill();
    for (const deadline = Date.now() + 10_000; !/no replica is connected/.test(String(await runtime.health()));) {
      if (Date.now() > deadline) throw new Error('the health check did not notice the replica going away');
      await sleep(50);
    }
    expect(runtime.durability()).toMatchObject({ ack: 'replica', risk: 'no-ack-possible' });
    const manager = { platform: 'system' as const, userId: 'ops', displayName: 'ops', grantedRoles: ['manager' as const] };
    expect(await runtime.engine.execute({ type: 'status', campaignId: on.spec.id }, manager)).toMatchObject({ ok: true, durability: { ack: 'replica', risk: 'no-ack-possible' } });
    expect(countOf((await on.vote(10)).results.map(outcome))).toEqual({ 'store.unavailable': 10 });
    await replica.restart();
    await replicaOnline();
    expect(await runtime.health()).toBeNull();
    expect(countOf((await on.vote(10)).results.map(outcome))).toEqual({ ok: 10 });
  });

  it('refuses to start when no replica is connected, with the reason', async () => {
    const lonely = await startRedisServer();
    try {
      await expect(runtimeOn(lonely, 'replica-none', { ack: 'replica' })).rejects.toThrow(/COCREATE_ACK=replica cannot be honoured: no replica is connected to 127\.0\.0\.1:\d+/);
    } finally {
      await lonely.stop();
    }
  });
});

describe('the ack on a Redis Cluster', () => {
  it('confirms on the master of the key\'s slot, the one that carried the writes', async () => {
    const nodes = testClusterNodes();
    const cluster = await createClusterConnection(nodes.map((n) => `redis://${n.host}:${n.port}`));
    try {
      const key = `{${uniquePrefix('ack-route-')}}:meta`;
      await cluster.set(key, '1');
      const holder = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
      const owner = cluster.slots[holder]![0]!;
      const before = await Promise.all(nodes.map((n) => calls(n.port, 'wait')));
      const ack = new WriteAcknowledger(cluster, { kind: 'replica', timeoutMs: 20 });
      // The test cluster has no replica: the wait is refused, on the right node.
      await expect(ack.confirm(key)).rejects.toBeInstanceOf(UnconfirmedWriteError);
      const after = await Promise.all(nodes.map((n) => calls(n.port, 'wait')));
      const waitedOn = nodes.filter((_, i) => after[i]! > before[i]!).map((n) => `${n.host}:${n.port}`);
      expect(waitedOn).toEqual([owner]);
      await cluster.del(key);
      const [facts] = await readDurability(cluster);
      expect(facts).toMatchObject({ role: 'master', connectedReplicas: 0 });
    } finally {
      cluster.disconnect();
    }
  });
});
