/**
 * The platform side of a surge rehearsal: the stand-ins of Discord and Telegram and a crowd of
 * fans pressing the ballots the bots posted there. `cocreate rehearse` runs it in a worker
 * thread of its own (crowd-thread.ts), so that the stand-ins and the crowd take a core of their
 * own, as the real platforms and their users do not share the bots' CPU.
 */
import { randomBytes } from 'node:crypto';
import { decodeChatId, ID_MAX_BYTES } from '../src/chat/ids';
import { FakeDiscord, settled, type InteractionRecord, type PostedMessage } from './stand-ins/discord-stand-in';
import { FakeBotApi, type BotMessage } from './stand-ins/telegram-stand-in';
import { threadCpuMs } from './thread-cpu';

export const CROWD_GUILD = '1400000000000000001';
export const CROWD_CHANNEL = '1400000000000000002';
export const CROWD_CHAT = -1001400000000;

/** Where the bot finds the stand-ins. */
export interface CrowdEndpoints {
  readonly discord: { readonly token: string; readonly apiBase: string };
  readonly telegram: { readonly token: string; readonly apiRoot: string };
}

export interface SurgeOptions {
  readonly fans: number;
  /** Fans per second. */
  readonly rate: number;
  /** How long to wait for the next answer once every fan has pressed. */
  readonly settleMs: number;
  /** The longest wait for the last answers after the surge; what is still unanswered is lost. */
  readonly maxSettleMs: number;
  /** The number of the first fan (fans are numbered from it: a second surge brings new fans). */
  readonly firstFan?: number;
  /** Every fan on one platform (default: even fans on Discord, odd ones on Telegram). */
  readonly only?: 'discord' | 'telegram';
}

/** What the crowd saw: times in ms from each press to its answers. */
export interface SurgeOutcome {
  readonly sent: number;
  readonly answered: number;
  readonly onDiscord: number;
  /** Press → first answer (Discord: the first interaction callback; Telegram: answerCallbackQuery), per platform. */
  readonly ack: { readonly discord: Float64Array; readonly telegram: Float64Array };
  /** Press → the answer carrying the engine's result. */
  readonly answer: Float64Array;
  readonly seconds: number;
  /** CPU time of the crowd's thread (the stand-ins and the fans) during the surge, ms; null off Linux. */
  readonly cpuMs: number | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A growable list of numbers (a surge records up to one per fan). */
class Samples {
  private data = new Float64Array(1024);
  private size = 0;
  push(value: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size++] = value;
  }
  values(): Float64Array {
    return this.data.slice(0, this.size);
  }
}

export class Crowd {
  private ballots: {
    discord: Map<number, { message: PostedMessage; customId: string; values?: string[] }>;
    telegram: Map<number, { message: BotMessage; data: string }>;
  } = { discord: new Map(), telegram: new Map() };

  private constructor(readonly discord: FakeDiscord, readonly telegram: FakeBotApi) {}

  /** Starts both stand-ins on free ports of 127.0.0.1, recording nothing (a surge is long). */
  static async start(): Promise<Crowd> {
    const discord = new FakeDiscord({
      token: `rehearsal.${randomBytes(12).toString('hex')}`, applicationId: '1400000000000000009', record: false,
      guilds: [{ id: CROWD_GUILD, name: 'Rehearsal', channels: [{ id: CROWD_CHANNEL, name: 'campaign' }], roles: [] }],
      channelRateLimit: { limit: 5, windowMs: 5_000 },
    });
    const telegram = await FakeBotApi.start({ token: `140000:${randomBytes(18).toString('hex')}`, record: false });
    telegram.group(CROWD_CHAT, 'Rehearsal');
    await discord.start();
    return new Crowd(discord, telegram);
  }

  get endpoints(): CrowdEndpoints {
    return {
      discord: { token: this.discord.options.token, apiBase: this.discord.apiBase },
      telegram: { token: this.telegram.token, apiRoot: this.telegram.apiRoot },
    };
  }

