/**
 * A small surge rehearsal: 500 fans through the real discord.js and telegraf clients against
 * the stand-ins, on the real Redis. Nothing may be lost, and the keys are cleaned up.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCampaignFile } from '../../src/config';
import { summarizeProfiles, type CpuProfile } from '../../rehearsal/profile';
import { rehearse } from '../../rehearsal/rehearse';
import { connectOrFail, keysByPrefix, redisUrl, uniquePrefix } from '../helpers/redis';

jest.setTimeout(120_000);

it('replays 500 fans voting through both platforms, after 40 early fans, and loses no ballot', async () => {
  const loaded = loadCampaignFile('campaigns/danone-michalak.yaml');
  if (!loaded.ok) throw new Error('campaign invalid');
  const prefix = uniquePrefix('test:rehearse:');
  const report = await rehearse({ campaign: loaded.spec, fans: 500, rate: 250, warmup: 40, redisUrl: redisUrl(), prefix, maxSettleMs: 60_000 });
  expect(report.lost).toBe(0);
  expect(report.warmup).toMatchObject({ fans: 40, answered: 40 });
  expect(report.accepted + report.refused).toBe(540);
  expect(report.accepted).toBe(540); // every fan (early ones included) votes once: nothing to refuse
  expect(report.stored).toBe(540);
  expect(report.platforms).toEqual({ discord: 250, telegram: 250 });
  expect(report.ackMsBy.discord.max).toBeGreaterThan(0);
  expect(report.ackMsBy.telegram.max).toBeGreaterThan(0);
  // Each platform's bot and the stand-ins ran in threads of their own, whose CPU is read.
  expect(report.cpuMsPerFan.discord).toBeGreaterThan(0);
  expect(report.cpuMsPerFan.telegram).toBeGreaterThan(0);
  expect(report.cpuMsPerFan.crowd).toBeGreaterThan(0);
  expect(report.outbox429).toBe(0);
  const redis = await connectOrFail();
  try {
    expect(await keysByPrefix(redis, prefix)).toEqual([]);
  } finally {
    redis.disconnect();
  }
});

it('replays fans pressing on Telegram with the bot on a webhook: each answer rides in the response to its post', async () => {
  const loaded = loadCampaignFile('campaigns/danone-michalak.yaml');
  if (!loaded.ok) throw new Error('campaign invalid');
  const prefix = uniquePrefix('test:rehearse-webhook:');
  const report = await rehearse({ campaign: loaded.spec, fans: 200, rate: 200, warmup: 0, only: 'telegram', telegram: 'webhook', redisUrl: redisUrl(), prefix, maxSettleMs: 60_000 });
  expect(report.telegramMode).toBe('webhook');
  expect(report.platforms).toEqual({ discord: 0, telegram: 200 });
  expect(report.lost).toBe(0);
  expect(report.stored).toBe(200);
  expect(report.ackMsBy.telegram.max).toBeGreaterThan(0);
});

it('writes a CPU profile of each thread during the surge when asked, which the summary reads', async () => {
  const loaded = loadCampaignFile('campaigns/danone-michalak.yaml');
  if (!loaded.ok) throw new Error('campaign invalid');
  const prefix = uniquePrefix('test:rehearse-profile:');
  const dir = mkdtempSync(join(tmpdir(), 'cocreate-profile-'));
  try {
    const report = await rehearse({ campaign: loaded.spec, fans: 100, rate: 100, warmup: 0, redisUrl: redisUrl(), prefix, maxSettleMs: 60_000, profile: { dir, name: 'small' } });
    expect(report.lost).toBe(0);
    expect(report.profiles).toEqual({ discord: join(dir, 'small-discord.cpuprofile'), telegram: join(dir, 'small-telegram.cpuprofile'), crowd: join(dir, 'small-crowd.cpuprofile') });
    const layers = (file: string) => summarizeProfiles([JSON.parse(readFileSync(file, 'utf8')) as CpuProfile]).layers.map((l) => l.layer);
    expect(layers(report.profiles!.discord)).toContain('discord.js (objects, client, gateway handlers)');
    expect(layers(report.profiles!.telegram)).toContain('telegraf');
    expect(layers(report.profiles!.crowd)).toContain('stand-ins and crowd (rehearsal/)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
