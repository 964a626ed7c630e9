// Reading a category's raw ballots (scan-ballots-1.lua) costs Redis in proportion to the
// ballots there are, not to the 4,096 buckets they are spread over: a category with few or no
// ballots must not hold Redis while a wave of reveals seals many categories at once. On a
// private redis-server of its own, so that its command statistics can be reset and read.
import type { Redis } from 'ioredis';
import type { Ballot } from '../../src/model/records';
import type { Gate } from '../../src/ports/campaign-store';
import { createRedisConnection } from '../../src/stores/redis/connection';
import { BALLOT_BUCKETS, ballotBucket, RedisCampaignStore } from '../../src/stores/redis/redis-store';
import { startRedisServer, type RedisServer } from '../helpers/redis-servers';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const voting: Gate = { phase: 'vote', now: T0 + 1 };
const OPTIONS = ['Framboise-litchi', 'Caramel beurre salé', 'Citron-basilic'];

/** Calls of each command since the last CONFIG RESETSTAT (INFO commandstats). */
async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const calls: Record<string, number> = {};
  for (const [, name, count] of (await redis.info('commandstats')).matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) calls[name!] = Number(count);
  return calls;
}

describe('reading the raw ballots of a category', () => {
  let server: RedisServer;
  let redis: Redis;
  let store: RedisCampaignStore;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = await createRedisConnection(server.url);
  });

  afterAll(async () => {
    await store?.close();
    redis?.disconnect();
    await server?.stop();
  });

  async function openVote(campaignId: string): Promise<string[]> {
    store = new RedisCampaignStore({ redis, prefix: 'scan:' });
    await store.initCampaign(campaignId, [{ id: 'flavour', deadline: T0, options: OPTIONS }], T0);
    expect(await store.transition({ campaignId, categoryId: 'flavour', from: 'pending', to: 'vote', deadline: T0 + 86_400_000, events: [] })).toBe(true);
    return (await store.getShortlist(campaignId, 'flavour')).map((p) => p.id);
  }

  async function scanned(campaignId: string): Promise<Ballot[]> {
    const all: Ballot[] = [];
    for await (const batch of store.scanBallots(campaignId, 'flavour')) all.push(...batch);
    return all.sort((a, b) => a.voterKey.localeCompare(b.voterKey));
  }

  it('reads each ballot once when a few ballots sit far apart among empty buckets', async () => {
    const ids = await openVote('sparse');
    // Fans whose buckets are spread out: some alone in a group of empty buckets, some side by side.
    const fans: string[] = [];
    const taken = new Set<number>();
    for (let i = 0; fans.length < 40; i++) {
      const key = `telegram:fan-${i}`;
      const bucket = ballotBucket(key);
      if (taken.has(bucket)) continue;
      if (fans.length < 20 ? bucket % 512 < 200 : bucket >= BALLOT_BUCKETS - 64) {
        taken.add(bucket);
        fans.push(key);
      }
    }
    for (const [i, voterKey] of fans.entries()) {
      expect(await store.castBallot(voting, 'sparse', 'flavour', { voterKey, choice: [ids[i % 3]!] }, { allowChange: false, tallied: true })).toEqual({ ok: true, changed: false });
    }
    const expected = fans.map((voterKey, i) => ({ voterKey, choice: [ids[i % 3]!] })).sort((a, b) => a.voterKey.localeCompare(b.voterKey));
    expect(await scanned('sparse')).toEqual(expected);
  });

  it('skips the empty buckets of a category without ballots a group at a time, in calls of a bounded size', async () => {
    await openVote('empty');
    await redis.config('RESETSTAT');
    expect(await scanned('empty')).toEqual([]);
    const calls = await commandCalls(redis);
    // Not one HGETALL per bucket (4,096): one EXISTS per 64 buckets, in calls of 512 buckets.
    expect(calls.hgetall ?? 0).toBe(0);
    expect(calls.exists).toBe(BALLOT_BUCKETS / 64);
    expect((calls.evalsha ?? 0) + (calls.eval ?? 0)).toBe(BALLOT_BUCKETS / 512);
  });
});
