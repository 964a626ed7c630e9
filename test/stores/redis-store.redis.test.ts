// Runs the CampaignStore contract against the real Redis and the local Redis Cluster, plus what
// only Redis can show: hash tags, races between connections, ballot batching, memory per ballot,
// failures. The cluster connection is the production one (createClusterConnection: fail-fast).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Cluster, Redis } from 'ioredis';
import type { CampaignEvent } from '../../src/model/events';
import type { Ballot } from '../../src/model/records';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import type { CampaignStore, Gate } from '../../src/ports/campaign-store';
import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';
import { createClusterConnection, createRedisConnection } from '../../src/stores/redis/connection';
import { CampaignKeys } from '../../src/stores/redis/keys';
import { runScript } from '../../src/stores/redis/scripts';
import { BALLOT_BUCKETS, RedisCampaignStore } from '../../src/stores/redis/redis-store';
import { describeStoreContract } from '../contract/store.contract';
import { describeTrustContract } from '../contract/trust.contract';
import { StreamOutbox, connectOrFail, keysByPrefix, streamEntries, uniquePrefix } from '../helpers/redis';
import { redisTargets, testClusterNodes, type RedisTarget } from '../helpers/redis-targets';

type Connection = Redis | Cluster;

function isCluster(connection: Connection): connection is Cluster {
  return 'isCluster' in connection && connection.isCluster;
}

/**
 * A new connection to the target with the production options: createRedisConnection for the
 * standalone Redis, createClusterConnection (fail-fast options on every node) for the cluster.
 */
async function connectTarget(target: RedisTarget): Promise<Connection> {
  if (target.name === 'redis') return connectOrFail();
  const seeds = testClusterNodes().map(({ host, port }) => `redis://${host}:${port}`);
  try {
    return await createClusterConnection(seeds);
  } catch (error) {
    throw new Error(`these tests need the local Redis Cluster that test/global-setup.ts starts\n${(error as Error).message}`);
  }
}

/** The keys under `prefix`, on every master of a cluster. */
async function keysEverywhere(connection: Connection, prefix: string): Promise<string[]> {
  if (!isCluster(connection)) return keysByPrefix(connection, prefix);
  const keys: string[] = [];
  for (const node of connection.nodes('master')) keys.push(...(await keysByPrefix(node, prefix)));
  return keys;
}

/** Deletes the keys under `prefix` (node by node on a cluster, where they span slots), and nothing else. */
async function deleteEverywhere(connection: Connection, prefix: string): Promise<void> {
  const nodes = isCluster(connection) ? connection.nodes('master') : [connection];
  for (const node of nodes) {
    const keys = await keysByPrefix(node, prefix);
    for (let i = 0; i < keys.length; i += 500) {
      const pipeline = node.pipeline();
      for (const key of keys.slice(i, i + 500)) pipeline.unlink(key);
      await pipeline.exec();
    }
  }
}

/** The connection of the node holding `key` (the connection itself when standalone). */
async function nodeHolding(connection: Connection, key: string): Promise<Redis> {
  if (!isCluster(connection)) return connection;
  for (const node of connection.nodes('master')) {
    // A node not serving the key's slot answers MOVED.
    if ((await node.exists(key).catch(() => 0)) === 1) return node;
  }
  throw new Error(`no node of the cluster holds ${key}`);
}

/**
 * What StreamOutbox needs of a connection (SCAN, XRANGE), over a whole cluster: its SCAN lists
 * the keys of every master at once (a cluster's own SCAN sees one node).
 */
function scanningEveryNode(connection: Connection): Redis {
  if (!isCluster(connection)) return connection;
  const facade = {
    scan: async (_cursor: string, ...args: (string | number)[]) => {
      const keys: string[] = [];
      for (const node of connection.nodes('master')) {
        let cursor = '0';
        do {
          const [next, found] = await (node.scan as (...a: unknown[]) => Promise<[string, string[]]>)(cursor, ...args);
          keys.push(...found);
          cursor = next;
        } while (cursor !== '0');
      }
      return ['0', keys];
    },
    xrange: (...args: Parameters<Cluster['xrange']>) => connection.xrange(...args),
  };
  return facade as unknown as Redis;
}

/** Disconnects once: a second disconnect() of ioredis leaves a 2 s timer behind. */
function close(connection: Connection): void {
  if (connection.status !== 'end') connection.disconnect();
}

/** What a script call sent: its command (eval or evalsha) and its keys. */
interface SentScript {
  readonly name: string;
  readonly keys: readonly string[];
}

/**
 * Records the script calls sent through the connection (for a cluster, through the cluster
 * client, which routes them): `sent` lists them; `restore()` ends the recording.
 */
