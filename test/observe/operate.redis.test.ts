/**
 * `cocreate run` operated as in production, as a child process on Redis against the fake
 * Telegram Bot API: metrics scraped over HTTP move with the fans' activity, /healthz turns
 * 503 when Redis stops, and SIGTERM loses nothing queued in the outbox.
 */
import { FakeBotApi, type BotMessage, type FakeChat } from '../adapters/telegram/fake-bot-api';
import { startCocreate, writeCampaign, type CocreateProcess } from '../helpers/cocreate-process';
import { startRedisServer, type RedisServer } from '../helpers/redis-servers';
import { connectOrFail, deleteByPrefix, redisUrl, uniquePrefix } from '../helpers/redis';

jest.setTimeout(90_000);

const CHATS = [-1001, -1002, -1003, -1004, -1005];

function campaign(id: string, categories: number, chats: readonly number[]) {
  return {
    id, title: 'Ops', locale: 'en',
    channels: { telegram: chats.map((chat) => ({ chat: String(chat) })) },
    schedule: { vote: { start: '2030-01-01T00:00:00Z', duration: 'P1D' } },
    vote: { method: 'single', allowChange: false },
    categories: Array.from({ length: categories }, (_, i) => ({ id: `cat-${i}`, title: `Category ${i}`, options: ['Red', 'Green', 'Blue'] })),
  };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function portOf(bot: CocreateProcess): Promise<number> {
  return until(() => {
    const match = /"port":(\d+)/.exec(bot.log());
    return match ? Number(match[1]) : undefined;
  }, 'the ops endpoint in the log');
}

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function metric(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

describe('cocreate run in operation', () => {
  let fake: FakeBotApi;
  beforeEach(async () => { fake = await FakeBotApi.start(); });
  afterEach(async () => { await fake.close(); });

  it('serves metrics that move with votes, and /healthz that turns 503 when Redis stops', async () => {
    const redis: RedisServer = await startRedisServer();
    const { dir, file } = writeCampaign(campaign('ops-metrics', 1, [CHATS[0]!]));
    const group: FakeChat = fake.group(CHATS[0]!, 'Fans');
    const bot = startCocreate(file, dir, {
      TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, REDIS_URL: redis.url,
      COCREATE_HTTP_PORT: '0', COCREATE_HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'debug', COCREATE_DRAIN_SECONDS: '1',
    });
    try {
      const port = await portOf(bot);
      const ballot: BotMessage = await fake.waitForMessage(group, (m) => m.keyboard.length > 0, 20_000);
      const before = await scrape(port);
      expect(metric(before, 'cocreate_ballots_total{campaign="ops-metrics"}')).toBe(0);
      const data = ballot.keyboard[0]![0]!.callback_data!;
      const fan = fake.user(5001, 'Fan');
      expect((await fake.waitForAnswer(fake.press(fan, ballot, data))).show_alert).toBe(false);
      expect((await fake.waitForAnswer(fake.press(fan, ballot, data))).show_alert).toBe(true); // already voted
      const after = await scrape(port);
      expect(metric(after, 'cocreate_ballots_total{campaign="ops-metrics"}')).toBe(1);
      expect(metric(after, 'cocreate_refusals_total{code="vote.already-cast"}')).toBe(1);
      expect(metric(after, 'cocreate_outbox_deliveries_total{platform="telegram",outcome="ok"}')).toBeGreaterThanOrEqual(1);
      expect(after).toContain('cocreate_outbox_backlog 0');
      expect(after).toContain('cocreate_phase_transition_lateness_seconds_count');

      const healthy = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toEqual({ ok: true, checks: { redis: { ok: true }, telegram: { ok: true } } });

      await redis.stop();
      const sick = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(sick.status).toBe(503);
      const report = await sick.json() as { ok: boolean; checks: Record<string, { ok: boolean; error?: string }> };
      expect(report.ok).toBe(false);
      expect(report.checks.redis!.ok).toBe(false);
      expect(report.checks.telegram).toEqual({ ok: true });

      // The outbox's relay, still polling, reports the outage in the log too (a JSON line, not console text).
      const deadline = Date.now() + 15_000;
      while (!/"context":"outbox: /.test(bot.log()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));

      // The log: JSON lines, the command with its campaign and actor, never the token.
      const lines = bot.log().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => typeof l.context === 'string' && l.context.startsWith('outbox: ') && l.level === 50)).toBe(true);
      expect(lines.some((l) => l.campaign === 'ops-metrics' && l.actor === 'telegram:5001' && l.command === 'vote')).toBe(true);
      expect(bot.log()).not.toContain(fake.token.split(':')[1]);
    } finally {
      await bot.stop(10_000);
      await redis.stop().catch(() => {});
    }
  });

  it('loses nothing queued in the outbox on SIGTERM: delivered, or delivered after the restart', async () => {
    const prefix = uniquePrefix('test:ops:');
    const redis = await connectOrFail();
    const spec = campaign('ops-drain', 8, CHATS);
    const { dir, file } = writeCampaign(spec);
    const groups = CHATS.map((chat) => fake.group(chat, `Group ${chat}`));
    const env = { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, REDIS_URL: redisUrl(), COCREATE_REDIS_PREFIX: prefix, COCREATE_DRAIN_SECONDS: '0' };
    const delivered = () => groups.reduce((n, g) => n + fake.messagesIn(g).length, 0);
    const expected = spec.categories.length * CHATS.length; // one ballot per category per chat
    try {
      const first = startCocreate(file, dir, env);
      await until(() => (delivered() > 0 ? true : undefined), 'a first delivery');
      expect(await first.stop(15_000)).toBe(0);
      const atStop = delivered();
      expect(first.log()).toMatch(/"msg":"stopped"/);
      expect(atStop).toBeLessThan(expected); // the test means something only if some were still queued

      const second = startCocreate(file, dir, env);
      try {
        // Every category's ballot in every chat (other announcements, such as a reminder, may come too).
        const complete = () => groups.every((g) => new Set(fake.messagesIn(g).map((m) => /Category \d+/.exec(m.text)?.[0]).filter(Boolean)).size === spec.categories.length);
        await until(() => (complete() ? true : undefined), `all ${expected} ballots delivered`, 40_000);
      } finally {
        expect(await second.stop(15_000)).toBe(0);
      }
      for (const g of groups) {
        const titles = fake.messagesIn(g).map((m) => /Category \d+/.exec(m.text)?.[0]);
        expect(new Set(titles).size).toBe(spec.categories.length);
        const texts = fake.messagesIn(g).map((m) => m.text);
        expect(new Set(texts).size).toBe(texts.length); // nothing delivered twice
      }
    } finally {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    }
  });
});
