// BullmqPhaseScheduler against the real Redis: the PhaseScheduler contract, then what only a
// shared, durable scheduler promises (several processes, restarts, Redis Cluster slots).
import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { SystemClock } from '../../src/clock/system-clock';
import type { PhaseJob } from '../../src/ports/phase-scheduler';
import { BullmqPhaseScheduler, bullmqPrefix } from '../../src/scheduler/bullmq-scheduler';
import { describeSchedulerContract } from '../contract/scheduler.contract';
import { connectOrFail, deleteByPrefix, keysByPrefix, uniquePrefix } from '../helpers/redis';
import { redisTargets } from '../helpers/redis-targets';

// ---- Redis deployments: the shared Redis with the production connection options (helpers.ts),
// and the local Redis Cluster of the global setup, with the store's fail-fast options. --------

type Connection = Redis | Cluster;

async function clusterOrFail(): Promise<Cluster> {
  const cluster = redisTargets()[1].connect({ redisOptions: { maxRetriesPerRequest: 0, commandTimeout: 2_000 } });
  await new Promise<void>((resolve, reject) => {
    cluster.once('ready', resolve);
    cluster.once('error', reject);
  });
  cluster.on('error', (error) => console.error('test cluster:', error));
  return cluster;
}

const DEPLOYMENTS: readonly { readonly name: string; connect(): Promise<Connection> }[] = [
  { name: 'redis', connect: () => connectOrFail() },
  { name: 'redis-cluster', connect: () => clusterOrFail() },
];