  /**
   * Waits until the bot has posted a ballot of every wanted category (by index in the campaign)
   * on both platforms; false when they are still missing at the deadline.
   */
  async awaitBallots(categories: readonly number[], timeoutMs: number): Promise<{ discord: number; telegram: number; ok: boolean }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.findBallots(new Set(categories));
      const found = { discord: this.ballots.discord.size, telegram: this.ballots.telegram.size };
      const ok = found.discord >= categories.length && found.telegram >= categories.length;
      if (ok || Date.now() >= deadline) return { ...found, ok };
      await sleep(100);
    }
  }

  private findBallots(wanted: ReadonlySet<number>): void {
    for (const message of this.discord.channelMessages(CROWD_CHANNEL)) {
      for (const row of message.components as { components?: { type: number; custom_id?: string; options?: { value: string }[] }[] }[]) {
        for (const c of row.components ?? []) {
          const id = c.custom_id ? decodeChatId(c.custom_id, ID_MAX_BYTES.discord) : null;
          if (!id || (id.kind !== 'vote' && id.kind !== 'select') || !wanted.has(id.category) || this.ballots.discord.has(id.category)) continue;
          const value = c.options?.[0]?.value;
          this.ballots.discord.set(id.category, { message, customId: c.custom_id!, ...(c.type === 3 && value !== undefined ? { values: [value] } : {}) });
        }
      }
    }
    for (const message of this.telegram.messagesIn({ id: CROWD_CHAT, type: 'supergroup' })) {
      for (const row of message.keyboard) {
        for (const b of row) {
          const action = decodeChatId(b.callback_data, ID_MAX_BYTES.telegram);
          if (action?.kind !== 'vote' || !wanted.has(action.category) || this.ballots.telegram.has(action.category)) continue;
          this.ballots.telegram.set(action.category, { message, data: b.callback_data! });
        }
      }
    }
  }

  /**
   * The surge: `fans` fans press a ballot at `rate` per second, even ones on Discord and odd
   * ones on Telegram, spread over the categories found; then the crowd waits for the answers.
   */
  async surge(options: SurgeOptions, progress: (line: string) => void = () => {}): Promise<SurgeOutcome> {
    const indexes = [...this.ballots.discord.keys()].filter((i) => this.ballots.telegram.has(i));
    if (indexes.length === 0) throw new Error('no ballot found on both platforms');
    const { discord, telegram } = this;
    const ack = { discord: new Samples(), telegram: new Samples() };
    const answer = new Samples();
    let answered = 0;
    const pendingQueries = new Map<string, number>();
    const onDiscordAnswer = (record: InteractionRecord) => {
      if (record.callbacks.length === 1 && record.edits.length === 0) ack.discord.push(record.callbacks[0]!.at - record.sentAt);
      if (!settled(record)) return;
      answer.push(Date.now() - record.sentAt);
      answered += 1;
      discord.forget(record);
    };
    discord.events.on('answered', onDiscordAnswer);
    const onTelegramAnswer = (id: string) => {
      const sentAt = pendingQueries.get(id);
      if (sentAt === undefined) return;
      pendingQueries.delete(id);
      const ms = Date.now() - sentAt;
      ack.telegram.push(ms);
      answer.push(ms);
      answered += 1;
    };
    telegram.onAnswer(onTelegramAnswer);
    const cpuBefore = threadCpuMs();
    const started = Date.now();
    let sent = 0;
    let onDiscord = 0;
    const first = options.firstFan ?? 0;
    const press = (fan: number) => {
      const category = indexes[fan % indexes.length]!;
      if (options.only ? options.only === 'discord' : fan % 2 === 0) {
        const ballot = this.ballots.discord.get(category)!;
        const who = first + fan;
        discord.click({ id: String(1_500_000_000_000_000_000n + BigInt(who)), username: `fan${who}` }, ballot.message, ballot.customId, ballot.values);
        onDiscord += 1;
      } else {
        const ballot = this.ballots.telegram.get(category)!;
        const who = first + fan;
        const id = telegram.press(telegram.user(2_000_000_000 + who, `Fan ${who}`), ballot.message, ballot.data);
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
    const giveUpAt = Date.now() + options.maxSettleMs;
    while (answered < sent && Date.now() - quietSince < options.settleMs && Date.now() < giveUpAt) {
      await sleep(100);
      if (answered !== last) { last = answered; quietSince = Date.now(); }
    }
    discord.events.off('answered', onDiscordAnswer);
    telegram.offAnswer(onTelegramAnswer);
    const seconds = (Date.now() - started) / 1000;
    progress(`${answered} of ${sent} answered after ${seconds.toFixed(1)} s`);
    const cpuAfter = threadCpuMs();
    const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    return { sent, answered, onDiscord, ack: { discord: ack.discord.values(), telegram: ack.telegram.values() }, answer: answer.values(), seconds, cpuMs };
  }

  async stop(): Promise<void> {
    await this.discord.stop().catch(() => {});
    await this.telegram.close().catch(() => {});
  }
}
