// BullmqOutbox against the real Redis: the Outbox contract, then what only a shared, durable,
// paced outbox promises (several processes, restarts, platform rate limits).
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { CampaignEvent } from '../../src/model/events';
import type { Platform } from '../../src/model/campaign';
import { BullmqOutbox, type BullmqOutboxOptions, type PlatformPacing, type RateWindow } from '../../src/outbox/bullmq-outbox';
import { RateLimitedError, type Deliver, type DeliveryTarget } from '../../src/ports/outbox';
import { CampaignKeys } from '../../src/stores/redis/keys';
import { describeOutboxContract } from '../contract/outbox.contract';
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

    describeOutboxContract(`bullmq on ${deployment.name}`, async ({ maxAttempts, onGiveUp }) => {
      const prefix = uniquePrefix();
      const outbox = new BullmqOutbox({
        connection,
        prefix,
        campaignIds: [],
        maxAttempts,
        baseDelayMs: 10,
        pacing: { discord: null, telegram: null },
        pollMs: 50,
        onGiveUp: (f) => onGiveUp(f.event.id, f.target),
      });
      return {
        outbox,
        cleanup: async () => {
          await outbox.close();
          await deleteEverywhere(connection, prefix);
        },
      };
    });
  });
}

/** Sliding-window limits of a fake platform, as `PlatformPacing` states them. */
type Limits = Required<Pick<PlatformPacing, 'perChannel' | 'global'>>;

interface Sent {
  readonly platform: Platform;
  readonly channel: string;
  readonly event: string;
  readonly at: number;
}

/**
 * A stand-in for Discord and Telegram: accepts a message unless it would exceed the
 * platform's limits over the last window (per channel, and for the whole bot), in which
 * case it answers 429 with retry_after, as the adapters surface it (RateLimitedError).
 */
class FakePlatforms {
  readonly sent: Sent[] = [];
  readonly tooMany: Sent[] = [];

  constructor(private readonly limits: Partial<Record<Platform, Limits>> = {}) {}

  deliver(platform: Platform): Deliver {
    return async (event, target) => {
      const now = Date.now();
      const message = { platform, channel: target.channel, event: event.id, at: now };
      const limits = this.limits[platform];
      if (limits) {
        const retryAfter = Math.max(
          this.retryAfter(now, limits.perChannel, (s) => s.platform === platform && s.channel === target.channel),
          this.retryAfter(now, limits.global, (s) => s.platform === platform),
        );
        if (retryAfter > 0) {
          this.tooMany.push(message);
          throw new RateLimitedError(retryAfter);
        }
      }
      this.sent.push(message);
    };
  }

  private retryAfter(now: number, w: RateWindow, mine: (s: Sent) => boolean): number {
    const recent = this.sent.filter((s) => mine(s) && now - s.at < w.windowMs);
    return recent.length < w.limit ? 0 : recent[recent.length - w.limit]!.at + w.windowMs - now;
  }

  to(platform: Platform, channel: string): string[] {
    return this.sent.filter((s) => s.platform === platform && s.channel === channel).map((s) => s.event);
  }
}

