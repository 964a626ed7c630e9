/**
 * `cocreate rehearse FILE --fans N --rate R`: a TV-spot surge replayed through the real
 * adapters (discord.js and telegraf clients) against the local stand-ins of Discord and
 * Telegram (src/fakes), on the real Redis under a prefix of its own that is deleted afterwards.
 * Each platform's bot runs in a thread of its own (one process per platform, as a deployment
 * on one Redis may run them), the stand-ins and the fans in another.
 * Every fan casts one ballot by pressing the ballot the bot posted; the report counts what
 * was accepted, refused and lost, and how fast each press was acknowledged.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { SystemClock } from '../src/clock/system-clock';
import type { Actor, CampaignSpec, CategorySpec } from '../src/model/campaign';
import type { Command } from '../src/engine/commands';
import { CROWD_CHANNEL, CROWD_CHAT, CROWD_GUILD, type SurgeOutcome } from './crowd';
import { startCrowdThread } from './crowd-thread';
import { createRedisConnection } from '../src/stores/redis/connection';
import { startBotThread, type BotThread, type RehearsedPlatform } from './bot-thread';
import { redisRuntime, type Runtime } from '../src/cli/runtime';
import { shiftToNow } from '../src/cli/shift-to-now';

const MANAGER: Actor = { platform: 'local', userId: 'rehearsal-manager', displayName: 'Rehearsal', grantedRoles: ['manager'] };

export interface RehearsalOptions {
  readonly campaign: CampaignSpec;
  readonly fans: number;
  /** Fans per second. */
  readonly rate: number;
  readonly redisUrl: string;
  /** The deployment prefix; the rehearsal works under `<prefix>rehearsal-<random>:`. */
  readonly prefix: string;
  /** How long to wait for the next answer once every fan has pressed (default 30 s). */
  readonly settleMs?: number;
  /** The longest wait for the last answers after the surge (default 180 s); what is still unanswered is lost. */
  readonly maxSettleMs?: number;
  readonly progress?: (line: string) => void;
  /** Every fan on one platform (default: half on each). */
  readonly only?: 'discord' | 'telegram';
  /**
   * How the Telegram bot receives updates (default `polling`). By `webhook` its answers to
   * button presses ride in the responses to the stand-in's posts (no request of their own),
   * which saves the bot CPU but costs the stand-in more, on the same cores.
   */
  readonly telegram?: 'webhook' | 'polling';
  /** Early fans voting at 200/s before the surge (default: a tenth of `fans`, at most 2,000); 0 for a cold start. */
  readonly warmup?: number;
  /**
   * CPU profiles of the surge: each thread (both bots, the crowd) runs V8's sampling profiler
   * from the first press to the last answer and writes `<name>-<thread>.cpuprofile` in `dir`
   * (rehearsal/profile.ts summarizes them). Sampling costs the threads a little CPU of its own.
   */
  readonly profile?: { readonly dir: string; readonly name: string; readonly intervalUs?: number };
}

/** How fast the early fans vote, before the surge. */
export const WARMUP_RATE = 200;

/** A tenth of the surge, at most 2,000 fans (10 s at 200/s). */
export function defaultWarmup(fans: number): number {
  return Math.min(2_000, Math.ceil(fans / 10));
}

export interface Percentiles { readonly p50: number; readonly p99: number; readonly max: number }

export interface RehearsalReport {
  readonly campaign: string;
  readonly fans: number;
  readonly rate: number;
  readonly platforms: { readonly discord: number; readonly telegram: number };
  /** How the Telegram bot received updates. */
  readonly telegramMode: 'webhook' | 'polling';
  readonly categories: readonly string[];
  /** The early fans who voted before the surge (on the same bots), and their acknowledgement times. */
  readonly warmup: { readonly fans: number; readonly rate: number; readonly answered: number; readonly ackMs: Percentiles };
  /** Ballots accepted, early fans' included (so are `refused`, `lost` and `stored`). */
  readonly accepted: number;
  readonly refused: number;
  readonly refusals: Readonly<Record<string, number>>;
  /** Presses never answered, plus accepted ballots missing from the store. */
  readonly lost: number;
  readonly stored: number;
  /**
   * Interaction → first acknowledgement, ms: Discord's first answer to the interaction (the
   * reply, or a deferral), which must come within 3 s; Telegram's answerCallbackQuery.
   */
  readonly ackMs: Percentiles;
  /** The same, per platform. */
  readonly ackMsBy: { readonly discord: Percentiles; readonly telegram: Percentiles };
  /** Interaction → the final answer carrying the engine's (durable) result, ms. */
  readonly answerMs: Percentiles;
  readonly outbox429: number;
  readonly seconds: number;
  /**
   * CPU time per fan during the surge, ms: of each platform's bot thread (adapter, engine,
   * Redis client) per fan on that platform, and of the crowd's thread (both stand-ins and the
   * fans) per fan; null where a thread's CPU cannot be read.
   */
  readonly cpuMsPerFan: { readonly discord: number | null; readonly telegram: number | null; readonly crowd: number | null };
  /** With `profile`: the profile file of each thread. */
  readonly profiles?: { readonly discord: string; readonly telegram: string; readonly crowd: string };
  /** The rehearsal passes: nothing lost, p99 acknowledgement under 3 s, no 429. */
  readonly ok: boolean;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const all = new Float64Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  return all;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function percentiles(values: Float64Array): Percentiles {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted[sorted.length - 1]!) };
}

