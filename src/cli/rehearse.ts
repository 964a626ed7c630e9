/**
 * `cocreate rehearse FILE --fans N --rate R`: a TV-spot surge replayed through the real
 * adapters (discord.js and telegraf clients) against the local stand-ins of Discord and
 * Telegram (src/fakes), on the real Redis under a prefix of its own that is deleted afterwards.
 * Every fan casts one ballot by pressing the ballot the bot posted; the report counts what
 * was accepted, refused and lost, and how fast each press was acknowledged.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DiscordAdapter } from '../../adapters/discord/adapter';
import { decodeCustomId } from '../../adapters/discord/ids';
import { TelegramAdapter } from '../../adapters/telegram/adapter';
import { decodeCallback } from '../../adapters/telegram/callback';
import { SystemClock } from '../clock/system';
import type { Actor, CampaignSpec, CategorySpec } from '../engine/model';
import type { Command } from '../engine/commands';
import { FakeDiscord, settled, type InteractionRecord, type PostedMessage } from '../fakes/discord';
import { FakeBotApi, type BotMessage } from '../fakes/telegram';
import { Metrics, observeCommands } from '../observe/metrics';
import { createRedisConnection } from '../stores/redis/connection';
import { redisRuntime, type Runtime } from './runtime';
import { shiftToNow } from './shift';

const GUILD = '1400000000000000001';
const CHANNEL = '1400000000000000002';
const CHAT = -1001400000000;
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
}

export interface Percentiles { readonly p50: number; readonly p99: number; readonly max: number }

export interface RehearsalReport {
  readonly campaign: string;
  readonly fans: number;
  readonly rate: number;
  readonly platforms: { readonly discord: number; readonly telegram: number };
  readonly categories: readonly string[];
  readonly accepted: number;
  readonly refused: number;
  readonly refusals: Readonly<Record<string, number>>;
  /** Presses never answered, plus accepted ballots missing from the store. */
  readonly lost: number;
  readonly stored: number;
  /** Interaction → first acknowledgement (Discord: the deferral, which must come within 3 s; Telegram: answerCallbackQuery), ms. */
  readonly ackMs: Percentiles;
  /** Interaction → the final answer carrying the engine's (durable) result, ms. */
  readonly answerMs: Percentiles;
  readonly outbox429: number;
  readonly seconds: number;
  /** The rehearsal passes: nothing lost, p99 acknowledgement under 3 s, no 429. */
  readonly ok: boolean;
}

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted[sorted.length - 1]!) };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The campaign, its schedule moved to now and its channels replaced by the stand-ins'. */
function rehearsalSpec(spec: CampaignSpec, now: number): CampaignSpec {
  const shifted = shiftToNow(spec, now);
  return { ...shifted, channels: { discord: [{ guild: GUILD, channel: CHANNEL }], telegram: [{ chat: String(CHAT) }] } };
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

/** One ballot button or select per rehearsed category, on each platform. */
interface Ballots {
  readonly discord: Map<number, { message: PostedMessage; customId: string; values?: string[] }>;
  readonly telegram: Map<number, { message: BotMessage; data: string }>;
}

function findBallots(discord: FakeDiscord, telegram: FakeBotApi, spec: CampaignSpec, categories: readonly CategorySpec[]): Ballots {
  const wanted = new Set(categories.map((c) => spec.categories.indexOf(c)));
  const ballots: Ballots = { discord: new Map(), telegram: new Map() };
  for (const message of discord.channelMessages(CHANNEL)) {
    for (const row of message.components as { components?: { type: number; custom_id?: string; options?: { value: string }[] }[] }[]) {
      for (const c of row.components ?? []) {
        const id = c.custom_id ? decodeCustomId(c.custom_id) : null;
        if (!id || (id.kind !== 'vote' && id.kind !== 'select') || !wanted.has(id.category) || ballots.discord.has(id.category)) continue;
        const value = c.options?.[0]?.value;
        ballots.discord.set(id.category, { message, customId: c.custom_id!, ...(c.type === 3 && value !== undefined ? { values: [value] } : {}) });
      }
    }
  }
  for (const message of telegram.messagesIn({ id: CHAT, type: 'supergroup' })) {
    for (const row of message.keyboard) {
      for (const b of row) {
        const action = decodeCallback(b.callback_data);
        if (action?.kind !== 'vote' || !wanted.has(action.category) || ballots.telegram.has(action.category)) continue;
        ballots.telegram.set(action.category, { message, data: b.callback_data! });
      }
    }
  }
  return ballots;
}

/** Runs the rehearsal and cleans its keys up; rejects only when it cannot start. */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalReport> {
  const progress = options.progress ?? (() => {});
  const clock = new SystemClock();
  const spec = rehearsalSpec(options.campaign, clock.now());
  const prefix = `${options.prefix}rehearsal-${randomBytes(4).toString('hex')}:`;
  const admin = await createRedisConnection(options.redisUrl);
  const metrics = new Metrics({ defaultMetrics: false });
  const discord = new FakeDiscord({
    token: `rehearsal.${randomBytes(12).toString('hex')}`, applicationId: '1400000000000000009', record: false,
    guilds: [{ id: GUILD, name: 'Rehearsal', channels: [{ id: CHANNEL, name: 'campaign' }], roles: [] }],
    channelRateLimit: { limit: 5, windowMs: 5_000 },
  });
  const telegram = await FakeBotApi.start({ token: `140000:${randomBytes(18).toString('hex')}`, record: false });
  telegram.group(CHAT, 'Rehearsal');
  await discord.start();
  const errors: string[] = [];
  const log = (line: string) => { if (errors.length < 20 && /failed|error/i.test(line)) errors.push(line); };
  let runtime: Runtime | undefined;
  const adapters: { stop(): Promise<void> }[] = [];
  try {
    runtime = await redisRuntime({
      campaigns: [spec], clock, url: options.redisUrl, prefix, scheduler: 'memory', metrics, drainMs: 2_000,
      onError: (error, context) => log(`${context} failed: ${String(error)}`),
    });
    const engine = observeCommands(runtime.engine, metrics);
    const discordAdapter = new DiscordAdapter({
      engine, campaigns: [spec], token: discord.options.token, apiBase: discord.apiBase, log,
      client: { ws: { buildIdentifyThrottler: () => Promise.resolve({ waitForIdentify: () => Promise.resolve() }) } } as never,
    });
    await discordAdapter.start();
    adapters.push(discordAdapter);
    runtime.outbox.register('discord', discordAdapter.deliver, discordAdapter.targets);
    const telegramAdapter = new TelegramAdapter({ engine, campaigns: [spec], token: telegram.token, apiRoot: telegram.apiRoot, log });
    await telegramAdapter.start();
    adapters.push(telegramAdapter);
    runtime.outbox.register('telegram', telegramAdapter.deliver, telegramAdapter.targets);
    await runtime.engine.start();
    progress('opening the votes');
    const categories = await openVotes(runtime, spec);
    if (categories.length === 0) throw new Error(`no single-choice vote could be opened in campaign "${spec.id}"`);
    // The ballots reach the platforms through the outbox (paced like the real thing).
    const deadline = Date.now() + 120_000;
    let ballots = findBallots(discord, telegram, spec, categories);
    while ((ballots.discord.size < categories.length || ballots.telegram.size < categories.length) && Date.now() < deadline) {
      await sleep(100);
      ballots = findBallots(discord, telegram, spec, categories);
    }
    if (ballots.discord.size < categories.length || ballots.telegram.size < categories.length) {
      throw new Error(`the ballots did not reach both platforms (discord ${ballots.discord.size}, telegram ${ballots.telegram.size} of ${categories.length})`);
    }
    const indexes = categories.map((c) => spec.categories.indexOf(c));
    progress(`surge: ${options.fans} fans at ${options.rate}/s over ${categories.length} categories`);

    // ---- the surge
    const ack: number[] = [];
    const answer: number[] = [];
    let answered = 0;
    const pendingQueries = new Map<string, number>();
    discord.events.on('answered', (record: InteractionRecord) => {
      if (record.callbacks.length === 1 && record.edits.length === 0) ack.push(record.callbacks[0]!.at - record.sentAt);
      if (!settled(record)) return;
      answer.push(Date.now() - record.sentAt);
      answered += 1;
      discord.forget(record);
    });
    telegram.onAnswer((id) => {
      const sentAt = pendingQueries.get(id);
      if (sentAt === undefined) return;
      pendingQueries.delete(id);
      const ms = Date.now() - sentAt;
      ack.push(ms);
      answer.push(ms);
      answered += 1;
    });
    const started = Date.now();
    let sent = 0;
    let onDiscord = 0;
    const press = (fan: number) => {
      const category = indexes[fan % indexes.length]!;
      if (fan % 2 === 0) {
        const ballot = ballots.discord.get(category)!;
        discord.click({ id: String(1_500_000_000_000_000_000n + BigInt(fan)), username: `fan${fan}` }, ballot.message, ballot.customId, ballot.values);
        onDiscord += 1;
      } else {
        const ballot = ballots.telegram.get(category)!;
        const id = telegram.press(telegram.user(2_000_000_000 + fan, `Fan ${fan}`), ballot.message, ballot.data);
        pendingQueries.set(id, Date.now());
      }
    };
    let lastReport = started;
    while (sent < options.fans) {
      const due = Math.min(options.fans, Math.floor(((Date.now() - started) / 1000) * options.rate) + 1);
      while (sent < due) press(sent++);
      if (Date.now() - lastReport >= 5_000) {
        lastReport = Date.now();
        progress(`${sent} pressed, ${answered} answered`);
      }
      await sleep(5);
    }
    // The last answers: wait while they keep coming.
    let last = answered;
    let quietSince = Date.now();
    const giveUpAt = Date.now() + (options.maxSettleMs ?? 180_000);
    while (answered < sent && Date.now() - quietSince < (options.settleMs ?? 30_000) && Date.now() < giveUpAt) {
      await sleep(100);
      if (answered !== last) { last = answered; quietSince = Date.now(); }
    }
    const seconds = (Date.now() - started) / 1000;
    progress(`${answered} of ${sent} answered after ${seconds.toFixed(1)} s`);

    // ---- the count, from the engine's answers and from the store
    const metricsJson = await metrics.registry.getMetricsAsJSON();
    const values = (name: string) => metricsJson.find((m) => m.name === name)?.values ?? [];
    const voteOk = values('cocreate_commands_total').filter((v) => v.labels.command === 'vote' && v.labels.outcome === 'ok').reduce((a, v) => a + v.value, 0);
    const voteRefused = values('cocreate_commands_total').filter((v) => v.labels.command === 'vote' && v.labels.outcome === 'refused').reduce((a, v) => a + v.value, 0);
    const refusals: Record<string, number> = {};
    for (const v of values('cocreate_refusals_total')) refusals[String(v.labels.code)] = v.value;
    const outbox429 = values('cocreate_outbox_rate_limited_total').reduce((a, v) => a + v.value, 0);
    const status = await runtime.engine.execute({ type: 'status', campaignId: spec.id }, MANAGER);
    const rehearsed = new Set(categories.map((c) => c.id));
    // Counts are hidden from /status while the vote is open: read the store's tallies directly.
    let stored = 0;
    for (const id of rehearsed) stored += (await runtime.store.getTally(spec.id, id)).ballots;
    const unanswered = sent - answered;
    const lost = unanswered + Math.max(0, voteOk - stored);
    const ackMs = percentiles(ack);
    const report: RehearsalReport = {
      campaign: spec.id, fans: options.fans, rate: options.rate,
      platforms: { discord: onDiscord, telegram: sent - onDiscord },
      categories: categories.map((c) => c.id),
      accepted: voteOk, refused: voteRefused + Math.max(0, answered - voteOk - voteRefused), refusals, lost, stored,
      ackMs, answerMs: percentiles(answer), outbox429, seconds: Math.round(seconds * 10) / 10,
      ok: lost === 0 && ackMs.p99 < 3_000 && outbox429 === 0,
    };
    if (errors.length > 0) progress(`first errors logged: ${errors.slice(0, 5).join(' | ')}`);
    return report;
  } finally {
    for (const adapter of adapters.reverse()) await adapter.stop().catch(() => {});
    await runtime?.close().catch(() => {});
    await discord.stop().catch(() => {});
    await telegram.close().catch(() => {});
    await deleteKeys(admin, prefix).catch(() => {});
    admin.disconnect();
  }
}

/** The report as the command prints it. */
export function formatRehearsal(r: RehearsalReport, where: string): string {
  const codes = Object.entries(r.refusals).map(([code, n]) => `${code} ${n}`).join(', ');
  return [
    `rehearsal of ${r.campaign}: ${r.fans} fans at ${r.rate}/s (Discord ${r.platforms.discord}, Telegram ${r.platforms.telegram}) on ${where}`,
    `categories voted: ${r.categories.join(', ')}`,
    `ballots: accepted ${r.accepted}, refused ${r.refused}${codes ? ` (${codes})` : ''}, lost ${r.lost} (stored ${r.stored})`,
    `acknowledgement (interaction → first answer): p50 ${r.ackMs.p50} ms, p99 ${r.ackMs.p99} ms, max ${r.ackMs.max} ms (Discord's limit: 3000 ms)`,
    `final answer (interaction → the recorded ballot): p50 ${r.answerMs.p50} ms, p99 ${r.answerMs.p99} ms, max ${r.answerMs.max} ms`,
    `outbox 429s: ${r.outbox429}`,
    `duration: ${r.seconds} s`,
    r.ok ? 'verdict: ok' : 'verdict: FAILED (lost ballots, a p99 acknowledgement over 3 s, or 429s)',
    '',
  ].join('\n');
}
