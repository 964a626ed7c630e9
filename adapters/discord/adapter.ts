/**
 * The Discord adapter: slash commands, modals and ballot components in, engine commands out;
 * engine announcements out through the outbox. Every interaction goes through one error
 * boundary and is answered only with the engine's (durable) result: at once when the engine
 * is quick, else after a deferral (reply.ts). Nothing here decides a permission: the member's
 * role ids go into the actor and the engine decides.
 */
import {
  Client, DiscordAPIError, Events, GatewayIntentBits, MessageFlags, Options, RateLimitError, Routes, Status, type RawFile,
  type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction, type ClientOptions,
  type Interaction, type ModalSubmitInteraction, type RepliableInteraction, type StringSelectMenuInteraction,
} from 'discord.js';
import type { Command, CommandResult, PhaseChange, Success } from '../../src/engine/commands';
import type { CampaignEvent, ListedProposal } from '../../src/model/events';
import type { Actor, ActorFacts, CampaignSpec, CategorySpec, Locale, Phase } from '../../src/model/campaign';
import { refuse, type RefusalCode } from '../../src/model/refusals';
import { t } from '../../src/i18n/messages';
import { RateLimitedError, type Deliver, type DeliveryTarget } from '../../src/ports/outbox';
import { discordMentions, renderEvent, renderResult, toDiscordMarkdown, type RenderedMessage } from '../../src/render/message';
import { chartForEvent } from '../../src/render/chart';
import { exportCsv, exportFileName, exportJson } from '../../src/render/export-files';
import { ballotComponents, editModal, ownProposalRows, proposeModal, rankRows, reviewRows, truncate, type Row } from './components';
import { decodeCustomId, MODAL_FIELDS, type CustomId } from './ids';
import { DEFER_AFTER_MS, InteractionExpired, InteractionLateness, LazyReply, TOO_LATE_MS, type ReplyMode } from './reply';

/** What the adapter needs of the engine: its one entry point. */
export interface CommandRunner {
  execute(command: Command, actor: Actor): Promise<CommandResult>;
}

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

/** Never ping anyone: applied on the client and on every message sent. */
export const NO_MENTIONS = { parse: [] as [] };

const EPHEMERAL = MessageFlags.Ephemeral;
const PERMISSION_CODES = new Set([50001, 50013]);
const UNKNOWN_CHANNEL = 10003;
const UNKNOWN_INTERACTION = 10062;

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}

/** The actor of an interaction: the member's display name and role ids (the engine maps them). */
export function actorOf(interaction: Interaction): Actor {
  const user = interaction.user;
  let displayName = user.globalName ?? user.username;
  let roles: string[] = [];
  const member = interaction.member;
  if (member) {
    roles = Array.isArray(member.roles) ? [...member.roles] : [...member.roles.cache.keys()];
    if ('displayName' in member && typeof member.displayName === 'string') displayName = member.displayName;
    else if ('nick' in member && typeof member.nick === 'string' && member.nick !== '') displayName = member.nick;
  }
  return { platform: 'discord', userId: user.id, displayName, memberRoleIds: roles, facts: factsOf(interaction) };
}

/**
 * What Discord tells about a member, for eligibility (issue 7): the account's creation time,
 * read from the user id (a snowflake carries its creation time), and when the member joined
 * the guild (`joined_at` of the interaction's member). Outside a guild, the join is unknown.
 */
export function factsOf(interaction: Interaction): ActorFacts {
  const accountCreatedAt = interaction.user.createdTimestamp;
  const member = interaction.member as { joinedTimestamp?: number | null; joined_at?: string } | null;
  const joined = member?.joinedTimestamp ?? (typeof member?.joined_at === 'string' ? Date.parse(member.joined_at) : undefined);
  return {
    ...(Number.isFinite(accountCreatedAt) ? { accountCreatedAt } : {}),
    ...(typeof joined === 'number' && Number.isFinite(joined) ? { memberSince: joined } : {}),
  };
}

/** A fan as a moderator types it: `platform:id`, a Discord id, or a mention `<@id>` (anything else goes to the engine as is). */
export function fanFromOption(value: string): string {
  const text = value.trim();
  const mention = /^<@!?(\d{1,20})>$/.exec(text);
  if (mention) return `discord:${mention[1]}`;
  if (/^\d{1,20}$/.test(text)) return `discord:${text}`;
  return text;
}

interface Scope {
  readonly index: number;
  readonly campaign: CampaignSpec;
  readonly locale: Locale;
  readonly actor: Actor;
}

type StatusResult = Extract<Success, { type: 'status' }>;