/** The campaign, its schedule moved to now and its channels replaced by the stand-ins'. */
function rehearsalSpec(spec: CampaignSpec, now: number): CampaignSpec {
  const shifted = shiftToNow(spec, now);
  return { ...shifted, channels: { discord: [{ guild: CROWD_GUILD, channel: CROWD_CHANNEL }], telegram: [{ chat: String(CROWD_CHAT) }] } };
}

/** Brings every category to its vote: a few ideas proposed, liked and shortlisted, then advanced. */
async function openVotes(runtime: Runtime, spec: CampaignSpec): Promise<CategorySpec[]> {
  const exec = (command: Command, actor: Actor = MANAGER) => runtime.engine.execute(command, actor);
  const campaignId = spec.id;
  for (const category of spec.categories) {
    if (!category.options) {
      const ideas = Math.max(3, category.reveal.winners);
      for (let i = 0; i < ideas; i++) {
        await exec({ type: 'propose', campaignId, categoryId: category.id, text: `Rehearsal idea ${i + 1} for ${category.id}` }, { platform: 'local', userId: `setup-${i}`, displayName: `Setup ${i}` });
      }
    }
    for (let step = 0; step < 6; step++) {
      const status = await exec({ type: 'status', campaignId });
      const phase = status.ok && status.type === 'status' ? status.categories.find((c) => c.id === category.id)?.phase : undefined;
      if (phase === undefined || phase === 'vote' || phase === 'reveal') break;
      if (phase === 'propose' && !category.options) {
        const listed = await exec({ type: 'proposals', campaignId, categoryId: category.id });
        const likes = category.shortlist?.by === 'threshold' ? category.shortlist.likes : 1;
        if (listed.ok && listed.type === 'proposals') {
          for (const p of listed.proposals) {
            for (let l = 0; l < likes; l++) await exec({ type: 'like', campaignId, proposalId: p.id }, { platform: 'local', userId: `liker-${l}`, displayName: `Liker ${l}` });
          }
        }
      }
      if (phase === 'shortlist' && category.shortlist?.by === 'curators') {
        const listed = await exec({ type: 'proposals', campaignId, categoryId: category.id });
        if (listed.ok && listed.type === 'proposals') {
          for (const p of listed.proposals.slice(0, category.shortlist.size)) await exec({ type: 'shortlist.add', campaignId, proposalId: p.id });
        }
      }
      await exec({ type: 'advance', campaignId, categoryId: category.id, from: phase });
    }
  }
  const status = await exec({ type: 'status', campaignId });
  const open = new Set(status.ok && status.type === 'status' ? status.categories.filter((c) => c.phase === 'vote').map((c) => c.id) : []);
  // Ranked and approval ballots take several presses; the surge presses single-choice ballots.
  return spec.categories.filter((c) => open.has(c.id) && c.vote.method === 'single');
}