/** Deletes the keys under `prefix`, node by node on a cluster. */
async function deleteEverywhere(connection: Connection, prefix: string): Promise<void> {
  if (!('isCluster' in connection && connection.isCluster)) return void (await deleteByPrefix(connection as Redis, prefix));
  const cluster = connection as Cluster;
  for (const node of cluster.nodes('master')) for (const key of await keysByPrefix(node, prefix)) await cluster.unlink(key);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------

for (const deployment of DEPLOYMENTS) {
  describe(`on ${deployment.name}`, () => {
    let connection: Connection;
    beforeAll(async () => {
      connection = await deployment.connect();
    });
    afterAll(async () => {
      await connection?.quit();
    });

    describeSchedulerContract(`bullmq on ${deployment.name}`, async ({ onError }) => {
      const prefix = uniquePrefix();
      const scheduler = new BullmqPhaseScheduler({ connection, prefix, onError });
      return {
        scheduler,
        clock: new SystemClock(),
        advance: (ms) => sleep(ms),
        cleanup: async () => {
          await scheduler.close();
          await deleteEverywhere(connection, prefix);
        },
      };
    });
  });
}

describe('BullmqPhaseScheduler on Redis', () => {
  let redis: Redis;
  let prefix: string;
  let open: { close(): Promise<void> }[];
  let connections: Redis[];

  beforeAll(async () => {
    redis = await connectOrFail();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  beforeEach(() => {
    prefix = uniquePrefix();
    open = [];
    connections = [];
  });

  afterEach(async () => {
    for (const s of open) await s.close();
    for (const c of connections) await c.quit();
    await deleteByPrefix(redis, prefix);
  });

  /** A scheduler as another process would have it: its own connection. */
  async function instance(): Promise<BullmqPhaseScheduler> {
    const connection = await connectOrFail();
    connections.push(connection);
    const scheduler = new BullmqPhaseScheduler({ connection, prefix });
    open.push(scheduler);
    return scheduler;
  }

  const job = (id: string, at: number, version = 1): PhaseJob => ({ id: `c1.${id}.phase.due.vote`, campaignId: 'c1', categoryId: id, kind: 'phase.due', from: 'vote', version, at });

  /** Starts `s`, recording every firing with its time. */
  async function recording(s: BullmqPhaseScheduler, fired: { job: PhaseJob; firedAt: number }[], by = ''): Promise<void> {
    await s.start(async (j) => void fired.push({ job: { ...j, categoryId: j.categoryId + by }, firedAt: Date.now() }));
  }

  it('fires a replaced job once, at its new time', async () => {
    const s = await instance();
    const fired: { job: PhaseJob; firedAt: number }[] = [];
    await recording(s, fired);
    const t0 = Date.now();
    await s.schedule(job('a', t0 + 200, 1));
    await s.schedule(job('a', t0 + 700, 2));
    await sleep(450);
    expect(fired).toEqual([]);
    await sleep(700);
    expect(fired.map((f) => f.job.version)).toEqual([2]);
    expect(fired[0]!.firedAt).toBeGreaterThanOrEqual(t0 + 700);
  });

  it('fires once a job scheduled with the same id from two processes at once', async () => {
    const [a, b] = [await instance(), await instance()];
    const fired: { job: PhaseJob; firedAt: number }[] = [];
    await recording(a, fired, '@a');
    await recording(b, fired, '@b');
    const at = Date.now() + 300;
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).schedule(job('x', at))));
    await sleep(1000);
    expect(fired).toHaveLength(1);
    expect((await a.pending()).length + (await b.pending()).length).toBe(0);
  });

  it('fires on start the jobs that fell due while no process ran', async () => {
    const before = await instance();
    await before.schedule(job('missed', Date.now() + 100));
    await before.schedule(job('later', Date.now() + 1200));
    await before.close();
    await sleep(300);
    const after = await instance();
    expect((await after.pending()).map((j) => j.categoryId)).toEqual(['missed', 'later']);
    const fired: { job: PhaseJob; firedAt: number }[] = [];
    await recording(after, fired);
    await sleep(200);
    expect(fired.map((f) => f.job.categoryId)).toEqual(['missed']);
    await sleep(1000);
    expect(fired.map((f) => f.job.categoryId)).toEqual(['missed', 'later']);
  });

  it('fires again an id scheduled again after it fired (its completed job is kept)', async () => {
    const s = await instance();
    const fired: { job: PhaseJob; firedAt: number }[] = [];
    await recording(s, fired);
    await s.schedule(job('a', Date.now() + 50, 1));
    await sleep(300);
    await s.schedule(job('a', Date.now() + 50, 2));
    await sleep(300);
    expect(fired.map((f) => f.job.version)).toEqual([1, 2]);
  });

  it('fires again at the new time a job scheduled by another process while it fires', async () => {
    const [a, b] = [await instance(), await instance()];
    const fired: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await a.start(async (j) => {
      fired.push(j.version);
      if (j.version === 1) await held;
    });
    await a.schedule(job('a', Date.now(), 1));
    await sleep(200);
    expect(fired).toEqual([1]);
    const rescheduled = b.schedule(job('a', Date.now() + 300, 2)); // waits for the firing to end
    await sleep(100);
    release();
    await rescheduled;
    expect((await b.pending()).map((j) => j.version)).toEqual([2]);
    await sleep(700);
    expect(fired).toEqual([1, 2]);
  });

  it('makes a job it scheduled ready at its time, without waiting for a worker to look', async () => {
    // No worker runs: BullMQ alone would keep the job delayed until a worker asks (on Redis's
    // next server tick when one is blocked waiting for it). The scheduler promotes it itself.
    const s = await instance();
    await s.schedule(job('soon', Date.now() + 200));
    await s.schedule(job('later', Date.now() + 60_000));
    const queue = new Queue('{phases}', { connection: redis, prefix: bullmqPrefix(prefix) });
    try {
      const stateOf = async (id: string) => (await queue.getJob(`c1.${id}.phase.due.vote`))?.getState();
      expect(await stateOf('soon')).toBe('delayed');
      const deadline = Date.now() + 10_000;
      while ((await stateOf('soon')) === 'delayed' && Date.now() < deadline) await sleep(50);
      expect(await stateOf('soon')).toBe('waiting');
      expect(await stateOf('later')).toBe('delayed');
      // What it promoted still fires once, when a worker starts.
      const fired: { job: PhaseJob; firedAt: number }[] = [];
      await recording(s, fired);
      while (fired.length === 0 && Date.now() < deadline) await sleep(50);
      expect(fired.map((f) => f.job.categoryId)).toEqual(['soon']);
    } finally {
      await queue.close();
    }
  });

  it('keeps every key of the queue under one Redis Cluster hash tag', async () => {
    const s = await instance();
    await recording(s, []);
    await s.schedule(job('a', Date.now()));
    await s.schedule(job('b', Date.now() + 60_000));
    await sleep(200);
    const keys = await keysByPrefix(redis, prefix);
    expect(keys.length).toBeGreaterThan(3);
    for (const key of keys) expect(key.startsWith(`${prefix}{phases}:`)).toBe(true);
  });

  it('measures how late transitions fire (printed, not asserted)', async () => {
    const s = await instance();
    const fired: { job: PhaseJob; firedAt: number }[] = [];
    await recording(s, fired);
    const n = 300;
    const t0 = Date.now() + 300;
    // 200 spread over 2 s, then 100 due at the same instant.
    await Promise.all(Array.from({ length: n }, (_, i) => s.schedule(job(`j${i}`, i < 200 ? t0 + i * 10 : t0 + 2500))));
    const deadline = Date.now() + 10_000;
    while (fired.length < n && Date.now() < deadline) await sleep(100);
    expect(fired).toHaveLength(n);
    const late = fired.map((f) => f.firedAt - f.job.at).sort((x, y) => x - y);
    const q = (p: number) => late[Math.min(late.length - 1, Math.floor(p * late.length))]!;
    expect(late[0]!).toBeGreaterThanOrEqual(0);
    const burst = fired.filter((f) => f.job.at === t0 + 2500).map((f) => f.firedAt - f.job.at).sort((x, y) => x - y);
    console.log(
      `scheduler lateness over ${n} jobs: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${late[late.length - 1]} ms; ` +
        `100 due at once: p50 ${burst[50]} ms, max ${burst[99]} ms (redis hz ${(await redis.config('GET', 'hz'))[1]})`,
    );
  });
});
