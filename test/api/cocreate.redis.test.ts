/**
 * The host's runtime on a real Redis: two processes' worth of runtimes share one campaign (one
 * ballot per fan, one reveal told once to the hosts), and the store keeps the definition for
 * the command-line tools.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { createCocreate, type Actor, type CampaignFileInput, type Cocreate, type RevealEvent } from '../../src';
import { SystemClock } from '../../src/clock/system-clock';
import { redisRuntime } from '../../src/cli/runtime';
import { connectOrFail, deleteByPrefix, redisUrl, uniquePrefix } from '../helpers/redis';

const ROOT = resolve(__dirname, '../..');

function campaign(): CampaignFileInput {
  const start = new Date(Date.now() - 60_000).toISOString();
  return {
    id: 'host-redis', title: 'Host on Redis', locale: 'fr',
    categories: [{ id: 'flavour', title: 'Le parfum', options: ['Framboise', 'Caramel', 'Citron'], schedule: { vote: { start, duration: 'P1D' } } }],
  };
}

/** The shortlist of a category, as a fan lists it. */
async function shortlist(cocreate: Cocreate, campaignId: string, categoryId: string): Promise<readonly { id: string; text: string }[]> {
  const result = await cocreate.execute({ type: 'shortlist.list', campaignId, categoryId }, { platform: 'telegram', userId: '999', displayName: 'Lister' });
  if (!result.ok || result.type !== 'shortlist.list') throw new Error(`shortlist.list refused: ${JSON.stringify(result)}`);
  return result.proposals;
}

const fan = (n: number): Actor => ({ platform: 'telegram', userId: String(1000 + n), displayName: `Fan ${n}` });
const manager: Actor = { platform: 'local', userId: 'lea', displayName: 'Léa', grantedRoles: ['manager'] };

describe('createCocreate on Redis', () => {
  const url = redisUrl();
  const prefix = uniquePrefix('test:api:');
  let redis: Redis;
  const runtimes: Cocreate[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    redis = await connectOrFail(url);
  });
  afterAll(async () => {
    await Promise.allSettled(runtimes.map((r) => r.stop()));
    await deleteByPrefix(redis, prefix);
    for (const cleanup of cleanups) await cleanup();
    redis.disconnect();
  }, 30_000); // each runtime drains its outbox for up to 2 s

  it('shares one campaign between two runtimes: one ballot per fan, and the reveal told once to the hosts', async () => {
    const reveals: { runtime: number; event: RevealEvent }[] = [];
    const definition = campaign();
    for (const n of [0, 1]) {
      const cocreate = await createCocreate({ campaigns: [definition], store: { redisUrl: url, prefix }, drainMs: 2_000 });
      cocreate.on('reveal', (event) => void reveals.push({ runtime: n, event }));
      runtimes.push(cocreate);
      await cocreate.start();
    }
    const [a, b] = runtimes as [Cocreate, Cocreate];
    const options = (await shortlist(a, 'host-redis', 'flavour')).map((p) => p.id);
    expect((await a.execute({ type: 'vote', campaignId: 'host-redis', categoryId: 'flavour', choice: [options[1]!] }, fan(1))).ok).toBe(true);
    expect((await b.execute({ type: 'vote', campaignId: 'host-redis', categoryId: 'flavour', choice: [options[1]!] }, fan(2))).ok).toBe(true);
    expect((await b.execute({ type: 'vote', campaignId: 'host-redis', categoryId: 'flavour', choice: [options[0]!] }, fan(1))).ok).toBe(true); // a change, not a second ballot
    expect((await a.execute({ type: 'advance', campaignId: 'host-redis', categoryId: 'flavour' }, manager)).ok).toBe(true);
    for (let i = 0; i < 300 && reveals.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1_500)); // time for a second delivery, were there one
    expect(reveals).toHaveLength(1);
    expect(reveals[0]!.event).toMatchObject({ campaignId: 'host-redis', categoryId: 'flavour', ballots: 2 });
    expect(reveals[0]!.event.standings.map((s) => s.votes)).toEqual([1, 1, 0]);
  }, 30_000);

  it('does not tell a reveal again to a runtime started after it was told', async () => {
    const late = await createCocreate({ campaigns: [campaign()], store: { redisUrl: url, prefix }, drainMs: 2_000 });
    const reveals: RevealEvent[] = [];
    late.on('reveal', (event) => void reveals.push(event));
    runtimes.push(late);
    await late.start();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(reveals).toEqual([]);
  }, 30_000);

  it('tells a host a reveal that happened while no host ran, once it starts', async () => {
    // A deployment of its own: the runtimes above share their prefix's deliveries (see Cocreate.start).
    const prefix = uniquePrefix('test:api:');
    cleanups.push(() => deleteByPrefix(redis, prefix).then(() => undefined));
    const definition = { ...campaign(), id: 'host-redis-late' } as CampaignFileInput;
    const spec = (await createCocreate({ campaigns: [definition] })).campaigns[0]!; // memory: only to resolve it
    // A bot without any host (as `cocreate run` is) reveals the category.
    const bot = await redisRuntime({ campaigns: [spec], clock: new SystemClock({ unref: true }), url, prefix, scheduler: 'memory', drainMs: 500 });
    await bot.engine.start();
    expect((await bot.engine.execute({ type: 'advance', campaignId: 'host-redis-late', categoryId: 'flavour' }, manager)).ok).toBe(true);
    await bot.close();
    const host = await createCocreate({ campaigns: [definition], store: { redisUrl: url, prefix }, drainMs: 2_000 });
    const reveals: RevealEvent[] = [];
    host.on('reveal', (event) => void reveals.push(event));
    runtimes.push(host);
    await host.start();
    for (let i = 0; i < 300 && reveals.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(reveals.map((r) => [r.campaignId, r.categoryId, r.ballots])).toEqual([['host-redis-late', 'flavour', 0]]);
  }, 30_000);

  it('keeps the definition in the store: the command-line tools read the campaign without its file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cocreate-api-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/cocreate.js'), 'recount', 'host-redis'], {
      cwd, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', REDIS_URL: url, COCREATE_REDIS_PREFIX: prefix },
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('flavour: 2 ballots, ok\n');
    expect(r.status).toBe(0);
  }, 60_000);
});