export class DiscordAdapter {
  readonly client: Client;
  private readonly campaignIndex: ReadonlyMap<string, number>;
  /** Chunks of a long announcement already posted, so that a retry does not post them twice. */
  private readonly sentChunks = new Map<string, number>();
  /** Channels the bot may not post in, per campaign (logged once, shown to managers). */
  private readonly forbidden = new Map<string, Set<string>>();
  /** The first answer of each interaction in progress (see reply.ts). */
  private readonly replies = new WeakMap<Interaction, LazyReply>();
  private readonly lateness = new InteractionLateness();
  /** When each interaction was created, on this machine's clock (see InteractionLateness). */
  private readonly createdAt = new WeakMap<Interaction, number>();
  /** Interactions answered too late since the last log line about them. */
  private expired = { count: 0, loggedAt: 0 };

  constructor(private readonly options: DiscordAdapterOptions) {
    this.campaignIndex = new Map(options.campaigns.map((c, i) => [c.id, i]));
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
    this.client.on(Events.InteractionCreate, (interaction) => { void this.handle(interaction); });
    // Without a listener, an `error` event would kill the process.
    this.client.on(Events.Error, (error) => this.log(`discord: client error: ${describeError(error)}`));
    this.client.on(Events.ShardError, (error, shard) => this.log(`discord: gateway error on shard ${shard}: ${describeError(error)}`));
    this.client.on(Events.Warn, (message) => this.log(`discord: ${message}`));
    this.client.on(Events.ShardDisconnect, (event, shard) => this.log(`discord: shard ${shard} disconnected (${event.code}); discord.js reconnects`));
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
    this.log(`discord: connected as ${user?.tag ?? '?'} (${this.client.guilds.cache.size} servers)`);
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

  // ------------------------------------------------------------------------ outbox

  /** Where a campaign's announcements go on Discord: `guild/channel` of each configured channel. */
  readonly targets = (campaignId: string): readonly DeliveryTarget[] => {
    const index = this.campaignIndex.get(campaignId);
    const campaign = index === undefined ? undefined : this.options.campaigns[index];
    return (campaign?.channels.discord ?? []).map((c) => ({ platform: 'discord', channel: `${c.guild}/${c.channel}` }));
  };

  /**
   * Posts one announcement in one channel: the rendered event, with the category's ballot
   * when its vote opens. Rejects (so the outbox retries) except on a missing permission or an
   * unknown channel, which are logged once and dropped; a 429 becomes `RateLimitedError`.
   */
  readonly deliver: Deliver = async (event: CampaignEvent, target: DeliveryTarget): Promise<void> => {
    const index = this.campaignIndex.get(event.campaignId);
    const campaign = index === undefined ? undefined : this.options.campaigns[index];
    if (index === undefined || campaign === undefined) return;
    const channel = target.channel.split('/')[1] ?? target.channel;
    if (this.forbidden.get(campaign.id)?.has(channel)) return;
    const locale = this.options.locale ?? campaign.locale;
    const rendered = renderEvent(event, campaign, locale);
    const chunks = toDiscordMarkdown(rendered);
    // Only the users a campaign chose to mention (its winning authors) may be pinged; never roles or everyone.
    const mentioned = discordMentions(rendered);
    const allowed = mentioned.length > 0 ? { ...NO_MENTIONS, users: mentioned } : NO_MENTIONS;
    const rows = this.eventRows(event, index, campaign, locale);
    const key = `${event.id}|${target.channel}`;
    const picture = this.picture(event, campaign, locale);
    for (let i = this.sentChunks.get(key) ?? 0; i < chunks.length; i++) {
      const last = i === chunks.length - 1;
      const body = { content: chunks[i], components: last ? rows : [], allowed_mentions: allowed };
      // The results picture is attached to the announcement's last message (one request: no duplicate on retry).
      const files = last && picture ? [{ name: picture.name, data: picture.chart.png, contentType: 'image/png' }] : undefined;
      if (!(await this.post(campaign, target, channel, body, files))) break;
      this.sentChunks.set(key, i + 1);
    }
    this.sentChunks.delete(key);
  };

  private eventRows(event: CampaignEvent, index: number, campaign: CampaignSpec, locale: Locale): Row[] {
    const category = campaign.categories.findIndex((c) => c.id === event.categoryId);
    const spec = campaign.categories[category];
    if (event.kind === 'shortlist.published' && spec) {
      const { rows, dropped } = ballotComponents({ campaign: index, category }, spec.vote, event.items, locale);
      if (dropped > 0) this.log(`discord: the ballot of ${campaign.id}/${spec.id} shows ${event.items.length - dropped} of its ${event.items.length} options (Discord's component limits); vote for the others with their number`);
      return rows;
    }
    if (event.kind === 'proposal.review') return reviewRows(index, [event.proposal.id], locale);
    return [];
  }

  /** The results picture of a results announcement; null otherwise, or if it cannot be drawn (logged). */
  private picture(event: CampaignEvent, campaign: CampaignSpec, locale: Locale): ReturnType<typeof chartForEvent> {
    try {
      return chartForEvent(event, campaign, locale);
    } catch (error) {
      this.log(`discord: could not draw the results picture of ${event.id}: ${describeError(error)}; the results go out as text`);
      return null;
    }
  }

  /** One message; false when the channel is out of reach for good (logged once). */
  private async post(campaign: CampaignSpec, target: DeliveryTarget, channel: string, body: object, files?: RawFile[]): Promise<boolean> {
    try {
      await this.client.rest.post(Routes.channelMessages(channel), files ? { body, files } : { body });
      return true;
    } catch (error) {
      if (error instanceof RateLimitError) throw new RateLimitedError(Math.max(error.retryAfter, error.timeToReset, 100));
      if (error instanceof DiscordAPIError && (PERMISSION_CODES.has(Number(error.code)) || error.status === 403 || Number(error.code) === UNKNOWN_CHANNEL)) {
        let channels = this.forbidden.get(campaign.id);
        if (!channels) this.forbidden.set(campaign.id, (channels = new Set()));
        if (!channels.has(channel)) {
          channels.add(channel);
          const why = Number(error.code) === UNKNOWN_CHANNEL ? 'the channel does not exist or the bot cannot see it' : 'the bot lacks a permission there (View Channel, Send Messages)';
          this.log(`discord: cannot post in channel ${target.channel} of campaign ${campaign.id}: ${why} (${error.status} ${error.code} ${error.message}); its announcements are dropped until that is fixed`);
        }
        return false;
      }
      throw error;
    }
  }

  // ------------------------------------------------------------------------ interactions

  /** The one error boundary of every interaction: logs, answers a generic failure, never rejects. */
  private async handle(interaction: Interaction): Promise<void> {
    const now = Date.now();
    const late = this.lateness.of(interaction.createdTimestamp, now);
    if (late > TOO_LATE_MS) return this.tooLate();
    this.createdAt.set(interaction, now - late);
    try {
      if (interaction.isAutocomplete()) await this.onAutocomplete(interaction);
      else if (interaction.isChatInputCommand()) await this.onCommand(interaction);
      else if (interaction.isButton() || interaction.isStringSelectMenu()) await this.onComponent(interaction);
      else if (interaction.isModalSubmit()) await this.onModal(interaction);
    } catch (error) {
      // Discord no longer takes an answer: telling the member would fail the same way.
      if (error instanceof InteractionExpired || (error instanceof DiscordAPIError && error.code === UNKNOWN_INTERACTION)) return this.tooLate();
      this.log(`discord: interaction ${interaction.id} (${describeInteraction(interaction)}) failed: ${describeError(error)}`);
      await this.answerFailure(interaction).catch((again: unknown) => this.log(`discord: could not tell the member: ${describeError(again)}`));
    }
  }

  /**
   * An interaction Discord no longer takes an answer for (it reached the bot, or its answer was
   * ready, too late): counted, one log line a second at most. The member's client shows that it
   * failed; a ballot the engine recorded meanwhile stays recorded, and pressing again says so.
   */
  private tooLate(): void {
    this.expired.count += 1;
    const now = Date.now();
    if (now - this.expired.loggedAt < 1_000) return;
    this.log(`discord: failed to answer ${this.expired.count} interaction(s) within Discord's 3 s (too late; is the bot overloaded?)`);
    this.expired = { count: 0, loggedAt: now };
  }

  private async answerFailure(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable()) return;
    const content = t(this.userLocale(interaction, undefined), 'store.unavailable');
    const reply = this.replies.get(interaction);
    if (reply && !reply.answered) await reply.send({ content, components: [], allowedMentions: NO_MENTIONS });
    else if (interaction.deferred) await interaction.editReply({ content, components: [], allowedMentions: NO_MENTIONS });
    else if (!interaction.replied) await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
  }

