// Redis itself crashing (SIGKILL) in the middle of a vote, on a server of the test's own:
//   - with `appendfsync always` and COCREATE_ACK=aof, the server restarted from its AOF holds every
//     ballot a fan saw acknowledged, and the same bot process votes again once it is back;
//   - with `appendonly no` and the default ack, `cocreate run` says so at start (the log, and
//     /healthz?details), and the loss it warns about does happen: acknowledged ballots are gone.
import { FakeBotApi, type BotMessage } from '../adapters/telegram/fake-bot-api';
import type { Runtime } from '../../src/cli/runtime';
import type { CommandResult } from '../../src/engine/commands';
import { fanKey } from '../../src/model/campaign';
import { startCocreate, writeCampaign, type CocreateProcess } from '../helpers/cocreate-process';
import { uniquePrefix } from '../helpers/redis';
import { startRedisServer, type RedisServer } from '../helpers/redis-servers';
import { onPort } from '../helpers/redis-sentinels';
import { BotProcess, ballot, fanActor, flavourIds, inspector, outcome, storedBallots, votingSpec } from '../helpers/redis-worker';

jest.setTimeout(90_000);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** The ballots stored on a server, over every key (the server is the test's own). */
async function ballotsOn(server: RedisServer): Promise<number> {
  return onPort(server.port, async (r) => {
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', '*:ballots:*', 'COUNT', 1000);
      for (const key of keys) n += await r.hlen(key);
      cursor = next;
    } while (cursor !== '0');
    return n;
  });
}

describe('Redis SIGKILLed mid-vote', () => {
  let server: RedisServer | undefined;
  let inspect: Runtime | undefined;

  afterEach(async () => {
    await BotProcess.killAll();
    await inspect?.close();
    inspect = undefined;
    await server?.stop();
    server = undefined;
  });

  it('with appendfsync always and COCREATE_ACK=aof, restarted from its AOF, it holds every acknowledged ballot', async () => {
    server = await startRedisServer({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    const deployment = { url: server.url, cluster: false };
    const prefix = uniquePrefix();
    const spec = votingSpec('aof-crash');
    const bot = await BotProcess.start({ deployment, prefix, spec, name: 'aof-bot', ack: 'aof' });
    expect(bot.warnings).toEqual([]);
    inspect = await inspector(deployment, prefix, spec, { quiet: true });
    const [choice] = await flavourIds(inspect, spec.id);
    await inspect.close();
    inspect = undefined;

    let nextFan = 0;
    const acked = new Set<number>();
    const answers: string[] = [];
    let stop = false;
    const stream = (async () => {
      while (!stop) {
        const fans = Array.from({ length: 50 }, () => nextFan++);
        const results: readonly CommandResult[] = await bot.execute(fans.map((n) => ballot(spec.id, n, choice!)));
        results.forEach((r, i) => {
          answers.push(outcome(r));
          if (r.ok) acked.add(fans[i]!);
        });
      }
    })();
    try {
      await until('500 ballots acknowledged', () => (acked.size >= 500 ? true : undefined));
      await server.kill(); // mid-stream: batches are in flight
      const ackedAtKill = acked.size;
      await server.restart();
      await until('ballots acknowledged again by the same bot', () => (acked.size >= ackedAtKill + 200 ? true : undefined));
    } finally {
      stop = true;
      await stream;
    }
    expect(answers.filter((a) => a !== 'ok' && a !== 'store.unavailable')).toEqual([]);
    inspect = await inspector(deployment, prefix, spec, { quiet: true });
    const stored = await storedBallots(inspect, spec.id);
    const missing = [...acked].filter((n) => !stored.has(fanKey(fanActor(n))));
    console.log(`appendfsync always: ${acked.size} ballots acknowledged, ${answers.filter((a) => a === 'store.unavailable').length} "try again", ${stored.size} stored after the SIGKILL and the restart from the AOF, ${missing.length} missing`);
    expect(missing).toEqual([]);
    expect((await inspect.engine.recount(spec.id)).agrees).toBe(true);
  });

  describe('with appendonly no and the default ack, through `cocreate run` on the Telegram stand-in', () => {
    let fake: FakeBotApi;
    beforeEach(async () => { fake = await FakeBotApi.start(); });
    afterEach(async () => { await fake.close(); });

    it('warns at start, in the log and in /healthz?details, and the loss it warns about happens: acknowledged ballots are gone after the SIGKILL', async () => {
      server = await startRedisServer();
      const chat = -1007;
      const { dir, file } = writeCampaign({
        id: 'no-persistence', title: 'Crash', locale: 'en',
        channels: { telegram: [{ chat: String(chat) }] },
        schedule: { vote: { start: '2030-01-01T00:00:00Z', duration: 'P1D' } },
        vote: { method: 'single', allowChange: false },
        categories: [{ id: 'colour', title: 'Colour', options: ['Red', 'Green', 'Blue'] }],
      });
      const group = fake.group(chat, 'Fans');
      let bot: CocreateProcess | undefined = startCocreate(file, dir, {
        TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, REDIS_URL: server.url,
        COCREATE_HTTP_PORT: '0', COCREATE_HTTP_HOST: '127.0.0.1', COCREATE_DRAIN_SECONDS: '0',
      });
      try {
        const port = await until('the ops endpoint in the log', () => {
          const match = /"port":(\d+)/.exec(bot!.log());
          return match ? Number(match[1]) : undefined;
        }).catch((error: Error) => {
          throw new Error(`${error.message}; the log:\n${bot!.log()}`);
        });
        // One warning, at start, naming the risk.
        const warnings = bot.log().split('\n').filter((line) => line.includes('"msg":"durability: '));
        expect(warnings).toHaveLength(1);
        expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, durability: { ack: 'redis', risk: 'memory-only' } });
        expect(warnings[0]).toMatch(/keeps data in memory only \(appendonly no, no RDB save point\): a Redis crash \(kill -9, power loss\) loses every acknowledged ballot/);
        const health = await fetch(`http://127.0.0.1:${port}/healthz?details`);
        expect(health.status).toBe(200);
        const report = await health.json() as { checks: { redis: { ok: boolean; durability: { ack: string; risk: string; warning: string } } } };
        expect(report.checks.redis).toMatchObject({ ok: true, durability: { ack: 'redis', risk: 'memory-only', warning: expect.stringMatching(/memory only/) } });

        // Three fans vote and are told it is recorded…
        const ballotMessage: BotMessage = await fake.waitForMessage(group, (m) => m.keyboard.length > 0, 20_000);
        const data = ballotMessage.keyboard[0]![0]!.callback_data!;
        for (const id of [7001, 7002, 7003]) {
          expect((await fake.waitForAnswer(fake.press(fake.user(id, `Fan ${id}`), ballotMessage, data))).show_alert).toBe(false);
        }
        expect(await ballotsOn(server)).toBe(3);
        // …then Redis crashes, and comes back without them.
        await server.kill();
        await server.restart();
        expect(await ballotsOn(server)).toBe(0);
      } finally {
        await bot.stop(10_000);
        bot = undefined;
      }
    });
  });
});
