/**
 * A small surge rehearsal: 500 fans through the real discord.js and telegraf clients against
 * the stand-ins, on the real Redis. Nothing may be lost, and the keys are cleaned up.
 */
import { loadCampaignFile } from '../../src/config';
import { rehearse } from '../../src/cli/rehearse';
import { connectOrFail, keysByPrefix, redisUrl, uniquePrefix } from '../redis/helpers';

jest.setTimeout(120_000);

it('replays 500 fans voting through both platforms and loses no ballot', async () => {
  const loaded = loadCampaignFile('campaigns/danone-michalak.yaml');
  if (!loaded.ok) throw new Error('campaign invalid');
  const prefix = uniquePrefix('test:rehearse:');
  const report = await rehearse({ campaign: loaded.spec, fans: 500, rate: 250, redisUrl: redisUrl(), prefix, maxSettleMs: 60_000 });
  expect(report.lost).toBe(0);
  expect(report.accepted + report.refused).toBe(500);
  expect(report.accepted).toBe(500); // every fan votes once: nothing to refuse
  expect(report.stored).toBe(500);
  expect(report.platforms).toEqual({ discord: 250, telegram: 250 });
  expect(report.outbox429).toBe(0);
  const redis = await connectOrFail();
  try {
    expect(await keysByPrefix(redis, prefix)).toEqual([]);
  } finally {
    redis.disconnect();
  }
});
