/**
 * One platform's bot in a thread of its own, for `cocreate rehearse`: as a deployment that runs
 * one process per platform on one Redis, each bot has its own engine, store connection and
 * outbox (which delivers only its platform's announcements) and its own core.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { CampaignSpec } from '../src/model/campaign';
import { DiscordAdapter } from '../adapters/discord/adapter';
import { TelegramAdapter } from '../adapters/telegram/adapter';
import { SystemClock } from '../src/clock/system-clock';
import type { CrowdEndpoints } from './crowd';
import { threadCpuMs } from './thread-cpu';
import { Metrics, observeCommands } from '../src/observe/metrics';
import { isThreadEntry, serveThread, ThreadClient } from './threads';
import { ThreadProfiler } from './profile';
import { redisRuntime } from '../src/cli/runtime';

export type RehearsedPlatform = 'discord' | 'telegram';

export interface BotThreadOptions {
  readonly platform: RehearsedPlatform;
  readonly spec: CampaignSpec;
  readonly endpoints: CrowdEndpoints;
  readonly redisUrl: string;
  readonly prefix: string;
  /** How the Telegram bot receives updates: a webhook on a free loopback port, or long polling. */
  readonly telegram: 'webhook' | 'polling';
}

/** What a bot counted: its vote commands by outcome, refusals by code, 429s met by its outbox. */
export interface BotCounts {
  readonly voteOk: number;
  readonly voteRefused: number;
  readonly refusals: Readonly<Record<string, number>>;
  readonly outbox429: number;
  /** The first errors it logged (at most 20). */
  readonly errors: readonly string[];
}

export interface BotThread {
  readonly platform: RehearsedPlatform;
  /** CPU time of the bot's thread so far (ms), null off Linux. */
  cpuMs(): Promise<number | null>;
  counts(): Promise<BotCounts>;
  /** Starts the thread's CPU profiler (a sample every `intervalUs`). */
  startProfile(intervalUs: number): Promise<void>;
  /** Stops it and writes the profile (`.cpuprofile`) to `file`. */
  stopProfile(file: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the bot of `options.platform` in its own thread; resolves once it is connected. */
export async function startBotThread(options: BotThreadOptions): Promise<BotThread> {
  const thread = await ThreadClient.start<null>(__filename, { ...options });
  return {
    platform: options.platform,
    cpuMs: () => thread.ask('cpu'),
    counts: () => thread.ask('counts'),
    startProfile: (intervalUs) => thread.ask('profile.start', intervalUs),
    stopProfile: (file) => thread.ask('profile.stop', file),
    stop: () => thread.stop(),
  };
}

async function serve(options: BotThreadOptions) {
  const { spec, endpoints } = options;
  const metrics = new Metrics({ defaultMetrics: false });
  const errors: string[] = [];
  const log = (line: string) => { if (errors.length < 20 && /failed|error/i.test(line)) errors.push(line); };
  const runtime = await redisRuntime({
    campaigns: [spec], clock: new SystemClock(), url: options.redisUrl, prefix: options.prefix, scheduler: 'memory', metrics, drainMs: 2_000,
    onError: (error, context) => log(`${context} failed: ${String(error)}`),
  });
  const engine = observeCommands(runtime.engine, metrics);
  let adapter: DiscordAdapter | TelegramAdapter;
  try {
    if (options.platform === 'discord') {
      const discord = new DiscordAdapter({
        engine, campaigns: [spec], token: endpoints.discord.token, apiBase: endpoints.discord.apiBase, log,
        client: { ws: { buildIdentifyThrottler: () => Promise.resolve({ waitForIdentify: () => Promise.resolve() }) } } as never,
      });
      await discord.start();
      runtime.outbox.register('discord', discord.deliver, discord.targets);
      adapter = discord;
    } else {
      // A webhook's TLS is a proxy's job: the stand-in posts to this loopback port in plain HTTP.
      const port = options.telegram === 'webhook' ? await freePort() : 0;
      const telegram = new TelegramAdapter({
        engine, campaigns: [spec], token: endpoints.telegram.token, apiRoot: endpoints.telegram.apiRoot, log,
        ...(options.telegram === 'webhook' ? { webhook: { url: `https://127.0.0.1:${port}/telegram`, secret: randomBytes(16).toString('hex'), port } } : {}),
      });
      await telegram.start();
      runtime.outbox.register('telegram', telegram.deliver, telegram.targets);
      adapter = telegram;
    }
    await runtime.engine.start();
  } catch (error) {
    await runtime.close().catch(() => {});
    throw error;
  }
  const counts = async (): Promise<BotCounts> => {
    const json = await metrics.registry.getMetricsAsJSON();
    const values = (name: string) => json.find((m) => m.name === name)?.values ?? [];
    const votes = (outcome: string) => values('cocreate_commands_total').filter((v) => v.labels.command === 'vote' && v.labels.outcome === outcome).reduce((a, v) => a + v.value, 0);
    const refusals: Record<string, number> = {};
    for (const v of values('cocreate_refusals_total')) refusals[String(v.labels.code)] = v.value;
    return { voteOk: votes('ok'), voteRefused: votes('refused'), refusals, outbox429: values('cocreate_outbox_rate_limited_total').reduce((a, v) => a + v.value, 0), errors };
  };
  const profiler = new ThreadProfiler();
  return {
    started: null,
    handlers: {
      cpu: () => threadCpuMs(),
      counts,
      'profile.start': (intervalUs: number) => profiler.start(intervalUs),
      'profile.stop': async (file: string) => { await writeFile(file, JSON.stringify(await profiler.stop())); },
      stop: async () => {
        await adapter.stop().catch(() => {});
        await runtime.close().catch(() => {});
        return true;
      },
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// Serves only in the thread started for this file (another thread may import it).
if (isThreadEntry(__filename)) serveThread((context) => serve(context.data as unknown as BotThreadOptions));