function recordScripts(connection: Connection): { sent: SentScript[]; restore(): void } {
  const sent: SentScript[] = [];
  const target = connection as unknown as { sendCommand(command: { name: string; args: unknown[] }, ...rest: unknown[]): unknown };
  const original = target.sendCommand;
  const spy = jest.spyOn(target, 'sendCommand').mockImplementation(function (this: unknown, command, ...rest) {
    if (command.name === 'eval' || command.name === 'evalsha') {
      const count = Number(command.args[1]);
      sent.push({ name: command.name, keys: command.args.slice(2, 2 + count).map(String) });
    }
    return original.call(this, command, ...rest);
  });
  return { sent, restore: () => spy.mockRestore() };
}

const T0 = Date.parse('2030-01-01T00:00:00Z');
const DEADLINE = T0 + 86_400_000;
const voting: Gate = { phase: 'vote', now: T0 + 1 };
const proposing: Gate = { phase: 'propose', now: T0 + 1 };
const OPTIONS = ['Framboise-litchi', 'Caramel beurre salé', 'Citron-basilic'];

describe.each(redisTargets())('on $name', (target) => {
  const runPrefix = uniquePrefix();
  let redis: Connection;

  beforeAll(async () => {
    redis = await connectTarget(target);
  });

  afterAll(async () => {
    if (!redis) return; // connecting already failed the run
    await deleteEverywhere(redis, runPrefix);
    close(redis);
  });

  describeStoreContract(target.name, async () => {
    const prefix = uniquePrefix(runPrefix);
    const store = new RedisCampaignStore({ redis, prefix });
    const outbox = new StreamOutbox(scanningEveryNode(redis), prefix);
    return {
      store,
      outbox,
      cleanup: async () => {
        await store.close();
        await outbox.close();
        await deleteEverywhere(redis, prefix);
      },
    };
  });

  describeTrustContract(target.name, async () => {
    const prefix = uniquePrefix(runPrefix);
    const store = new RedisCampaignStore({ redis, prefix });
    const outbox = new StreamOutbox(scanningEveryNode(redis), prefix);
    return {
      store,
      outbox,
      cleanup: async () => {
        await store.close();
        await outbox.close();
        await deleteEverywhere(redis, prefix);
      },
    };
  }, 25);

  describe(`RedisCampaignStore on Redis only: ${target.name}`, () => {
    let prefix: string;
    let store: RedisCampaignStore;
    const extra: Connection[] = [];

    beforeEach(() => {
      prefix = uniquePrefix(runPrefix);
      store = new RedisCampaignStore({ redis, prefix });
    });

    afterEach(async () => {
      await store.close();
      for (const connection of extra.splice(0)) close(connection);
      await deleteEverywhere(redis, prefix);
    });

    /** Another connection to the same target, as another process would have. */
    async function connection(): Promise<Connection> {
      const connected = await connectTarget(target);
      extra.push(connected);
      return connected;
    }

    /** A campaign with one fixed-option category in the vote; returns the option ids. */
    async function openVote(s: RedisCampaignStore, campaignId: string, category = 'flavour'): Promise<string[]> {
      await s.initCampaign(campaignId, [{ id: category, deadline: T0, options: OPTIONS }], T0);
      expect(await s.transition({ campaignId, categoryId: category, from: 'pending', to: 'vote', deadline: DEADLINE, events: [] })).toBe(true);
      return (await s.getShortlist(campaignId, category)).map((p) => p.id);
    }

    it('keeps every key of a campaign under its hash tag', async () => {
      const campaignId = 'tagged';
      await store.initCampaign(campaignId, [{ id: 'line', deadline: T0 }, { id: 'flavour', deadline: T0, options: OPTIONS }], T0);
      const opened: CampaignEvent = { id: 'open', campaignId, categoryId: 'line', at: T0, kind: 'phase.opened', phase: 'propose', endsAt: DEADLINE };
      await store.transition({ campaignId, categoryId: 'line', from: 'pending', to: 'propose', deadline: DEADLINE, events: [opened] });
      const ids: string[] = [];
      for (const fan of ['ana', 'bob', 'cyd']) {
        const added = await store.addProposal(proposing, campaignId, { categoryId: 'line', text: `idea ${fan}`, normalized: `idea ${fan}`, authorKey: `discord:${fan}`, authorName: fan, platform: 'discord', createdAt: T0 }, 3);
        if (!added.ok) throw new Error(added.code);
        ids.push(added.proposal.id);
      }
      await store.like(proposing, campaignId, ids[0]!, 'discord:bob', 1);
      await store.editProposal(proposing, campaignId, ids[1]!, 'discord:bob', 'better', 'better');
      await store.withdrawProposal(proposing, campaignId, ids[2]!, 'discord:cyd');
      await store.retime({ campaignId, categoryId: 'line', phase: 'propose', expect: 'running', deadline: DEADLINE + 1, shift: 1, pausedAt: null, events: [] });
      await store.transition({ campaignId, categoryId: 'line', from: 'propose', to: 'vote', deadline: DEADLINE, seedShortlist: { by: 'likes', size: 2 }, events: [] });
      await store.castBallot(voting, campaignId, 'line', { voterKey: 'telegram:1', choice: [ids[0]!] }, { allowChange: true, tallied: true });
      await store.saveResults(campaignId, { categoryId: 'line', ballots: 1, tally: {}, winners: [], tieBreak: 'earliest', revealedAt: DEADLINE }, [], false);

      const keys = await keysEverywhere(redis, prefix);
      const campaignKeys = keys.filter((key) => key !== store.registryKey);
      expect(campaignKeys.length).toBeGreaterThan(10);
      for (const key of campaignKeys) {
        // Redis hashes the text between the first '{' and the next '}'.
        const open = key.indexOf('{');
        expect(key.slice(open, key.indexOf('}', open) + 1)).toBe(`{${campaignId}}`);
      }
      expect(keys).toContain(new CampaignKeys(prefix, campaignId).events);
    });

    it('appends the event of a transition once when ten transitions race on three connections', async () => {
      const campaignId = 'race';
      const stores = [store, ...(await Promise.all([connection(), connection()])).map((c) => new RedisCampaignStore({ redis: c, prefix }))];
      await store.initCampaign(campaignId, [{ id: 'line', deadline: T0 }], T0);
      const opened = (id: string): CampaignEvent => ({ id, campaignId, categoryId: 'line', at: T0, kind: 'phase.opened', phase: 'propose', endsAt: DEADLINE });
      // The first five carry the same event id (a scheduler job and a command announcing the same opening).
      const applied = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          stores[i % 3]!.transition({ campaignId, categoryId: 'line', from: 'pending', to: 'propose', deadline: DEADLINE, events: [opened(i < 5 ? 'opened' : `opened-${i}`)] }),
        ),
      );
      expect(applied.filter(Boolean)).toHaveLength(1);
      const winner = applied.indexOf(true);
      const stream = new CampaignKeys(prefix, campaignId).events;
      expect((await streamEntries(await nodeHolding(redis, stream), stream)).map((e) => e.id)).toEqual([winner < 5 ? 'opened' : `opened-${winner}`]);

      // An event id already appended is not appended again by a later change.
      const again = await store.retime({ campaignId, categoryId: 'line', phase: 'propose', expect: 'running', deadline: DEADLINE, shift: 0, pausedAt: T0, events: [opened(winner < 5 ? 'opened' : `opened-${winner}`)] });
      expect(again).toBe(true);
      expect(await redis.xlen(stream)).toBe(1);
      for (const s of stores.slice(1)) await s.close();
    });

    it("counts one ballot when two connections cast the same fan's ballot at once", async () => {
      const campaignId = 'two-connections';
      const [a, b, c] = await openVote(store, campaignId);
      const other = new RedisCampaignStore({ redis: await connection(), prefix });
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? other : store).castBallot(voting, campaignId, 'flavour', { voterKey: 'telegram:ana', choice: [[a, b, c][i % 3]!] }, { allowChange: false, tallied: true }),
        ),
      );
      expect(answers.filter((r) => r.ok)).toHaveLength(1);
      expect(answers.filter((r) => !r.ok && r.code === 'vote.already-cast')).toHaveLength(39);
      const { tally, ballots } = await store.getTally(campaignId, 'flavour');
      expect(ballots).toBe(1);
      expect(Object.values(tally)).toEqual([1]);
      await other.close();
    });

    it('sends the ballots of one tick as one script call and answers each caller with its own result', async () => {
      const campaignId = 'batch';
      const [a, b, c] = await openVote(store, campaignId);
      const scripts = recordScripts(redis);
      try {
        const cast = (fan: string, choice: string[], allowChange = false) =>
          store.castBallot(voting, campaignId, 'flavour', { voterKey: `telegram:${fan}`, choice }, { allowChange, tallied: true });
        const answers = await Promise.all([
          cast('ana', [a!]),
          cast('bob', [b!]),
          cast('ana', [c!]),
          cast('cyd', ['zz']),
          cast('bob', [c!], true),
          cast('dan', [c!]),
        ]);
        expect(answers).toEqual([
          { ok: true, changed: false },
          { ok: true, changed: false },
          { ok: false, code: 'vote.already-cast' },
          { ok: false, code: 'vote.not-shortlisted' },
          { ok: true, changed: true },
          { ok: true, changed: false },
        ]);
        // One call: the category's four keys once, then the six ballots' buckets.
        expect(scripts.sent).toHaveLength(1);
        expect(scripts.sent[0]!.keys).toHaveLength(4 + 6);
      } finally {
        scripts.restore();
      }
      expect(await store.getTally(campaignId, 'flavour')).toEqual({ tally: { [a!]: 1, [c!]: 2 }, ballots: 3 });
    });

    it("lets a later ballot of a batch see an earlier one of the same fan", async () => {
      const campaignId = 'same-fan';
      const [a, b, c] = await openVote(store, campaignId);
      const cast = (fan: string, choice: string[], allowChange: boolean) =>
        store.castBallot(voting, campaignId, 'flavour', { voterKey: `telegram:${fan}`, choice }, { allowChange, tallied: true });
      expect(
        await Promise.all([
          cast('ana', [a!], false),
          cast('ana', [b!], false), // one ballot per fan: refused
          cast('bob', [a!], true),
          cast('bob', [b!], true), // replaces bob's first: a leaves the tally
          cast('bob', [c!], true), // and again
          cast('cyd', [a!], true),
        ]),
      ).toEqual([
        { ok: true, changed: false },
        { ok: false, code: 'vote.already-cast' },
        { ok: true, changed: false },
        { ok: true, changed: true },
        { ok: true, changed: true },
        { ok: true, changed: false },
      ]);
      expect(await store.getTally(campaignId, 'flavour')).toEqual({ tally: { [a!]: 2, [c!]: 1 }, ballots: 3 });
      const ballots: Ballot[] = [];
      for await (const batch of store.scanBallots(campaignId, 'flavour')) ballots.push(...batch);
      expect(ballots.sort((x, y) => x.voterKey.localeCompare(y.voterKey))).toEqual([
        { voterKey: 'telegram:ana', choice: [a!] },
        { voterKey: 'telegram:bob', choice: [c!] },
        { voterKey: 'telegram:cyd', choice: [a!] },
      ]);
    });

    it('sends one call per category when a tick spans two categories and two campaigns', async () => {
      const first = 'spread-one';
      const second = 'spread-two';
      await store.initCampaign(first, [{ id: 'flavour', deadline: T0, options: OPTIONS }, { id: 'colour', deadline: T0, options: ['Red', 'Blue'] }], T0);
      for (const categoryId of ['flavour', 'colour']) {
        await store.transition({ campaignId: first, categoryId, from: 'pending', to: 'vote', deadline: DEADLINE, events: [] });
      }
      const [a] = (await store.getShortlist(first, 'flavour')).map((p) => p.id);
      const [red, blue] = (await store.getShortlist(first, 'colour')).map((p) => p.id);
      const secondIds = await openVote(store, second);
      const [x, y] = secondIds;
      const cast = (campaignId: string, categoryId: string, fan: string, choice: string) =>
        store.castBallot(voting, campaignId, categoryId, { voterKey: `telegram:${fan}`, choice: [choice] }, { allowChange: false, tallied: true });
      const scripts = recordScripts(redis);
      let answers;
      try {
        answers = await Promise.all([
          cast(first, 'flavour', 'ana', a!),
          cast(first, 'colour', 'ana', red!),
          cast(second, 'flavour', 'ana', x!),
          cast(first, 'colour', 'bob', blue!),
          cast(second, 'flavour', 'bob', y!),
          cast(first, 'flavour', 'ana', a!),
          cast(first, 'colour', 'ana', blue!),
          cast(second, 'flavour', 'cyd', red!), // an option id of another campaign's category
          cast(first, 'flavour', 'bob', a!),
        ]);
      } finally {
        scripts.restore();
      }
      expect(answers).toEqual([
        { ok: true, changed: false },
        { ok: true, changed: false },
        { ok: true, changed: false },
        { ok: true, changed: false },
        { ok: true, changed: false },
        { ok: false, code: 'vote.already-cast' },
        { ok: false, code: 'vote.already-cast' },
        secondIds.includes(red!) ? { ok: true, changed: false } : { ok: false, code: 'vote.not-shortlisted' },
        { ok: true, changed: false },
      ]);
      // One call per category, each within one campaign's hash tag (one cluster slot).
      expect(scripts.sent).toHaveLength(3);
      for (const { keys } of scripts.sent) expect(new Set(keys.map((key) => key.slice(key.indexOf('{'), key.indexOf('}') + 1))).size).toBe(1);
      expect(scripts.sent.map((call) => call.keys.length - 4).sort()).toEqual([3, 3, 3]);
      expect(await store.getTally(first, 'flavour')).toEqual({ tally: { [a!]: 2 }, ballots: 2 });
      expect(await store.getTally(first, 'colour')).toEqual({ tally: { [red!]: 1, [blue!]: 1 }, ballots: 2 });
      expect((await store.getTally(second, 'flavour')).ballots).toBe(secondIds.includes(red!) ? 3 : 2);
    });

    it('splits a tick into calls of at most maxBatch ballots, in order', async () => {
      const campaignId = 'split';
      const small = new RedisCampaignStore({ redis, prefix, maxBatch: 4 });
      const [a, b] = await openVote(small, campaignId);
      const scripts = recordScripts(redis);
      let answers;
      try {
        // Ballots 4 and 5 of ana fall on each side of the first split.
        answers = await Promise.all(
          ['f0', 'f1', 'f2', 'ana', 'ana', 'f5', 'f6', 'f7', 'f8', 'ana'].map((fan, i) =>
            small.castBallot(voting, campaignId, 'flavour', { voterKey: `telegram:${fan}`, choice: [i === 4 ? b! : a!] }, { allowChange: true, tallied: true }),
          ),
        );
      } finally {
        scripts.restore();
      }
      expect(answers.map((r) => r.ok && r.changed)).toEqual([false, false, false, false, true, false, false, false, false, true]);
      expect(scripts.sent.map((call) => call.keys.length)).toEqual([4 + 4, 4 + 4, 4 + 2]);
      expect(await small.getTally(campaignId, 'flavour')).toEqual({ tally: { [a!]: 8 }, ballots: 8 });
      await small.close();
    });

    it('gates each ballot of a batch with its own phase and time', async () => {
      const campaignId = 'gates';
      const [a] = await openVote(store, campaignId);
      const late: Gate = { phase: 'vote', now: DEADLINE };
      const cast = (gate: Gate, fan: string, campaign = campaignId, categoryId = 'flavour') =>
        store.castBallot(gate, campaign, categoryId, { voterKey: `telegram:${fan}`, choice: [a!] }, { allowChange: false, tallied: true });
      expect(
        await Promise.all([cast(voting, 'ana'), cast(late, 'bob'), cast(proposing, 'cyd'), cast(voting, 'bob'), cast(late, 'dan'), cast(voting, 'eve', campaignId, 'nope'), cast(voting, 'eve', 'nowhere')]),
      ).toEqual([
        { ok: true, changed: false },
        { ok: false, code: 'phase.closed' },
        { ok: false, code: 'phase.closed' },
        { ok: true, changed: false },
        { ok: false, code: 'phase.closed' },
        { ok: false, code: 'category.unknown' },
        { ok: false, code: 'campaign.unknown' },
      ]);
      expect(await store.getTally(campaignId, 'flavour')).toEqual({ tally: { [a!]: 2 }, ballots: 2 });
    });

    it('fails a cast-ballots call whose arguments do not match its ballots, before writing anything', async () => {
      const campaignId = 'malformed';
      const [a] = await openVote(store, campaignId);
      const k = new CampaignKeys(prefix, campaignId);
      const keys = [k.key('cat', 'flavour', 'state'), k.key('cat', 'flavour', 'shortlist'), k.key('cat', 'flavour', 'tally'), k.key('meta'), k.key('cat', 'flavour', 'ballots', '0'), k.key('cat', 'flavour', 'ballots', '1')];
      // Two buckets, but the second ballot's arguments are missing.
      await expect(runScript(redis, 'castBallots', keys, ['vote', voting.now, 'telegram:ana', '0', '1', 1, a!])).rejects.toThrow(/do not match/);
      expect(await store.getTally(campaignId, 'flavour')).toEqual({ tally: {}, ballots: 0 });
    });

    it('answers random batches as the memory store answers the same ballots one by one', async () => {
      const choice = fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }); // 3: not on the shortlist
      const ballot = fc.record({ fan: fc.integer({ min: 0, max: 4 }), choice, allowChange: fc.boolean(), gate: fc.constantFrom('open', 'open', 'open', 'late', 'propose') });
      const run = fc.record({ tallied: fc.boolean(), maxBatch: fc.constantFrom(2, 5, 64), batches: fc.array(fc.array(ballot, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }) });
      const gates: Record<string, Gate> = { open: voting, late: { phase: 'vote', now: DEADLINE + 1 }, propose: proposing };
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(run, async ({ tallied, maxBatch, batches }) => {
          const campaignId = `same-${runs++}`;
          const outbox = new MemoryOutbox({ baseDelayMs: 0 });
          const memory = new MemoryCampaignStore({ outbox });
          const batched = new RedisCampaignStore({ redis, prefix, maxBatch });
          try {
            const open = async (s: CampaignStore): Promise<string[]> => {
              await s.initCampaign(campaignId, [{ id: 'flavour', deadline: T0, options: OPTIONS }], T0);
              await s.transition({ campaignId, categoryId: 'flavour', from: 'pending', to: 'vote', deadline: DEADLINE, events: [] });
              return [...(await s.getShortlist(campaignId, 'flavour')).map((p) => p.id), 'zz'];
            };
            const memoryIds = await open(memory);
            const redisIds = await open(batched);
            const cast = (s: CampaignStore, ids: readonly string[], b: (typeof batches)[number][number]) =>
              s.castBallot(gates[b.gate]!, campaignId, 'flavour', { voterKey: `telegram:fan${b.fan}`, choice: b.choice.map((i) => ids[i]!) }, { allowChange: b.allowChange, tallied });
            for (const batch of batches) {
              const expected = [];
              for (const b of batch) expected.push(await cast(memory, memoryIds, b));
              expect(await Promise.all(batch.map((b) => cast(batched, redisIds, b)))).toEqual(expected);
            }
            // The same tally and the same ballots, option ids read as shortlist positions.
            const byIndex = (ids: readonly string[], tally: Record<string, number>) => Object.fromEntries(Object.entries(tally).filter(([, n]) => n !== 0).map(([id, n]) => [ids.indexOf(id), n]));
            const memoryTally = await memory.getTally(campaignId, 'flavour');
            const redisTally = await batched.getTally(campaignId, 'flavour');
            expect(byIndex(redisIds, redisTally.tally)).toEqual(byIndex(memoryIds, memoryTally.tally));
            expect(redisTally.ballots).toBe(memoryTally.ballots);
            const ballots = async (s: CampaignStore, ids: readonly string[]) => {
              const all: string[] = [];
              for await (const page of s.scanBallots(campaignId, 'flavour')) for (const b of page) all.push(`${b.voterKey}=${b.choice.map((id) => ids.indexOf(id)).join(',')}`);
              return all.sort();
            };
            expect(await ballots(batched, redisIds)).toEqual(await ballots(memory, memoryIds));
          } finally {
            await batched.close();
            await memory.close();
            await outbox.close();
          }
        }),
        { numRuns: 40 },
      );
    }, 30_000);

    it('rejects every ballot of a batch, never acknowledging one, when Redis cannot answer', async () => {
      const campaignId = 'unconfirmed';
      const [a] = await openVote(store, campaignId);
      const closed = await connection();
      const cut = new RedisCampaignStore({ redis: closed, prefix });
      closed.disconnect();
      const answers = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => cut.castBallot(voting, campaignId, 'flavour', { voterKey: `telegram:${i}`, choice: [a!] }, { allowChange: false, tallied: true })),
      );
      expect(answers.map((r) => r.status)).toEqual(Array.from({ length: 5 }, () => 'rejected'));
      expect((await store.getTally(campaignId, 'flavour')).ballots).toBe(0);
    });

    it('counts a batch as the same ballots cast one at a time, even with a category tallied only at times', async () => {
      // Tallied flags that change between ballots are no real category's, but they drive counts
      // to zero and below, where the batch's deferred counting must still match HINCRBY's.
      const ballot = fc.record({ fan: fc.integer({ min: 0, max: 3 }), choice: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }), allowChange: fc.boolean(), tallied: fc.boolean() });
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(ballot, { minLength: 1, maxLength: 24 }), async (ballots) => {
          const one = `one-${runs}`;
          const many = `many-${runs++}`;
          const [oneIds, manyIds] = [await openVote(store, one), await openVote(store, many)];
          const cast = (campaignId: string, ids: readonly string[], b: (typeof ballots)[number]) =>
            store.castBallot(voting, campaignId, 'flavour', { voterKey: `telegram:fan${b.fan}`, choice: b.choice.map((i) => ids[i]!) }, { allowChange: b.allowChange, tallied: b.tallied });
          const expected = [];
          for (const b of ballots) expected.push(await cast(one, oneIds!, b)); // each alone: cast-ballot-5
          expect(await Promise.all(ballots.map((b) => cast(many, manyIds!, b)))).toEqual(expected); // one cast-ballots-N
          const counts = async (campaignId: string, ids: readonly string[]) => {
            const tallyKey = new CampaignKeys(prefix, campaignId).key('cat', 'flavour', 'tally');
            const raw = await redis.hgetall(tallyKey);
            return { tally: Object.fromEntries(Object.entries(raw).map(([id, n]) => [ids.indexOf(id), n])), ballots: (await store.getTally(campaignId, 'flavour')).ballots };
          };
          expect(await counts(many, manyIds!)).toEqual(await counts(one, oneIds!));
        }),
        { numRuns: 40 },
      );
    }, 30_000);

    /** INFO used_memory of the node holding `key` (the Redis itself when standalone). */
    async function usedMemory(key: string): Promise<number> {
      return Number(/used_memory:(\d+)/.exec(await (await nodeHolding(redis, key)).info('memory'))![1]);
    }

    it('keeps ballots listpack-encoded and prints the memory they take', async () => {
      const campaignId = 'memory';
      // Fewer on the cluster by default: the same layout, and the run stays short.
      const total = Number(process.env.BALLOTS ?? (target.name === 'redis' ? 100_000 : 25_000));
      const ids = await openVote(store, campaignId);
      const tallyKey = new CampaignKeys(prefix, campaignId).key('cat', 'flavour', 'tally');
      const stateKey = new CampaignKeys(prefix, campaignId).key('cat', 'flavour', 'state');
      const usedBefore = await usedMemory(stateKey);
      const chunk = 2_000;
      for (let first = 0; first < total; first += chunk) {
        const casts = [];
        for (let i = first; i < Math.min(first + chunk, total); i++) {
          // Realistic fan keys: half Discord snowflakes, half Telegram user ids.
          const voterKey = i % 2 ? `discord:${1_100_000_000_000_000_000n + BigInt(i) * 7_919n}` : `telegram:${5_000_000_000 + i * 13}`;
          casts.push(store.castBallot(voting, campaignId, 'flavour', { voterKey, choice: [ids[i % 3]!] }, { allowChange: false, tallied: true }));
        }
        for (const answer of await Promise.all(casts)) expect(answer.ok).toBe(true);
      }
      expect((await store.getTally(campaignId, 'flavour')).ballots).toBe(total);
      const grown = (await usedMemory(stateKey)) - usedBefore;

      // MEMORY USAGE and OBJECT ENCODING name no key ioredis can route by: ask the node itself.
      const node = await nodeHolding(redis, stateKey);
      const keys = await keysByPrefix(node, prefix);
      const buckets = keys.filter((key) => key.includes(':ballots:'));
      const measure = node.pipeline();
      for (const key of buckets) measure.memory('USAGE', key, 'SAMPLES', '0').object('ENCODING', key);
      const replies = ((await measure.exec()) ?? []).map(([error, value]) => {
        if (error) throw error;
        return value;
      });
      let bytes = 0;
      const encodings = new Set<unknown>();
      for (let i = 0; i < replies.length; i += 2) {
        bytes += Number(replies[i]);
        encodings.add(replies[i + 1]);
      }
      const tallyBytes = Number(await node.memory('USAGE', tallyKey));
      console.log(
        `memory per ballot on ${target.name}: ${((bytes + tallyBytes) / total).toFixed(1)} B (${total} ballots in ${buckets.length} of ${BALLOT_BUCKETS} buckets, ` +
          `MEMORY USAGE of the buckets and the tally: ${(bytes + tallyBytes).toLocaleString('en')} B; encodings: ${[...encodings].join(', ')}); ` +
          `INFO used_memory grew by ${(grown / total).toFixed(1)} B per ballot (indicative: the Redis is shared)`,
      );
      expect([...encodings]).toEqual(['listpack']);
    }, 600_000);
  });
});

