// The pure side of durability: what an ack mode means on given server facts, the group commit
// of the acknowledger (on a scripted client), the Cluster slot of a key, and where managers see it.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { Engine } from '../../src/engine/engine';
import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import { MemoryPhaseScheduler } from '../../src/scheduler/memory-scheduler';
import { VirtualClock } from '../../src/clock/virtual-clock';
import { renderStatus, toPlainText } from '../../src/render/message';
import { UnconfirmedWriteError, WriteAcknowledger } from '../../src/stores/redis/ack';
import { assessDurability, parseInfo, versionAtLeast, type ServerDurability } from '../../src/stores/redis/durability';
import { keySlot } from '../../src/stores/redis/key-slot';
import type { DurabilityStatus } from '../../src/model/durability';
import { T0, campaign, fan, fixedCategory, ok } from '../helpers/harness';

const server = (facts: Partial<ServerDurability> = {}): ServerDurability => ({
  name: '10.0.0.1:6379', version: '7.0.15', source: 'config', appendonly: false, appendfsync: 'everysec', rdbSaves: false, role: 'master', connectedReplicas: 0, ...facts,
});
const alone = { failover: false };

describe('what an ack mode means on the servers', () => {
  it('warns that the default ack loses everything on a crash of a Redis without persistence', () => {
    const a = assessDurability('redis', [server()], alone);
    expect(a).toMatchObject({ ack: 'redis', risk: 'memory-only', impossible: null, waitAof: false });
    expect(a.warning).toMatch(/^acknowledged data can be lost or refused \(COCREATE_ACK=redis\): 10\.0\.0\.1:6379 keeps data in memory only/);
    expect(assessDurability('redis', [server({ rdbSaves: true })], alone).risk).toBe('snapshots-only');
  });

  it('warns about the last second with appendfsync everysec, and not at all with always', () => {
    expect(assessDurability('redis', [server({ appendonly: true })], alone)).toMatchObject({ risk: 'fsync-delayed', warning: expect.stringMatching(/power loss or a kernel crash \(not a Redis crash alone\)/) });
    expect(assessDurability('redis', [server({ appendonly: true, appendfsync: 'always' })], alone)).toMatchObject({ risk: null, warning: null });
  });

  it('honours aof with WAITAOF from Redis 7.2 whatever the fsync policy, and before 7.2 only with appendfsync always', () => {
    expect(assessDurability('aof', [server({ version: '7.2.4', appendonly: true })], alone)).toMatchObject({ impossible: null, warning: null, waitAof: true });
    expect(assessDurability('aof', [server({ appendonly: true, appendfsync: 'always' })], alone)).toMatchObject({ impossible: null, waitAof: false });
    expect(assessDurability('aof', [server({ appendonly: true })], alone).impossible).toMatch(/Redis 7\.0\.15 \(no WAITAOF before 7\.2\) with appendfsync everysec/);
    expect(assessDurability('aof', [server({ version: '7.4.0' })], alone)).toMatchObject({ risk: 'no-ack-possible', impossible: expect.stringMatching(/appendonly no/) });
  });

  it('needs a connected replica for the replica ack, and warns about a master that keeps nothing on disk', () => {
    expect(assessDurability('replica', [server()], alone).impossible).toMatch(/no replica is connected to 10\.0\.0\.1:6379/);
    expect(assessDurability('replica', [server({ connectedReplicas: 1 })], { failover: true })).toMatchObject({ impossible: null, risk: 'unpersisted-master' });
    expect(assessDurability('replica', [server({ connectedReplicas: 2, appendonly: true })], { failover: true })).toMatchObject({ impossible: null, risk: null, warning: null });
  });

  it('warns that a failover loses what the replica had not received, unless the ack waits for it', () => {
    const a = assessDurability('aof', [server({ appendonly: true, appendfsync: 'always', connectedReplicas: 1 })], { failover: true });
    expect(a).toMatchObject({ risk: 'failover', warning: expect.stringMatching(/COCREATE_ACK=replica waits for a replica/) });
  });

  it('refuses any mode on a replica, and judges a Cluster by its weakest master', () => {
    expect(assessDurability('redis', [server({ role: 'slave', appendonly: true, appendfsync: 'always' })], alone).impossible).toMatch(/is a replica, not a master/);
    const cluster = assessDurability('aof', [server({ appendonly: true, appendfsync: 'always' }), server({ name: 'b:6379', appendonly: true })], alone);
    expect(cluster.impossible).toMatch(/b:6379 is Redis 7\.0\.15/);
  });

  it('reads INFO text and compares versions', () => {
    expect(parseInfo('# Server\r\nredis_version:7.0.15\r\nrole:master\r\n')).toEqual(new Map([['redis_version', '7.0.15'], ['role', 'master']]));
    expect([versionAtLeast('7.2.0', 7, 2), versionAtLeast('7.1.9', 7, 2), versionAtLeast('8.0.0', 7, 2), versionAtLeast('6.2.14', 7, 2)]).toEqual([true, false, true, false]);
  });
});