  private userLocale(interaction: Interaction, campaign: CampaignSpec | undefined): Locale {
    if (this.options.locale) return this.options.locale;
    const asked = interaction.locale ?? '';
    if (asked.startsWith('fr')) return 'fr';
    if (asked.startsWith('en')) return 'en';
    if (campaign) return campaign.locale;
    return interaction.guildLocale?.startsWith('fr') ? 'fr' : 'en';
  }

  /** The campaign an interaction is about: named, else the one of its channel, else of its server. */
  private campaignFor(interaction: Interaction, named: string | null): number | null {
    const { campaigns } = this.options;
    if (named) return this.campaignIndex.get(named) ?? null;
    const here = (c: CampaignSpec, channel: boolean) => c.channels.discord.some((d) => d.guild === interaction.guildId && (!channel || d.channel === interaction.channelId));
    const exact = campaigns.findIndex((c) => here(c, true));
    if (exact >= 0) return exact;
    const guild = campaigns.findIndex((c) => here(c, false));
    if (guild >= 0) return guild;
    return campaigns.length === 1 ? 0 : null;
  }

  private scope(interaction: Interaction, index: number | null): Scope | null {
    const campaign = index === null ? undefined : this.options.campaigns[index];
    if (index === null || campaign === undefined) return null;
    return { index, campaign, locale: this.userLocale(interaction, campaign), actor: actorOf(interaction) };
  }