/** The most sends found in any window of `windowMs` (a window ending at each send). */
function mostInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('BullmqOutbox on Redis', () => {
  const T0 = Date.parse('2013-02-18T08:00:00Z');
  let redis: Redis;
  let prefix: string;
  let campaignId: string;
  let open: BullmqOutbox[];
  let connections: Redis[];

  beforeAll(async () => {
    redis = await connectOrFail();
  });
  afterAll(async () => {
    await redis?.quit();
  });

  beforeEach(() => {
    prefix = uniquePrefix();
    campaignId = `c-${randomUUID().slice(0, 8)}`;
    open = [];
    connections = [];
  });

  afterEach(async () => {
    for (const o of open) await o.close();
    for (const c of connections) await c.quit();
    await deleteByPrefix(redis, prefix);
  });

  /** An outbox as another process would have it: its own connection. */
  async function instance(options: Partial<BullmqOutboxOptions> = {}): Promise<BullmqOutbox> {
    const connection = await connectOrFail();
    connections.push(connection);
    const outbox = new BullmqOutbox({ connection, prefix, campaignIds: [campaignId], baseDelayMs: 10, pollMs: 50, pacing: { discord: null, telegram: null }, ...options });
    open.push(outbox);
    return outbox;
  }

  const event = (n: number | string): CampaignEvent => ({ id: `${campaignId}.cat.e${n}`, campaignId, categoryId: 'cat', at: T0, kind: 'phase.paused', phase: 'vote' });
  const ids = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => event(from + i).id);
  const targets = (platform: Platform, channels: readonly string[]) => (c: string): DeliveryTarget[] => (c === campaignId ? channels.map((channel) => ({ platform, channel })) : []);

  it('paces a surge of 100 announcements to 3 Discord channels and 2 Telegram groups under every limit', async () => {
    const limits: Record<'discord' | 'telegram', Limits> = {
      discord: { perChannel: { limit: 5, windowMs: 200 }, global: { limit: 50, windowMs: 1000 } },
      telegram: { perChannel: { limit: 20, windowMs: 500 }, global: { limit: 30, windowMs: 500 } },
    };
    const fake = new FakePlatforms(limits);
    const outbox = await instance({ pacing: { discord: { ...limits.discord, marginMs: 50 }, telegram: { ...limits.telegram, marginMs: 50 } } });
    const discord = ['g/1', 'g/2', 'g/3'];
    const telegram = ['-1001', '-1002'];
    outbox.register('discord', fake.deliver('discord'), targets('discord', discord));
    outbox.register('telegram', fake.deliver('telegram'), targets('telegram', telegram));
    const started = Date.now();
    await outbox.enqueue(Array.from({ length: 100 }, (_, i) => event(i)));
    await outbox.idle();
    const took = Date.now() - started;

    expect(fake.tooMany).toEqual([]);
    for (const channel of discord) expect(fake.to('discord', channel)).toEqual(ids(0, 100));
    for (const channel of telegram) expect(fake.to('telegram', channel)).toEqual(ids(0, 100));
    const figures: string[] = [];
    for (const platform of ['discord', 'telegram'] as const) {
      const mine = fake.sent.filter((s) => s.platform === platform);
      const { perChannel, global } = limits[platform];
      const worstChannel = Math.max(...[...new Set(mine.map((s) => s.channel))].map((ch) => mostInWindow(mine.filter((s) => s.channel === ch).map((s) => s.at), perChannel.windowMs)));
      const worstGlobal = mostInWindow(mine.map((s) => s.at), global.windowMs);
      expect(worstChannel).toBeLessThanOrEqual(perChannel.limit);
      expect(worstGlobal).toBeLessThanOrEqual(global.limit);
      const span = Math.max(...mine.map((s) => s.at)) - Math.min(...mine.map((s) => s.at));
      figures.push(
        `${platform}: ${mine.length} sends in ${span} ms (${((mine.length * 1000) / span).toFixed(1)}/s), ` +
          `most per channel ${worstChannel}/${perChannel.limit} per ${perChannel.windowMs} ms, overall ${worstGlobal}/${global.limit} per ${global.windowMs} ms`,
      );
    }
    console.log(`outbox surge: 100 events x 5 targets delivered in ${took} ms, 429s: ${fake.tooMany.length}\n  ${figures.join('\n  ')}`);
  }, 60_000);

  it('delivers each (event, target) once, in order, with two processes on the same streams', async () => {
    const fake = new FakePlatforms();
    const [a, b] = [await instance(), await instance()];
    for (const o of [a, b]) {
      o.register('discord', fake.deliver('discord'), targets('discord', ['g/1', 'g/2']));
      o.register('telegram', fake.deliver('telegram'), targets('telegram', ['-100']));
    }
    const events = Array.from({ length: 60 }, (_, i) => event(i));
    await Promise.all([
      ...events.map((e, i) => (i % 2 ? a : b).enqueue([e])),
      a.enqueue(events.slice(0, 10)), // enqueued twice, from both
      b.enqueue(events.slice(50)),
    ]);
    await Promise.all([a.idle(), b.idle()]);
    await a.idle();

    const recorded = await redis.xrange(new CampaignKeys(prefix, campaignId).events, '-', '+');
    const streamOrder = recorded.map(([, fields]) => fields[fields.indexOf('id') + 1]);
    expect(streamOrder).toHaveLength(60);
    for (const [platform, channel] of [['discord', 'g/1'], ['discord', 'g/2'], ['telegram', '-100']] as const) {
      expect(fake.to(platform, channel)).toEqual(streamOrder);
    }
    expect(fake.sent).toHaveLength(180);
  });

  it('retries a delivery answered 429 after retry_after, without counting an attempt', async () => {
    const tries: { event: string; at: number }[] = [];
    const gaveUp: string[] = [];
    const outbox = await instance({ maxAttempts: 1, onGiveUp: (f) => gaveUp.push(f.event.id) });
    outbox.register(
      'discord',
      async (e) => {
        tries.push({ event: e.id, at: Date.now() });
        if (tries.length === 1) throw new RateLimitedError(400);
      },
      targets('discord', ['g/1']),
    );
    await outbox.enqueue([event(1), event(2)]);
    await outbox.idle();
    expect(tries.map((t) => t.event)).toEqual(ids(1, 2).concat(ids(1, 3)));
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(400);
    expect(gaveUp).toEqual([]);
  });

  it('delivers the events recorded before to a new platform, and nothing again to a restarted one', async () => {
    const fake = new FakePlatforms();
    const first = await instance();
    first.register('discord', fake.deliver('discord'), targets('discord', ['g/1']));
    await first.enqueue([event(1), event(2)]);
    await first.idle();
    await first.close();

    const restarted = await instance();
    restarted.register('discord', fake.deliver('discord'), targets('discord', ['g/1']));
    restarted.register('telegram', fake.deliver('telegram'), targets('telegram', ['-100']));
    await restarted.enqueue([event(3)]);
    await restarted.idle();
    expect(fake.to('discord', 'g/1')).toEqual(ids(1, 4));
    expect(fake.to('telegram', '-100')).toEqual(ids(1, 4));
  });

  it("relays the events the store's scripts append to a campaign's stream", async () => {
    const fake = new FakePlatforms();
    const outbox = await instance();
    outbox.register('discord', fake.deliver('discord'), targets('discord', ['g/1']));
    const keys = new CampaignKeys(prefix, campaignId);
    const append = `if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then redis.call('XADD', KEYS[2], '*', 'id', ARGV[1], 'event', ARGV[2]) end`;
    for (const e of [event(1), event(2), event(1)]) await redis.eval(append, 2, keys.eventIds, keys.events, e.id, JSON.stringify(e));
    await sleep(200); // the relay polls for entries appended elsewhere
    await outbox.idle();
    expect(fake.to('discord', 'g/1')).toEqual(ids(1, 3));
  });

  it('skips a stream entry that is not an event and goes on with the next', async () => {
    const fake = new FakePlatforms();
    const reported: string[] = [];
    const spy = jest.spyOn(console, 'error');
    const outbox = await instance({ onError: (error, context) => reported.push(`${context}: ${String(error)}`) });
    const stream = new CampaignKeys(prefix, campaignId).events;
    await redis.xadd(stream, '*', 'id', 'broken', 'event', '{not json');
    await outbox.enqueue([event(1)]);
    outbox.register('discord', fake.deliver('discord'), targets('discord', ['g/1']));
    await outbox.idle();
    expect(fake.to('discord', 'g/1')).toEqual(ids(1, 2));
    expect(reported).toEqual([expect.stringMatching(/^outbox: skipped entry \S+ of \S+: Error: not an event: \{not json$/)]);
    expect(spy).not.toHaveBeenCalled(); // reported through onError only
    spy.mockRestore();
  });

  it('takes over an event a relay read but never handed to a worker', async () => {
    const fake = new FakePlatforms();
    const stream = new CampaignKeys(prefix, campaignId).events;
    await redis.xgroup('CREATE', stream, 'discord/g/1', '0', 'MKSTREAM');
    await redis.xadd(stream, '*', 'id', event(1).id, 'event', JSON.stringify(event(1)));
    await redis.xadd(stream, '*', 'id', event(2).id, 'event', JSON.stringify(event(2)));
    await redis.xreadgroup('GROUP', 'discord/g/1', 'dead-process', 'COUNT', 1, 'STREAMS', stream, '>');
    const outbox = await instance({ claimIdleMs: 300 });
    outbox.register('discord', fake.deliver('discord'), targets('discord', ['g/1']));
    await sleep(150);
    expect(fake.sent).toEqual([]); // e1 is still someone's, e2 waits behind it
    await sleep(400);
    await outbox.idle();
    expect(fake.to('discord', 'g/1')).toEqual(ids(1, 3));
  });

  it('gives up after maxAttempts with exponential backoff, then delivers the next event', async () => {
    const tries: number[] = [];
    const gaveUp: string[] = [];
    const outbox = await instance({ maxAttempts: 3, baseDelayMs: 100, onGiveUp: (f) => gaveUp.push(`${f.event.id} after ${f.attempts}`) });
    const fake = new FakePlatforms();
    const ok = fake.deliver('discord');
    outbox.register(
      'discord',
      async (e, t) => {
        if (e.id !== event(1).id) return ok(e, t);
        tries.push(Date.now());
        throw new Error('500');
      },
      targets('discord', ['g/1']),
    );
    await outbox.enqueue([event(1), event(2)]);
    await outbox.idle();
    expect(gaveUp).toEqual([`${event(1).id} after 3`]);
    expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(100);
    expect(tries[2]! - tries[1]!).toBeGreaterThanOrEqual(200);
    expect(fake.to('discord', 'g/1')).toEqual(ids(2, 3));
  });

  it("keeps each platform's queue under one Redis Cluster hash tag", async () => {
    const fake = new FakePlatforms();
    const outbox = await instance();
    outbox.register('discord', fake.deliver('discord'), targets('discord', ['g/1']));
    outbox.register('telegram', fake.deliver('telegram'), targets('telegram', ['-100']));
    await outbox.enqueue([event(1)]);
    await outbox.idle();
    const keys = await keysByPrefix(redis, prefix);
    const tags = new Set(keys.map((k) => /\{([^}]+)\}/.exec(k)?.[1]));
    expect([...tags].sort()).toEqual([campaignId, 'outbox-discord', 'outbox-telegram'].sort());
  });
});
