// Each Lua script of the BullMQ outbox run on its own against the real Redis and the local
// Redis Cluster: what it answers and what it leaves in Redis, without BullMQ around it.
import type { Cluster, Redis } from 'ioredis';
import { appendEvents, countBusyLanes, OUTBOX_SCRIPTS, reserveSend, takeNext } from '../../src/outbox/outbox-scripts';
import { EVENT_FIELDS } from '../../src/stores/redis/keys';
import { uniquePrefix } from '../helpers/redis';
import { redisTargets } from '../helpers/redis-targets';
import { connectTo, deleteKeys, deploymentOf } from '../helpers/redis-worker';

/** The scripts this file runs; a new file in src/outbox/lua fails the first test until it is run here too. */
const TESTED = ['appendEvents', 'countBusyLanes', 'reserveSend', 'takeNext'];

describe('the outbox scripts', () => {
  it('are exactly the files of src/outbox/lua, each under a versioned command name', () => {
    const scripts = [...OUTBOX_SCRIPTS.scripts().values()];
    expect(scripts.map((s) => s.name).sort()).toEqual(TESTED);
    for (const script of scripts) expect(script.command).toBe(`cocreate:outbox:${script.name}:${script.sha.slice(0, 10)}`);
  });

  it('write the event field names from EVENT_FIELDS, not by hand', () => {
    const append = OUTBOX_SCRIPTS.scripts().get('appendEvents')!;
    expect(append.lua).toContain(`local EventField = { id = '${EVENT_FIELDS.id}', event = '${EVENT_FIELDS.event}' }`);
    expect(append.lua).not.toContain('@include');
  });
});

describe.each(redisTargets())('the outbox scripts on $name', (target) => {
  const runPrefix = uniquePrefix();
  let redis: Redis | Cluster;
  let base: string;
  let n = 0;

  beforeAll(async () => {
    redis = await connectTo(deploymentOf(target));
    OUTBOX_SCRIPTS.define(redis);
  });
  afterAll(async () => {
    if (!redis) return;
    await deleteKeys(redis, runPrefix);
    redis.disconnect();
  });
  // One hash tag per test, so that the keys of one call share a cluster slot.
  beforeEach(() => {
    base = `${runPrefix}{t${++n}}:`;
  });

  const keys = () => ({ eventIds: `${base}events:ids`, events: `${base}events` });
  const event = (id: string) => [id, JSON.stringify({ id, kind: 'phase.paused' })] as const;

  it('appends each event id once to the stream and answers how many were new', async () => {
    expect(await appendEvents(redis, keys(), [event('e1'), event('e2')])).toBe(2);
    expect(await appendEvents(redis, keys(), [event('e2'), event('e3')])).toBe(1);
    const entries = await redis.xrange(keys().events, '-', '+');
    expect(entries.map(([, fields]) => fields)).toEqual(['e1', 'e2', 'e3'].map((id) => [EVENT_FIELDS.id, id, EVENT_FIELDS.event, event(id)[1]]));
  });

  it('hands a lane its entries one at a time, in order, and nothing while one is in flight', async () => {
    const { events } = keys();
    await appendEvents(redis, keys(), [event('e1'), event('e2')]);
    await redis.xgroup('CREATE', events, 'lane', '0');
    const first = await takeNext(redis, events, 'lane', 'relay-a', 60_000);
    expect(first?.slice(1)).toEqual([event('e1')[1], 0]);
    expect(await takeNext(redis, events, 'lane', 'relay-a', 60_000)).toBeNull();
    await redis.xack(events, 'lane', first![0]);
    expect((await takeNext(redis, events, 'lane', 'relay-a', 60_000))?.slice(1)).toEqual([event('e2')[1], 0]);
  });

  it('answers nothing when a lane has read everything', async () => {
    const { events } = keys();
    await appendEvents(redis, keys(), [event('e1')]);
    await redis.xgroup('CREATE', events, 'lane', '$');
    expect(await takeNext(redis, events, 'lane', 'relay-a', 60_000)).toBeNull();
  });

  it('takes over the entry in flight of a consumer silent for the idle time, and says so', async () => {
    const { events } = keys();
    await appendEvents(redis, keys(), [event('e1'), event('e2')]);
    await redis.xgroup('CREATE', events, 'lane', '0');
    const taken = await takeNext(redis, events, 'lane', 'relay-a', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await takeNext(redis, events, 'lane', 'relay-b', 10);
    expect(again).toEqual([taken![0], event('e1')[1], 1]);
    const pending = (await redis.xpending(events, 'lane', '-', '+', 10)) as [string, string, number, number][];
    expect(pending.map(([id, consumer]) => [id, consumer])).toEqual([[taken![0], 'relay-b']]);
  });

  it('counts the listed lanes with an entry unread or in flight, and none of a stream that does not exist', async () => {
    const { events } = keys();
    expect(await countBusyLanes(redis, events, ['a', 'b'])).toBe(0);
    await appendEvents(redis, keys(), [event('e1')]);
    for (const group of ['a', 'b', 'unlisted']) await redis.xgroup('CREATE', events, group, '0');
    expect(await countBusyLanes(redis, events, ['a', 'b'])).toBe(2);
    const a = await takeNext(redis, events, 'a', 'relay', 60_000);
    await redis.xack(events, 'a', a![0]);
    expect(await countBusyLanes(redis, events, ['a', 'b'])).toBe(1);
    const b = await takeNext(redis, events, 'b', 'relay', 60_000);
    expect(await countBusyLanes(redis, events, ['a', 'b'])).toBe(1); // b's entry is in flight
    await redis.xack(events, 'b', b![0]);
    expect(await countBusyLanes(redis, events, ['a', 'b'])).toBe(0);
  });

  it("reserves sends until a target's window is full, then tells how long to wait and reserves nothing", async () => {
    const target = { key: `${base}pace:channel:1`, limit: 2, windowMs: 5_000 };
    const platform = { key: `${base}pace:all`, limit: 0, windowMs: 0 };
    expect(await reserveSend(redis, target, platform, 's1')).toBe(0);
    expect(await reserveSend(redis, target, platform, 's2')).toBe(0);
    const wait = await reserveSend(redis, target, platform, 's3');
    expect(wait).toBeGreaterThan(4_000);
    expect(wait).toBeLessThanOrEqual(5_000);
    expect(await redis.zrange(target.key, '0', '-1')).toEqual(['s1', 's2']);
    expect(await redis.exists(platform.key)).toBe(0); // a limit of 0 is no window
    expect(await redis.pttl(target.key)).toBeGreaterThan(0);
  });

  it("holds every target back when the platform's window is full", async () => {
    const platform = { key: `${base}pace:all`, limit: 1, windowMs: 5_000 };
    const channel = (c: string) => ({ key: `${base}pace:channel:${c}`, limit: 5, windowMs: 5_000 });
    expect(await reserveSend(redis, channel('1'), platform, 's1')).toBe(0);
    expect(await reserveSend(redis, channel('2'), platform, 's2')).toBeGreaterThan(0);
    expect(await redis.zcard(channel('2').key)).toBe(0);
  });
});