  private run(scope: Scope, command: Command): Promise<CommandResult> {
    return this.options.engine.execute(command, scope.actor);
  }

  /** The interaction will be answered with the engine's result: deferred only if that is late. */
  private hold(interaction: RepliableInteraction, mode: ReplyMode = 'reply'): void {
    const reply = new LazyReply(interaction, mode, this.options.deferAfterMs ?? DEFER_AFTER_MS, (error) => {
      this.log(`discord: interaction ${interaction.id} could not be deferred: ${describeError(error)}`);
    }, this.createdAt.get(interaction) ?? Date.now());
    this.replies.set(interaction, reply);
  }

  /** Answers with `message` (and follow-ups when it is longer than 2000). */
  private async answer(interaction: RepliableInteraction, message: RenderedMessage | string, rows: Row[] = [], files?: { attachment: Buffer; name: string }[]): Promise<void> {
    const chunks = typeof message === 'string' ? [truncate(message, 2000)] : toDiscordMarkdown(message);
    if (chunks.length === 0) chunks.push('…');
    const last = chunks.length - 1;
    const first = {
      content: chunks[0] ?? '…', components: last === 0 ? rows : [], allowedMentions: NO_MENTIONS,
      ...(files && last === 0 ? { files } : {}),
    };
    const reply = this.replies.get(interaction);
    if (reply && !reply.answered) await reply.send(first);
    else await interaction.editReply(first);
    for (let i = 1; i <= last; i++) {
      await interaction.followUp({
        content: chunks[i] ?? '…', components: i === last ? rows : [], flags: EPHEMERAL, allowedMentions: NO_MENTIONS,
        ...(files && i === last ? { files } : {}),
      });
    }
  }

  private async answerResult(interaction: RepliableInteraction, scope: Scope, result: CommandResult, command: Command, rows: Row[] = []): Promise<void> {
    await this.answer(interaction, renderResult(result, command, scope.campaign, scope.locale), result.ok ? rows : []);
  }

  /** A refusal decided before reaching the engine (an unknown campaign, a malformed id). */
  private async answerRefusal(interaction: RepliableInteraction, scope: Scope | null, code: RefusalCode, params?: Record<string, string>): Promise<void> {
    if (!scope) {
      await this.answer(interaction, t(this.userLocale(interaction, undefined), 'discord.campaign.none'));
      return;
    }
    const command: Command = { type: 'status', campaignId: scope.campaign.id };
    await this.answer(interaction, renderResult(refuse(code, params), command, scope.campaign, scope.locale));
  }

  // ------------------------------------------------------------------------ slash commands