/** A client whose WAIT / WAITAOF answers are scripted; it records the commands. */
class ScriptedClient extends EventEmitter {
  readonly sent: string[][] = [];
  answers: unknown[] = [];
  pending: ((value: unknown) => void)[] = [];
  call(...args: (string | number)[]): Promise<unknown> {
    this.sent.push(args.map(String));
    return new Promise((resolve) => this.pending.push(resolve));
  }
  answerAll(value: unknown): void {
    for (const resolve of this.pending.splice(0)) resolve(value);
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the write acknowledger', () => {
  it('confirms the writes answered in one tick with one WAIT, and gathers the next ones for the next WAIT', async () => {
    const client = new ScriptedClient();
    const ack = new WriteAcknowledger(client as unknown as Redis, { kind: 'replica', timeoutMs: 300 });
    const first = Array.from({ length: 10 }, () => ack.confirm('k'));
    await tick();
    expect(client.sent).toEqual([['WAIT', '1', '300']]);
    const second = Array.from({ length: 5 }, () => ack.confirm('k'));
    await tick();
    expect(client.sent).toHaveLength(1); // one wait in flight at a time
    client.answerAll(1);
    await Promise.all(first);
    await tick();
    expect(client.sent).toHaveLength(2);
    client.answerAll(0);
    const settled = await Promise.allSettled(second);
    expect(settled.every((s) => s.status === 'rejected' && s.reason instanceof UnconfirmedWriteError)).toBe(true);
  });

  it('never confirms a write whose reply came on a connection that closed since', async () => {
    const client = new ScriptedClient();
    const ack = new WriteAcknowledger(client as unknown as Redis, { kind: 'replica', timeoutMs: 300 });
    await tick();
    const before = ack.confirm('k');
    client.emit('close'); // reconnected meanwhile: a WAIT now would cover the new connection's writes only
    await expect(before).rejects.toThrow(/connection to Redis was lost before the write could be confirmed/);
    expect(client.sent).toEqual([]);
  });

  it('asks WAITAOF 1 0 for the aof ack on Redis 7.2, and costs nothing for the reply ack', async () => {
    const client = new ScriptedClient();
    const aof = new WriteAcknowledger(client as unknown as Redis, { kind: 'waitaof', timeoutMs: 200 });
    const confirmed = aof.confirm('k');
    await tick();
    expect(client.sent).toEqual([['WAITAOF', '1', '0', '200']]);
    client.answerAll([1, 0]);
    await expect(confirmed).resolves.toBeUndefined();
    const failed = aof.confirm('k');
    await tick();
    client.answerAll([0, 0]);
    await expect(failed).rejects.toThrow(/AOF was not fsynced within 200 ms/);

    const reply = new WriteAcknowledger(client as unknown as Redis, { kind: 'reply' });
    await expect(reply.confirm('k')).resolves.toBeUndefined();
    reply.suspend('appendfsync is no longer always');
    await expect(reply.confirm('k')).rejects.toThrow('appendfsync is no longer always');
  });

  it('finds the Cluster slot of a key as Redis does (hash tags included)', () => {
    // Values from the Redis Cluster specification and CLUSTER KEYSLOT.
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('cocreate:{my-campaign}:meta')).toBe(keySlot('my-campaign'));
    expect(keySlot('a{}b')).toBe(keySlot('a{}b'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
  });
});

describe('durability in managers\' /status', () => {
  const spec = campaign([fixedCategory('flavour', ['A', 'B'])], { roles: { curators: { discord: [], telegram: [] }, managers: { discord: [], telegram: ['42'] } } });
  const engineWith = (durability?: () => DurabilityStatus) => {
    const outbox = new MemoryOutbox();
    const clock = new VirtualClock(T0);
    return new Engine({
      campaigns: [spec], store: new MemoryCampaignStore({ outbox }), scheduler: new MemoryPhaseScheduler({ clock }), outbox, clock,
      ...(durability ? { durability } : {}),
    });
  };
  const manager = { platform: 'telegram' as const, userId: '42', displayName: 'Lea' };

  it('tells managers, and only them, what an answer means and the risk', async () => {
    const engine = engineWith(() => ({ ack: 'redis', risk: 'memory-only' }));
    await engine.start();
    const status = ok(await engine.execute({ type: 'status', campaignId: spec.id }, manager));
    expect(status).toMatchObject({ type: 'status', durability: { ack: 'redis', risk: 'memory-only' } });
    expect(ok(await engine.execute({ type: 'status', campaignId: spec.id }, fan('ann')))).not.toHaveProperty('durability');
    if (status.type !== 'status') throw new Error('not a status');
    expect(toPlainText(renderStatus(status, 'en'))).toMatch(/⚠️ Durability: an answer to a fan means Redis has it \(in memory, and on disk if Redis keeps an AOF\), but Redis keeps nothing on disk: a Redis crash would lose every ballot\./);
    expect(toPlainText(renderStatus({ ...status, durability: { ack: 'replica', risk: null } }, 'fr'))).toMatch(/Durabilité : une réponse à un fan signifie qu(e )?une réplique Redis l’a aussi\./);
  });

  it('says nothing about durability when the store does not tell it (the embedded store)', async () => {
    const engine = engineWith();
    await engine.start();
    expect(ok(await engine.execute({ type: 'status', campaignId: spec.id }, manager))).not.toHaveProperty('durability');
  });
});