/** Deletes every key under `prefix` (SCAN + UNLINK, never FLUSHDB). */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** Runs the rehearsal and cleans its keys up; rejects only when it cannot start. */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalReport> {
  const progress = options.progress ?? (() => {});
  const clock = new SystemClock();
  const spec = rehearsalSpec(options.campaign, clock.now());
  const prefix = `${options.prefix}rehearsal-${randomBytes(4).toString('hex')}:`;
  const admin = await createRedisConnection(options.redisUrl);
  const threads: { stop(): Promise<void> }[] = [];
  let runtime: Runtime | undefined;
  try {
    // The stand-ins and the crowd take a thread (a core) of their own, as the platforms do;
    // each platform's bot takes another, as one process per platform on one Redis would.
    const telegramMode = options.telegram ?? 'polling';
    const crowd = await startCrowdThread();
    threads.push(crowd);
    const { endpoints } = crowd;
    const bots: BotThread[] = [];
    for (const platform of ['discord', 'telegram'] as const) {
      const bot = await startBotThread({ platform, spec, endpoints, redisUrl: options.redisUrl, prefix, telegram: telegramMode });
      threads.push(bot);
      bots.push(bot);
    }
    // This thread plays the campaign's staff: it opens the votes and reads the store.
    runtime = await redisRuntime({
      campaigns: [spec], clock, url: options.redisUrl, prefix, scheduler: 'memory', drainMs: 2_000,
      onError: (error, context) => progress(`${context} failed: ${String(error)}`),
    });
    await runtime.engine.start();
    progress('opening the votes');
    const categories = await openVotes(runtime, spec);
    if (categories.length === 0) throw new Error(`no single-choice vote could be opened in campaign "${spec.id}"`);
    // The ballots reach the platforms through the bots' outboxes (paced like the real thing).
    const found = await crowd.awaitBallots(categories.map((c) => spec.categories.indexOf(c)), 120_000);
    if (!found.ok) {
      throw new Error(`the ballots did not reach both platforms (discord ${found.discord}, telegram ${found.telegram} of ${categories.length})`);
    }
    const settle = { settleMs: options.settleMs ?? 30_000, maxSettleMs: options.maxSettleMs ?? 180_000, ...(options.only ? { only: options.only } : {}) };
    // Before the spot airs, the vote is open and the bots serve early voters: the surge meets
    // processes that are up and warm, as it would in a campaign (--warmup 0: a cold start).
    const warmupFans = options.warmup ?? defaultWarmup(options.fans);
    let warmup: SurgeOutcome | undefined;
    if (warmupFans > 0) {
      progress(`before the spot: ${warmupFans} early fans at ${WARMUP_RATE}/s`);
      warmup = await crowd.surge({ ...settle, fans: warmupFans, rate: WARMUP_RATE }, progress);
    }
    progress(`surge: ${options.fans} fans at ${options.rate}/s over ${categories.length} categories`);
    const profiled = options.profile
      ? [...bots.map((bot) => ({ thread: bot, name: bot.platform })), { thread: crowd, name: 'crowd' }]
        .map(({ thread, name }) => ({ thread, name, file: join(options.profile!.dir, `${options.profile!.name}-${name}.cpuprofile`) }))
      : [];
    if (options.profile) await mkdir(options.profile.dir, { recursive: true });
    await Promise.all(profiled.map(({ thread }) => thread.startProfile(options.profile?.intervalUs ?? 250)));
    const cpuBefore = await Promise.all(bots.map((bot) => bot.cpuMs()));
    const surge = await crowd.surge({ ...settle, fans: options.fans, rate: options.rate, firstFan: warmupFans }, progress);
    const cpuAfter = await Promise.all(bots.map((bot) => bot.cpuMs()));
    await Promise.all(profiled.map(({ thread, file }) => thread.stopProfile(file)));
    const profiles = Object.fromEntries(profiled.map(({ name, file }) => [name, file])) as NonNullable<RehearsalReport['profiles']>;

    // ---- the count, from the bots' answers and from the store
    const counts = await Promise.all(bots.map((bot) => bot.counts()));
    const voteOk = sum(counts.map((c) => c.voteOk));
    const voteRefused = sum(counts.map((c) => c.voteRefused));
    const refusals: Record<string, number> = {};
    for (const c of counts) for (const [code, n] of Object.entries(c.refusals)) refusals[code] = (refusals[code] ?? 0) + n;
    const outbox429 = sum(counts.map((c) => c.outbox429));
    // Counts are hidden from /status while the vote is open: read the store's tallies directly.
    let stored = 0;
    for (const category of categories) stored += (await runtime.store.getTally(spec.id, category.id)).ballots;
    const { sent, answered } = surge;
    const early = { sent: warmup?.sent ?? 0, answered: warmup?.answered ?? 0 };
    const unanswered = sent - answered + early.sent - early.answered;
    const lost = unanswered + Math.max(0, voteOk - stored);
    const ackMs = percentiles(concat(surge.ack.discord, surge.ack.telegram));
    const cpuPerFan = (platform: RehearsedPlatform, fans: number) => {
      const at = bots.findIndex((bot) => bot.platform === platform);
      const before = cpuBefore[at];
      const after = cpuAfter[at];
      return before == null || after == null || fans === 0 ? null : round3((after - before) / fans);
    };
    const onTelegram = sent - surge.onDiscord;
    const report: RehearsalReport = {
      campaign: spec.id, fans: options.fans, rate: options.rate,
      platforms: { discord: surge.onDiscord, telegram: onTelegram }, telegramMode,
      categories: categories.map((c) => c.id),
      warmup: { fans: early.sent, rate: WARMUP_RATE, answered: early.answered, ackMs: percentiles(warmup ? concat(warmup.ack.discord, warmup.ack.telegram) : new Float64Array()) },
      accepted: voteOk, refused: voteRefused + Math.max(0, answered + early.answered - voteOk - voteRefused), refusals, lost, stored,
      ackMs, ackMsBy: { discord: percentiles(surge.ack.discord), telegram: percentiles(surge.ack.telegram) },
      answerMs: percentiles(surge.answer), outbox429, seconds: Math.round(surge.seconds * 10) / 10,
      cpuMsPerFan: {
        discord: cpuPerFan('discord', surge.onDiscord),
        telegram: cpuPerFan('telegram', onTelegram),
        crowd: surge.cpuMs === null || sent === 0 ? null : round3(surge.cpuMs / sent),
      },
      ok: lost === 0 && ackMs.p99 < 3_000 && outbox429 === 0,
      ...(options.profile ? { profiles } : {}),
    };
    const errors = counts.flatMap((c) => c.errors);
    if (errors.length > 0) progress(`first errors logged: ${errors.slice(0, 5).join(' | ')}`);
    return report;
  } finally {
    for (const thread of threads.slice(1).reverse()) await thread.stop().catch(() => {});
    await runtime?.close().catch(() => {});
    await threads[0]?.stop().catch(() => {});
    await deleteKeys(admin, prefix).catch(() => {});
    admin.disconnect();
  }
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** The report as the command prints it. */
export function formatRehearsal(r: RehearsalReport, where: string): string {
  const codes = Object.entries(r.refusals).map(([code, n]) => `${code} ${n}`).join(', ');
  return [
    `rehearsal of ${r.campaign}: ${r.fans} fans at ${r.rate}/s (Discord ${r.platforms.discord}, Telegram ${r.platforms.telegram} by ${r.telegramMode}) on ${where}`,
    `categories voted: ${r.categories.join(', ')}`,
    r.warmup.fans > 0
      ? `before the surge: ${r.warmup.fans} early fans at ${r.warmup.rate}/s, ${r.warmup.answered} answered, acknowledgement p99 ${r.warmup.ackMs.p99} ms`
      : 'before the surge: none (a cold start)',
    `ballots: accepted ${r.accepted}, refused ${r.refused}${codes ? ` (${codes})` : ''}, lost ${r.lost} (stored ${r.stored})`,
    `acknowledgement (interaction → first answer): p50 ${r.ackMs.p50} ms, p99 ${r.ackMs.p99} ms, max ${r.ackMs.max} ms (Discord's limit: 3000 ms)`,
    `  on Discord: p50 ${r.ackMsBy.discord.p50} ms, p99 ${r.ackMsBy.discord.p99} ms, max ${r.ackMsBy.discord.max} ms; on Telegram: p50 ${r.ackMsBy.telegram.p50} ms, p99 ${r.ackMsBy.telegram.p99} ms, max ${r.ackMsBy.telegram.max} ms`,
    `final answer (interaction → the recorded ballot): p50 ${r.answerMs.p50} ms, p99 ${r.answerMs.p99} ms, max ${r.answerMs.max} ms`,
    `outbox 429s: ${r.outbox429}`,
    `CPU per fan (a thread each): Discord bot ${r.cpuMsPerFan.discord ?? '?'} ms, Telegram bot ${r.cpuMsPerFan.telegram ?? '?'} ms, stand-ins and crowd ${r.cpuMsPerFan.crowd ?? '?'} ms`,
    `duration: ${r.seconds} s`,
    r.ok ? 'verdict: ok' : 'verdict: FAILED (lost ballots, a p99 acknowledgement over 3 s, or 429s)',
    '',
  ].join('\n');
}