describe('RedisCampaignStore when Redis fails', () => {
  const socket = join(tmpdir(), `cocreate-redis-${process.pid}-${Date.now()}.sock`);
  let server: ChildProcess | undefined;

  /** A Redis of this test's own (so it may flush its scripts and be restarted), on a unix socket. */
  async function startServer(): Promise<void> {
    server = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    server.on('error', () => undefined);
    for (let waited = 0; !existsSync(socket); waited += 20) {
      if (waited > 5_000) throw new Error('these tests need redis-server on the PATH (apt-get install redis-server)');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function stopServer(): Promise<void> {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
    rmSync(socket, { force: true });
  }

  afterEach(stopServer);

  async function noscriptErrors(connection: Redis): Promise<number> {
    return Number(/errorstat_NOSCRIPT:count=(\d+)/.exec(await connection.info('errorstats'))?.[1] ?? 0);
  }

  it('refuses to connect with a clear error when no Redis answers', async () => {
    await expect(createRedisConnection(socket, { connectTimeout: 500 })).rejects.toThrow(/cannot connect to Redis/);
  });

  it('counts every batched ballot exactly once when the script cache is flushed mid-stream, and rejects a whole batch Redis does not answer', async () => {
    await startServer();
    const connection = await createRedisConnection(socket, { commandTimeout: 300 });
    connection.on('error', () => undefined);
    const admin = await createRedisConnection(socket);
    const store = new RedisCampaignStore({ redis: connection, maxBatch: 16 });
    const campaignId = 'flushed';
    try {
      await store.initCampaign(campaignId, [{ id: 'flavour', deadline: T0, options: OPTIONS }], T0);
      await store.transition({ campaignId, categoryId: 'flavour', from: 'pending', to: 'vote', deadline: DEADLINE, events: [] });
      const ids = (await store.getShortlist(campaignId, 'flavour')).map((p) => p.id);
      const cast = (fan: number, allowChange = false, choice = ids[fan % 3]!) =>
        store.castBallot(voting, campaignId, 'flavour', { voterKey: `telegram:${fan}`, choice: [choice] }, { allowChange, tallied: true });

      // A batch once the connection knows the batch script, then a flush: its EVALSHA meets
      // NOSCRIPT (so it did not run), and it is sent again as EVAL.
      expect(await Promise.all(Array.from({ length: 10 }, (_, i) => cast(i)))).toEqual(Array.from({ length: 10 }, () => ({ ok: true, changed: false })));
      await admin.script('FLUSH');
      const before = await noscriptErrors(admin);
      expect(await Promise.all(Array.from({ length: 10 }, (_, i) => cast(10 + i)))).toEqual(Array.from({ length: 10 }, () => ({ ok: true, changed: false })));
      expect(await noscriptErrors(admin)).toBe(before + 1);

      // 3,000 fans, 100 ballots in flight, the script cache flushed every 500 answers; then
      // 300 of them change their ballot while it is flushed again.
      const fans = 3_000;
      let next = 20;
      let answered = 0;
      const flushes: Promise<unknown>[] = [];
      const worker = async (): Promise<void> => {
        while (next < fans) {
          const answer = await cast(next++);
          expect(answer).toEqual({ ok: true, changed: false });
          if (++answered % 500 === 0) flushes.push(admin.script('FLUSH'));
        }
      };
      await Promise.all(Array.from({ length: 100 }, worker));
      const changes = Array.from({ length: 300 }, (_, i) => cast(i * 10, true, ids[(i * 10 + 1) % 3]!));
      flushes.push(admin.script('FLUSH'));
      expect(await Promise.all(changes)).toEqual(Array.from({ length: 300 }, () => ({ ok: true, changed: true })));
      await Promise.all(flushes);
      expect(await noscriptErrors(admin)).toBeGreaterThan(before + 1);

      const { tally, ballots } = await store.getTally(campaignId, 'flavour');
      expect(ballots).toBe(fans);
      const expected: Record<string, number> = {};
      for (let fan = 0; fan < fans; fan++) {
        const id = ids[(fan % 10 === 0 && fan < 3_000 ? fan + 1 : fan) % 3]!;
        expected[id] = (expected[id] ?? 0) + 1;
      }
      expect(tally).toEqual(expected);

      // A Redis that stops answering: every caller of the batch is rejected, none acknowledged.
      server!.kill('SIGSTOP');
      const frozen = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => cast(fans + i)));
      server!.kill('SIGCONT');
      expect(frozen.map((r) => r.status)).toEqual(Array.from({ length: 5 }, () => 'rejected'));
    } finally {
      await store.close();
      close(connection);
      close(admin);
    }
  }, 60_000);

  it('runs its scripts after the script cache is flushed, fails fast while Redis hangs or is down, and recovers on its own', async () => {
    await startServer();
    const connection = await createRedisConnection(socket, { commandTimeout: 300 });
    connection.on('error', () => undefined);
    const admin = await createRedisConnection(socket);
    const store = new RedisCampaignStore({ redis: connection });
    const campaignId = 'restart';
    const cast = (fan: string, choice: string) => store.castBallot(voting, campaignId, 'flavour', { voterKey: `telegram:${fan}`, choice: [choice] }, { allowChange: false, tallied: true });
    const open = async (): Promise<string> => {
      await store.initCampaign(campaignId, [{ id: 'flavour', deadline: T0, options: OPTIONS }], T0);
      await store.transition({ campaignId, categoryId: 'flavour', from: 'pending', to: 'vote', deadline: DEADLINE, events: [] });
      return (await store.getShortlist(campaignId, 'flavour'))[0]!.id;
    };
    try {
      const a = await open();
      expect(await cast('before', a)).toEqual({ ok: true, changed: false });

      // EVALSHA meets NOSCRIPT: ioredis sends EVAL instead, for single calls and in pipelines.
      await admin.script('FLUSH');
      const before = await noscriptErrors(admin);
      expect(await Promise.all([cast('one', a), cast('two', a), cast('three', a)])).toEqual(Array.from({ length: 3 }, () => ({ ok: true, changed: false })));
      expect(await cast('four', a)).toEqual({ ok: true, changed: false });
      expect(await noscriptErrors(admin)).toBeGreaterThan(before);
      expect((await store.getTally(campaignId, 'flavour')).ballots).toBe(5);

      // A Redis that keeps the socket but stops answering: the call fails after commandTimeout.
      server!.kill('SIGSTOP');
      const frozen = Date.now();
      await expect(cast('frozen', a)).rejects.toThrow();
      expect(Date.now() - frozen).toBeLessThan(2_000);
      server!.kill('SIGCONT');
      expect(await cast('thawed', a)).toEqual({ ok: true, changed: false });

      close(admin);
      const closed = new Promise((resolve) => connection.once('close', resolve));
      await stopServer();
      await closed;
      const started = Date.now();
      await expect(cast('down', a)).rejects.toThrow();
      await expect(store.getTally(campaignId, 'flavour')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(500);

      const ready = new Promise((resolve) => connection.once('ready', resolve));
      await startServer();
      await ready;
      const b = await open(); // a fresh server without persistence: the campaign is created again
      expect(await cast('after', b)).toEqual({ ok: true, changed: false });
    } finally {
      await store.close();
      close(connection);
      close(admin);
    }
  }, 30_000);
});
