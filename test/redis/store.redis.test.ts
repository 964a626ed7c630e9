// Runs the CampaignStore contract against the real Redis, plus what only Redis can show:
// hash tags, races between connections, ballot batching, memory per ballot, failures.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainableCommander, Redis } from 'ioredis';
import type { CampaignEvent } from '../../src/engine/events';
import type { Gate } from '../../src/ports/store';
import { createRedisConnection } from '../../src/stores/redis/connection';
import { CampaignKeys } from '../../src/stores/redis/keys';
import { BALLOT_BUCKETS, RedisCampaignStore } from '../../src/stores/redis/store';
import { describeStoreContract } from '../contract/store.contract';
import { StreamOutbox, connectOrFail, deleteByPrefix, keysByPrefix, streamEntries, uniquePrefix } from './helpers';

const runPrefix = uniquePrefix();
let redis: Redis;

beforeAll(async () => {
  redis = await connectOrFail();
});

afterAll(async () => {
  if (!redis) return; // connectOrFail already failed the run
  await deleteByPrefix(redis, runPrefix);
  close(redis);
});

describeStoreContract('redis', async () => {
  const prefix = uniquePrefix(runPrefix);
  const store = new RedisCampaignStore({ redis, prefix });
  const outbox = new StreamOutbox(redis, prefix);
  return {
    store,
    outbox,
    cleanup: async () => {
      await store.close();
      await outbox.close();
      await deleteByPrefix(redis, prefix);
    },
  };
});

/** Disconnects once: a second disconnect() of ioredis leaves a 2 s timer behind. */
function close(connection: Redis): void {
  if (connection.status !== 'end') connection.disconnect();
}

const T0 = Date.parse('2030-01-01T00:00:00Z');
const DEADLINE = T0 + 86_400_000;
const voting: Gate = { phase: 'vote', now: T0 + 1 };
const proposing: Gate = { phase: 'propose', now: T0 + 1 };
const OPTIONS = ['Framboise-litchi', 'Caramel beurre salé', 'Citron-basilic'];

describe('RedisCampaignStore on Redis only', () => {
  let prefix: string;
  let store: RedisCampaignStore;
  const extra: Redis[] = [];

  beforeEach(() => {
    prefix = uniquePrefix(runPrefix);
    store = new RedisCampaignStore({ redis, prefix });
  });

  afterEach(async () => {
    await store.close();
    for (const connection of extra.splice(0)) close(connection);
    await deleteByPrefix(redis, prefix);
  });

  async function connection(): Promise<Redis> {
    const connected = await connectOrFail();
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

    const keys = await keysByPrefix(redis, prefix);
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
    expect((await streamEntries(redis, stream)).map((e) => e.id)).toEqual([winner < 5 ? 'opened' : `opened-${winner}`]);

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

  it('sends the ballots of one tick as one pipeline and answers each caller with its own result', async () => {
    const campaignId = 'batch';
    const [a, b, c] = await openVote(store, campaignId);
    const pipelines = jest.spyOn(redis, 'pipeline');
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
      expect(pipelines).toHaveBeenCalledTimes(1);
      expect((pipelines.mock.results[0]!.value as ChainableCommander).length).toBe(6);
    } finally {
      pipelines.mockRestore();
    }
    expect(await store.getTally(campaignId, 'flavour')).toEqual({ tally: { [a!]: 1, [c!]: 2 }, ballots: 3 });
  });

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

  async function usedMemory(): Promise<number> {
    return Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
  }

  it('keeps ballots listpack-encoded and prints the memory they take', async () => {
    const campaignId = 'memory';
    const total = Number(process.env.BALLOTS ?? 100_000);
    const ids = await openVote(store, campaignId);
    const usedBefore = await usedMemory();
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
    const grown = (await usedMemory()) - usedBefore;

    const keys = await keysByPrefix(redis, prefix);
    const buckets = keys.filter((key) => key.includes(':ballots:'));
    const measure = redis.pipeline();
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
    const tallyBytes = Number(await redis.memory('USAGE', new CampaignKeys(prefix, campaignId).key('cat', 'flavour', 'tally')));
    console.log(
      `memory per ballot: ${((bytes + tallyBytes) / total).toFixed(1)} B (${total} ballots in ${buckets.length} of ${BALLOT_BUCKETS} buckets, ` +
        `MEMORY USAGE of the buckets and the tally: ${(bytes + tallyBytes).toLocaleString('en')} B; encodings: ${[...encodings].join(', ')}); ` +
        `INFO used_memory grew by ${(grown / total).toFixed(1)} B per ballot (indicative: the Redis is shared)`,
    );
    expect([...encodings]).toEqual(['listpack']);
  }, 600_000);
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