  private async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const named = interaction.options.getString('campaign');
    const scope = this.scope(interaction, this.campaignFor(interaction, named));
    // The propose modal must be the first answer: it cannot follow a deferral.
    if (interaction.commandName === 'propose') return this.openProposeModal(interaction, scope, named);
    this.hold(interaction);
    if (!scope) {
      await this.answerRefusal(interaction, null, 'campaign.unknown');
      return;
    }
    const category = interaction.options.getString('category') ?? undefined;
    switch (interaction.commandName) {
      case 'proposals': return this.ownProposals(interaction, scope);
      case 'status': return this.status(interaction, scope);
      case 'shortlist': return this.shortlist(interaction, scope, interaction.options.getSubcommand(), category);
      case 'campaign': return this.manage(interaction, scope, interaction.options.getSubcommand(), category);
      case 'mydata': return this.fanData(interaction, scope, { type: 'mydata', campaignId: scope.campaign.id });
      case 'forgetme': return this.forgetMe(interaction, scope);
      case 'moderate': return this.moderate(interaction, scope, interaction.options.getSubcommand());
      case 'receipt': {
        // Answered ephemerally, like every command: only the fan sees their ballot and its hash.
        const command: Command = { type: 'receipt', campaignId: scope.campaign.id, ...(category === undefined ? {} : { categoryId: this.categoryId(scope.campaign, category) }) };
        return this.answerResult(interaction, scope, await this.run(scope, command), command);
      }
      default: return this.answerRefusal(interaction, scope, 'command.invalid');
    }
  }

  private async openProposeModal(interaction: ChatInputCommandInteraction, scope: Scope | null, named: string | null): Promise<void> {
    if (!scope) {
      const content = named ? t(this.userLocale(interaction, undefined), 'campaign.unknown', { campaign: '…' }) : t(this.userLocale(interaction, undefined), 'discord.campaign.none');
      await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
      return;
    }
    const wanted = interaction.options.getString('category');
    const status = await this.run(scope, { type: 'status', campaignId: scope.campaign.id });
    const open = new Set(status.ok && status.type === 'status' ? status.categories.filter((c) => c.phase === 'propose' && !c.paused).map((c) => c.id) : []);
    const candidates = scope.campaign.categories
      .map((spec, index) => ({ spec, index }))
      .filter((c) => !c.spec.options && open.has(c.spec.id));
    let chosen: number | undefined;
    let refusal: { code: RefusalCode; params?: Record<string, string> } | null = null;
    if (wanted !== null) {
      const index = scope.campaign.categories.findIndex((c) => c.id === wanted || c.title === wanted);
      if (index < 0) refusal = { code: 'category.unknown', params: { category: wanted } };
      else if (scope.campaign.categories[index]?.options) refusal = { code: 'category.fixed-options' };
      else if (!candidates.some((c) => c.index === index)) refusal = { code: 'phase.closed' };
      else chosen = index;
    } else if (candidates.length === 0) {
      refusal = { code: 'phase.closed' };
    } else if (candidates.length === 1) {
      chosen = candidates[0]?.index;
    }
    if (refusal) {
      const command: Command = { type: 'status', campaignId: scope.campaign.id };
      const [content = '…'] = toDiscordMarkdown(renderResult(refuse(refusal.code, refusal.params), command, scope.campaign, scope.locale));
      await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.showModal(proposeModal(scope.index, candidates, chosen, scope.locale));
  }

  private async status(interaction: ChatInputCommandInteraction, scope: Scope): Promise<void> {
    const command: Command = { type: 'status', campaignId: scope.campaign.id };
    const result = await this.run(scope, command);
    const manager = result.ok && result.type === 'status' && result.roles.includes('manager');
    await this.answerWithWarnings(interaction, scope, renderResult(result, command, scope.campaign, scope.locale), manager);
  }

  /** Managers also see the channels the bot cannot post in. */
  private async answerWithWarnings(interaction: RepliableInteraction, scope: Scope, message: RenderedMessage, manager: boolean): Promise<void> {
    const channels = manager ? [...(this.forbidden.get(scope.campaign.id) ?? [])] : [];
    const warnings = channels.map((channel) => t(scope.locale, 'discord.warning.permission', { channel }));
    await this.answer(interaction, { parts: [...message.parts, ...warnings.map((w) => `\n${w}`)] });
  }

  private async ownProposals(interaction: ChatInputCommandInteraction, scope: Scope): Promise<void> {
    const command: Command = { type: 'proposals', campaignId: scope.campaign.id, mine: true };
    const result = await this.run(scope, command);
    let rows: Row[] = [];
    if (result.ok && result.type === 'proposals') {
      const status = await this.run(scope, { type: 'status', campaignId: scope.campaign.id });
      const open = new Set(status.ok && status.type === 'status' ? status.categories.filter((c) => c.phase === 'propose').map((c) => c.id) : []);
      const editable = result.proposals.filter((p) => p.status === 'active' && open.has(p.categoryId)).map((p) => p.id);
      rows = ownProposalRows(scope.index, editable, scope.locale);
    }
    await this.answerResult(interaction, scope, result, command, rows);
  }

  private async shortlist(interaction: ChatInputCommandInteraction, scope: Scope, sub: string, category: string | undefined): Promise<void> {
    const campaignId = scope.campaign.id;
    if (sub === 'add' || sub === 'remove') {
      const proposalId = interaction.options.getString('proposal', true).trim().replace(/^#/, '');
      const command: Command = { type: sub === 'add' ? 'shortlist.add' : 'shortlist.remove', campaignId, proposalId };
      await this.answerResult(interaction, scope, await this.run(scope, command), command);
      return;
    }
    const categoryId = this.categoryId(scope.campaign, category ?? '');
    if (sub === 'list') {
      const command: Command = { type: 'shortlist.list', campaignId, categoryId };
      await this.answerResult(interaction, scope, await this.run(scope, command), command);
      return;
    }
    // review: the category's ideas, with a button to shortlist each one not yet on it.
    const command: Command = { type: 'proposals', campaignId, categoryId };
    const result = await this.run(scope, command);
    if (!result.ok || result.type !== 'proposals') return this.answerResult(interaction, scope, result, command);
    const listed = await this.run(scope, { type: 'shortlist.list', campaignId, categoryId });
    const onList = new Set(listed.ok && listed.type === 'shortlist.list' ? listed.proposals.map((p) => p.id) : []);
    const open = result.proposals.filter((p) => (p.status === 'active' || p.status === 'review') && !onList.has(p.id));
    if (open.length === 0) {
      await this.answer(interaction, t(scope.locale, 'discord.review.none'));
      return;
    }
    const shown = { ...result, proposals: open };
    await this.answerResult(interaction, scope, shown, command, reviewRows(scope.index, open.map((p) => p.id), scope.locale));
  }

  /** A category named by id (autocomplete) or by title; unknown names go to the engine as they are. */
  private categoryId(campaign: CampaignSpec, name: string): string {
    const trimmed = name.trim();
    return campaign.categories.find((c) => c.id === trimmed || c.title === trimmed)?.id ?? trimmed;
  }

  private async manage(interaction: ChatInputCommandInteraction, scope: Scope, sub: string, category: string | undefined): Promise<void> {
    const campaignId = scope.campaign.id;
    const categoryId = category === undefined ? undefined : this.categoryId(scope.campaign, category);
    const which = categoryId === undefined ? {} : { categoryId };
    let command: Command;
    switch (sub) {
      case 'advance': return this.advance(interaction, scope, categoryId, null);
      case 'reveal': return this.advance(interaction, scope, categoryId, 'vote');
      case 'export': return this.exportResults(interaction, scope);
      case 'fan-export': return this.fanData(interaction, scope, { type: 'fan.export', campaignId, fan: fanFromOption(interaction.options.getString('fan', true)) });
      case 'fan-erase': command = { type: 'fan.erase', campaignId, fan: fanFromOption(interaction.options.getString('fan', true)) }; break;
      case 'pause': command = { type: 'pause', campaignId, ...which }; break;
      case 'resume': command = { type: 'resume', campaignId, ...which }; break;
      case 'extend': command = { type: 'extend', campaignId, ...which, by: interaction.options.getString('duration', true) }; break;
      default: return this.answerRefusal(interaction, scope, 'command.invalid');
    }
    const result = await this.run(scope, command);
    await this.answerWithWarnings(interaction, scope, renderResult(result, command, scope.campaign, scope.locale), result.ok);
  }

  /**
   * Advances each selected category from the phase the manager saw (a strict compare-and-set),
   * so that a command racing the scheduled transition moves the category once, not twice.
   * `only` restricts to categories in that phase (`reveal` closes votes).
   */
  private async advance(interaction: ChatInputCommandInteraction, scope: Scope, categoryId: string | undefined, only: Phase | null): Promise<void> {
    const campaignId = scope.campaign.id;
    const statusCommand: Command = { type: 'status', campaignId };
    const status = await this.run(scope, statusCommand);
    const base: Command = { type: 'advance', campaignId, ...(categoryId === undefined ? {} : { categoryId }) };
    if (!status.ok || status.type !== 'status') return this.answerResult(interaction, scope, status, base);
    if (categoryId !== undefined && !scope.campaign.categories.some((c) => c.id === categoryId)) {
      return this.answerResult(interaction, scope, refuse('category.unknown', { category: categoryId }), base);
    }
    const selected = (status as StatusResult).categories.filter((c) => (categoryId === undefined || c.id === categoryId) && c.phase !== 'reveal' && (only === null || c.phase === only));
    const changes: PhaseChange[] = [];
    let refusal: CommandResult = refuse(only === 'vote' ? 'phase.closed' : 'phase.final');
    for (const c of selected) {
      const result = await this.run(scope, { type: 'advance', campaignId, categoryId: c.id, from: c.phase });
      if (result.ok && result.type === 'advance') changes.push(...result.changes);
      else if (!result.ok) refusal = result;
    }
    const result: CommandResult = changes.length > 0 ? { ok: true, type: 'advance', changes } : refusal;
    await this.answerWithWarnings(interaction, scope, renderResult(result, base, scope.campaign, scope.locale), result.ok);
  }

  /**
   * /mydata (and a manager's fan export): the summary and the JSON file, in the ephemeral
   * reply that only the asking member sees.
   */
  private async fanData(interaction: ChatInputCommandInteraction, scope: Scope, command: Command): Promise<void> {
    const result = await this.run(scope, command);
    if (!result.ok || (result.type !== 'mydata' && result.type !== 'fan.export')) return this.answerResult(interaction, scope, result, command);
    const name = `${scope.campaign.id}-${result.fan.replace(/[^a-z0-9-]/gi, '-')}.json`;
    const files = [{ attachment: Buffer.from(`${JSON.stringify(result.data, null, 2)}\n`), name }];
    await this.answer(interaction, renderResult(result, command, scope.campaign, scope.locale), [], files);
  }

  /** /forgetme: explains what it erases, and erases only with the `confirm` choice. */
  private async forgetMe(interaction: ChatInputCommandInteraction, scope: Scope): Promise<void> {
    if (interaction.options.getString('confirm') !== 'yes') {
      const how = `/${scope.locale === 'fr' ? 'oublie-moi confirmer' : 'forgetme confirm'}: ${t(scope.locale, 'discord.choice.confirm')}`;
      return this.answer(interaction, t(scope.locale, 'reply.forgetme.confirm', { title: scope.campaign.title, how }));
    }
    const command: Command = { type: 'forgetme', campaignId: scope.campaign.id };
    await this.answerResult(interaction, scope, await this.run(scope, command), command);
  }

  /** Curators' ban list. */
  private async moderate(interaction: ChatInputCommandInteraction, scope: Scope, sub: string): Promise<void> {
    const campaignId = scope.campaign.id;
    let command: Command;
    switch (sub) {
      case 'ban': command = { type: 'ban', campaignId, fan: fanFromOption(interaction.options.getString('fan', true)), reason: interaction.options.getString('reason') ?? '' }; break;
      case 'unban': command = { type: 'unban', campaignId, fan: fanFromOption(interaction.options.getString('fan', true)) }; break;
      case 'bans': command = { type: 'bans', campaignId }; break;
      default: return this.answerRefusal(interaction, scope, 'command.invalid');
    }
    await this.answerResult(interaction, scope, await this.run(scope, command), command);
  }

  /** The manager's export (CSV for spreadsheets, and JSON), attached to a reply only they see. */
  private async exportResults(interaction: ChatInputCommandInteraction, scope: Scope): Promise<void> {
    const command: Command = { type: 'export', campaignId: scope.campaign.id };
    const result = await this.run(scope, command);
    if (!result.ok || result.type !== 'export') return this.answerResult(interaction, scope, result, command);
    const files = [
      { attachment: Buffer.from(exportCsv(result.export), 'utf8'), name: exportFileName(result.export, 'csv') },
      { attachment: Buffer.from(exportJson(result.export), 'utf8'), name: exportFileName(result.export, 'json') },
    ];
    await this.answer(interaction, t(scope.locale, 'discord.export', { campaign: scope.campaign.title }), [], files);
  }

  // ------------------------------------------------------------------------ autocomplete

  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const query = String(focused.value).toLowerCase();
    const matches = (...texts: string[]) => query === '' || texts.some((text) => text.toLowerCase().includes(query));
    let choices: { name: string; value: string }[] = [];
    if (focused.name === 'campaign') {
      choices = this.options.campaigns.filter((c) => matches(c.id, c.title)).map((c) => ({ name: truncate(c.title, 100), value: c.id }));
    } else {
      const scope = this.scope(interaction, this.campaignFor(interaction, interaction.options.getString('campaign')));
      if (scope && focused.name === 'category') {
        const forPropose = interaction.commandName === 'propose';
        choices = scope.campaign.categories
          .filter((c) => !(forPropose && c.options) && matches(c.id, c.title))
          .map((c) => ({ name: truncate(c.title, 100), value: c.id }));
      } else if (scope && focused.name === 'proposal') {
        const result = await this.run(scope, { type: 'proposals', campaignId: scope.campaign.id });
        if (result.ok && result.type === 'proposals') {
          choices = result.proposals
            .filter((p) => (p.status === 'active' || p.status === 'review') && matches(p.id, `#${p.id}`, p.text))
            .map((p) => ({ name: truncate(`#${p.id} · ${p.text}`, 100), value: p.id }));
        }
      }
    }
    await interaction.respond(choices.slice(0, 25));
  }

  // ------------------------------------------------------------------------ components and modals

  private async onComponent(interaction: ButtonInteraction | StringSelectMenuInteraction): Promise<void> {
    const id = decodeCustomId(interaction.customId);
    const scope = id ? this.scope(interaction, id.campaign < this.options.campaigns.length ? id.campaign : null) : null;
    if (id && scope && id.kind === 'edit') {
      // A modal must be the first answer.
      const bounds = editBounds(scope.campaign);
      await interaction.showModal(editModal(scope.index, id.proposalId, bounds, scope.locale));
      return;
    }
    const inEphemeral = interaction.message.flags.has(EPHEMERAL);
    const continuesRanking = id?.kind === 'rank' && inEphemeral || id?.kind === 'rank-done';
    this.hold(interaction, continuesRanking ? 'update' : 'reply');
    if (!id) return this.answerRefusal(interaction, this.scope(interaction, this.campaignFor(interaction, null)), 'command.invalid');
    if (!scope) return this.answerRefusal(interaction, null, 'campaign.unknown');
    const campaignId = scope.campaign.id;
    switch (id.kind) {
      case 'vote':
        return this.vote(interaction, scope, id.category, [id.proposalId]);
      case 'select': {
        const values = interaction.isStringSelectMenu() ? interaction.values : [];
        const spec = scope.campaign.categories[id.category];
        return this.vote(interaction, scope, id.category, spec?.vote.method === 'approval' ? values : values.slice(0, 1));
      }
      case 'rank':
        return this.rank(interaction, scope, id, interaction.isStringSelectMenu() ? interaction.values : []);
      case 'rank-done':
        return this.vote(interaction, scope, id.category, id.ranked);
      case 'withdraw': {
        const command: Command = { type: 'withdraw', campaignId, proposalId: id.proposalId };
        return this.answerResult(interaction, scope, await this.run(scope, command), command);
      }
      case 'shortlist-add':
      case 'shortlist-remove': {
        const command: Command = { type: id.kind === 'shortlist-add' ? 'shortlist.add' : 'shortlist.remove', campaignId, proposalId: id.proposalId };
        return this.answerResult(interaction, scope, await this.run(scope, command), command);
      }
      default:
        return this.answerRefusal(interaction, scope, 'command.invalid');
    }
  }

  private async vote(interaction: RepliableInteraction, scope: Scope, category: number, choice: readonly string[]): Promise<void> {
    const spec = scope.campaign.categories[category];
    if (!spec) return this.answerRefusal(interaction, scope, 'category.unknown', { category: String(category) });
    const command: Command = { type: 'vote', campaignId: scope.campaign.id, categoryId: spec.id, choice };
    await this.answerResult(interaction, scope, await this.run(scope, command), command);
  }

  /** One more rank of a ranked ballot: the next select, or the ballot itself once nothing is left. */
  private async rank(interaction: RepliableInteraction, scope: Scope, id: Extract<CustomId, { kind: 'rank' }>, values: readonly string[]): Promise<void> {
    const spec = scope.campaign.categories[id.category];
    if (!spec) return this.answerRefusal(interaction, scope, 'category.unknown', { category: String(id.category) });
    const ranked = [...id.ranked, ...values.filter((v) => !id.ranked.includes(v))].slice(0, 25);
    const listed = await this.run(scope, { type: 'shortlist.list', campaignId: scope.campaign.id, categoryId: spec.id });
    const items: ListedProposal[] = listed.ok && listed.type === 'shortlist.list' ? listed.proposals.map((p) => ({ id: p.id, text: p.text })) : [];
    const maxRanks = spec.vote.method === 'ranked' ? spec.vote.maxRanks : undefined;
    const rows = rankRows({ campaign: id.campaign, category: id.category }, items, ranked, scope.locale, maxRanks);
    const more = rows.some((row) => row.components.some((c) => c.type === 3));
    if (!more) return this.vote(interaction, scope, id.category, ranked);
    const labels = ranked.map((r, i) => `${i + 1}. #${r}`).join(', ');
    await this.answer(interaction, t(scope.locale, 'discord.ballot.ranked-so-far', { ranking: labels }), rows);
  }

  private async onModal(interaction: ModalSubmitInteraction): Promise<void> {
    this.hold(interaction);
    const id = decodeCustomId(interaction.customId);
    const scope = id ? this.scope(interaction, id.campaign < this.options.campaigns.length ? id.campaign : null) : null;
    if (!id) return this.answerRefusal(interaction, this.scope(interaction, this.campaignFor(interaction, null)), 'command.invalid');
    if (!scope) return this.answerRefusal(interaction, null, 'campaign.unknown');
    const text = fieldText(interaction, MODAL_FIELDS.text);
    if (id.kind === 'edit-modal') {
      const command: Command = { type: 'edit', campaignId: scope.campaign.id, proposalId: id.proposalId, text };
      return this.answerResult(interaction, scope, await this.run(scope, command), command);
    }
    if (id.kind !== 'propose') return this.answerRefusal(interaction, scope, 'command.invalid');
    const picked = id.category ?? Number(fieldValues(interaction, MODAL_FIELDS.category)[0] ?? NaN);
    const spec: CategorySpec | undefined = Number.isInteger(picked) ? scope.campaign.categories[picked] : undefined;
    if (!spec) return this.answerRefusal(interaction, scope, 'category.unknown', { category: String(picked) });
    const command: Command = { type: 'propose', campaignId: scope.campaign.id, categoryId: spec.id, text };
    await this.answerResult(interaction, scope, await this.run(scope, command), command);
  }

  private log(line: string): void {
    try {
      this.options.log(line);
    } catch {
      // a broken log must not break the bot
    }
  }
}

/** The widest proposal bounds of a campaign (the engine applies the category's own). */
function editBounds(campaign: CampaignSpec): { min: number; max: number } {
  const categories = campaign.categories.filter((c) => !c.options);
  return {
    min: Math.min(...categories.map((c) => c.proposals.minLength), 4000),
    max: Math.max(...categories.map((c) => c.proposals.maxLength), 1),
  };
}

function fieldText(interaction: ModalSubmitInteraction, customId: string): string {
  try {
    return interaction.fields.getTextInputValue(customId) ?? '';
  } catch {
    return '';
  }
}

function fieldValues(interaction: ModalSubmitInteraction, customId: string): readonly string[] {
  try {
    return interaction.fields.getStringSelectValues(customId) ?? [];
  } catch {
    return [];
  }
}

function describeInteraction(interaction: Interaction): string {
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) return `/${interaction.commandName}`;
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) return interaction.customId.slice(0, 100);
  return `type ${interaction.type}`;
}
