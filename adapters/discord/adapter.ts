/**
 * The Discord adapter (discord.js 14): the gateway connection and its lifecycle. Interactions
 * go to `DiscordInteractions` (interactions.ts), which answers each one only with the
 * engine's (durable) result; announcements from the outbox go out through the chat layer's
 * delivery routine with Discord's steps (delivery.ts).
 */
import { Client, Events, GatewayIntentBits, Options, Status, type ClientOptions } from 'discord.js';
import type { CampaignSpec, Locale } from '../../src/model/campaign';
import type { Deliver, DeliveryTarget } from '../../src/ports/outbox';
import { CampaignDirectory } from '../../src/chat/directory';
import { describeError, type Announcer } from '../../src/chat/delivery';
import type { CommandRunner } from '../../src/chat/runner';
import { discordAnnouncer, NO_MENTIONS } from './delivery';
import { DiscordInteractions } from './interactions';
import { DEFER_AFTER_MS } from './reply';

export type { CommandRunner } from '../../src/chat/runner';
export { NO_MENTIONS } from './delivery';
export { actorOf } from './actor';

export interface DiscordAdapterOptions {
  readonly engine: CommandRunner;
  readonly campaigns: readonly CampaignSpec[];
  readonly token: string;
  /** REST base, e.g. `http://127.0.0.1:PORT/api` for a local stand-in; Discord's by default. */
  readonly apiBase?: string;
  /** Overrides every campaign's (and every member's) language. */
  readonly locale?: Locale;
  /** One line to the operator's log. */
  readonly log: (line: string) => void;
  /** Extra client options (tests: a no-op identify throttler). */
  readonly client?: Partial<ClientOptions>;
  /** How long `start()` waits for the gateway to be ready (default 30 s). */
  readonly readyTimeoutMs?: number;
  /**
   * How long an interaction waits for the engine before it is deferred ("thinking…", then
   * edited); quicker answers are sent as the reply itself (default 1500 ms, under Discord's 3 s).
   */
  readonly deferAfterMs?: number;
}

export class DiscordAdapter {
  readonly client: Client;
  /** Answers every interaction handed to it (the gateway's, here). */
  readonly interactions: DiscordInteractions;
  /**
   * The outbox's delivery: posts one announcement in one channel, the rendered event with the
   * category's ballot when its vote opens. Rejects (so the outbox retries) except on a missing
   * permission or an unknown channel, which are logged once and dropped; a 429 becomes
   * `RateLimitedError`.
   */
  readonly deliver: Deliver;
  /** Where a campaign's announcements go on Discord: `guild/channel` of each configured channel. */
  readonly targets: (campaignId: string) => readonly DeliveryTarget[];
  private readonly announcer: Announcer;

  constructor(private readonly options: DiscordAdapterOptions) {
    const log = (line: string): void => {
      try {
        options.log(line);
      } catch {
        // a broken log must not break the bot
      }
    };
    const directory = new CampaignDirectory(options.campaigns, options.locale);
    this.client = new Client({
      ...options.client,
      // Interactions need no intent; Guilds brings the guilds and their channels.
      intents: [GatewayIntentBits.Guilds],
      allowedMentions: { ...NO_MENTIONS, repliedUser: false },
      // Every interaction carries its member, user and message: the bot reads them from the
      // interaction and posts by channel id, so it keeps none of them. Cached, a 100,000-fan
      // campaign would hold 100,000 users and members (and the collector's time for them).
      makeCache: Options.cacheWithLimits({
        ...Options.DefaultMakeCacheSettings,
        MessageManager: 0,
        UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
        GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      }),
      rest: {
        ...options.client?.rest,
        ...(options.apiBase ? { api: options.apiBase } : {}),
        // A 429 on an announcement goes back to the outbox (it waits and retries) instead of
        // blocking this process's queue; interaction answers keep discord.js's own waiting.
        rejectOnRateLimit: (data) => data.method.toUpperCase() === 'POST' && data.route.startsWith('/channels/'),
        // @discordjs/rest counts every request but the first interaction callback against its
        // 50/s global budget, interaction edits (PATCH /webhooks/:app/:token) included, although
        // Discord does not bind interaction endpoints to the global limit (discord-api-docs #4416):
        // under a surge, answers queued at 50/s (8.8 s p99 at 250 fans/s in the rehearsal). The
        // bot's own channel posts are paced under 50/s by the outbox, across processes; a real
        // global 429 is still honoured by discord.js.
        globalRequestsPerSecond: 1_000,
      },
    });
    this.announcer = discordAnnouncer(() => this.client.rest, directory, log);
    this.deliver = this.announcer.deliver;
    this.targets = this.announcer.targets;
    this.interactions = new DiscordInteractions({
      runner: options.engine, directory, announcer: this.announcer, log, deferAfterMs: options.deferAfterMs ?? DEFER_AFTER_MS,
    });
    this.client.on(Events.InteractionCreate, (interaction) => { void this.interactions.handle(interaction); });
    // Without a listener, an `error` event would kill the process.
    this.client.on(Events.Error, (error) => log(`discord: client error: ${describeError(error)}`));
    this.client.on(Events.ShardError, (error, shard) => log(`discord: gateway error on shard ${shard}: ${describeError(error)}`));
    this.client.on(Events.Warn, (message) => log(`discord: ${message}`));
    this.client.on(Events.ShardDisconnect, (event, shard) => log(`discord: shard ${shard} disconnected (${event.code}); discord.js reconnects`));
  }

  /** Logs in and resolves once the gateway is ready. */
  async start(): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      this.client.once(Events.ClientReady, () => resolve());
      timer = setTimeout(() => reject(new Error(`the Discord gateway was not ready after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      await this.client.login(this.options.token);
      await ready;
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const user = this.client.user;
    this.options.log(`discord: connected as ${user?.tag ?? '?'} (${this.client.guilds.cache.size} servers)`);
  }

  /** Null when the gateway session is ready, else its state (for `/healthz`). */
  health(): string | null {
    const shards = [...this.client.ws.shards.values()];
    if (shards.length === 0) return 'the Discord gateway is not connected';
    const down = shards.filter((shard) => shard.status !== Status.Ready);
    return down.length === 0 ? null : `Discord gateway shard ${down.map((shard) => `${shard.id} is ${Status[shard.status] ?? shard.status}`).join(', ')}`;
  }

  /** Closes the gateway connection (bounded: never hangs the shutdown). */
  async stop(): Promise<void> {
    this.client.removeAllListeners(Events.InteractionCreate);
    await Promise.race([this.client.destroy(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]).catch(() => {});
  }

}
