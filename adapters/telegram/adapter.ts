/**
 * The Telegram adapter (telegraf 4): chat commands and inline keyboards in, engine commands
 * out; engine announcements in, HTML messages out. It holds no campaign state of its own
 * beyond short-lived drafts (an idea waiting for its text, a ballot being picked); every
 * decision is the engine's, taken through its one entry point.
 *
 * Safety (DESIGN invariant 7): every message goes out in HTML parse mode, built by src/render
 * (fan text escaped, `@` broken), cut to Telegram's 4096 characters; buttons carry short opaque
 * `callback_data` (./callback.ts) that the engine re-checks. Every button press is answered
 * with `answerCallbackQuery`, once the engine has answered.
 */
import { Input, Telegraf, TelegramError, type Telegram } from 'telegraf';
import type { CallbackQuery, Chat, InlineKeyboardButton, Message, User } from 'telegraf/types';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { CampaignEvent } from '../../src/model/events';
import type { Actor, CampaignSpec, CategorySpec, Locale } from '../../src/model/campaign';
import { TELEGRAM_CHAT_ADMINS } from '../../src/engine/permissions';
import type { Proposal } from '../../src/model/records';
import { cleanText } from '../../src/engine/text';
import { messageTokens, nestQuotes, t } from '../../src/i18n/messages';
import { RateLimitedError, type DeliveryTarget } from '../../src/ports/outbox';
import { renderEvent, renderResult, toPlainText, toTelegramHtml, type RenderedMessage } from '../../src/render/message';
import { decodeCallback, encodeCallback, type CallbackAction } from './callback';
import { splitTelegramHtml } from './split';
import { chartForEvent } from '../../src/render/chart';
import { exportCsv, exportFileName, exportJson } from '../../src/render/export-files';

/** A photo caption is at most 1024 characters on Telegram. */
const CAPTION_MAX = 1024;

/** What the adapter needs of the engine: its one entry point. */
export interface CommandRunner {
  execute(command: Command, actor: Actor): Promise<CommandResult>;
}

export interface TelegramWebhook {
  /** The public https URL Telegram posts updates to (its path is the one served). */
  readonly url: string;
  /** Sent back by Telegram in `X-Telegram-Bot-Api-Secret-Token`; other requests are refused. */
  readonly secret: string;
  /** The local port the webhook server listens on (behind the TLS proxy). */
  readonly port: number;
}

export interface TelegramAdapterOptions {
  readonly engine: CommandRunner;
  readonly campaigns: readonly CampaignSpec[];
  readonly token: string;
  /** The Bot API root; Telegram's when absent (tests point it at a local fake). */
  readonly apiRoot?: string;
  /** Overrides each campaign's locale. */
  readonly locale?: Locale;
  /** Webhook mode; long polling when absent. */
  readonly webhook?: TelegramWebhook;
  /** One line to the operator's log. */
  readonly log: (line: string) => void;
  /** How long a chat's administrators are cached (default 5 minutes). */
  readonly adminsTtlMs?: number;
  /** How long an idea waits for its text, or a ballot for its ✅ (default 15 minutes). */
  readonly draftTtlMs?: number;
}


/** The commands shown in Telegram's menu, in this order. */
export const TELEGRAM_COMMANDS = [
  'propose', 'mine', 'status', 'shortlist', 'advance', 'pause', 'resume', 'extend', 'reveal', 'export', 'help',
  'mydata', 'forgetme', 'ban', 'unban', 'bans', 'fan', 'receipt',
] as const;

/**
 * A fan as a Telegram moderator names them: `platform:id`, a bare Telegram user id, or (with
 * no argument) the author of the message the command replies to. Anything else goes to the
 * engine as typed, which refuses it (`fan.invalid`).
 */
export function fanFromArgs(word: string | undefined, message: Message.TextMessage): string {
  if (word === undefined || word === '') {
    const replied = (message as { reply_to_message?: { from?: User } }).reply_to_message?.from;
    return replied && !replied.is_bot ? `telegram:${replied.id}` : '';
  }
  return /^\d{1,20}$/.test(word) ? `telegram:${word}` : word;
}

type Draft =
  | { readonly kind: 'propose.pick'; readonly campaign: number; readonly text?: string; readonly replyTo: number; readonly at: number }
  | { readonly kind: 'propose.text'; readonly campaign: number; readonly category: number; readonly at: number }
  | { readonly kind: 'edit.text'; readonly campaign: number; readonly proposalId: string; readonly at: number };

interface Answer { readonly text: string; readonly alert: boolean }

interface SendOptions {
  readonly replyTo?: number;
  readonly keyboard?: readonly (readonly InlineKeyboardButton[])[];
  readonly forceReply?: boolean;
}

const CALLBACK_ANSWER_MAX = 200;
const BUTTON_TEXT_MAX = 48;
const KEYBOARD_MAX_ROWS = 90;

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function displayName(user: User): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name || user.username || String(user.id);
}

function describe(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\s+/g, ' ').trim();
}

/** Splits `/cmd@bot args` into the command (lower case), the bot it names, and its arguments. */
export function parseCommand(message: Message.TextMessage): { name: string; bot?: string; args: string } | null {
  const entity = message.entities?.[0];
  if (!entity || entity.type !== 'bot_command' || entity.offset !== 0) return null;
  const head = message.text.slice(1, entity.length);
  const [name = '', bot] = head.split('@');
  return { name: name.toLowerCase(), ...(bot ? { bot } : {}), args: message.text.slice(entity.length).trim() };
}

export class TelegramAdapter {
  readonly bot: Telegraf;
  private readonly campaigns: readonly CampaignSpec[];
  private readonly drafts = new Map<string, Draft>();
  /** Options picked so far on an approval or ranked ballot, by `campaign:category:user`. */
  private readonly picks = new Map<string, { ids: string[]; at: number }>();
  private readonly admins = new Map<number, { at: number; ids: Promise<ReadonlySet<number>> }>();
  /** Chunks of an announcement already sent to a chat, so that a retry sends only the rest. */
  private readonly sentChunks = new Map<string, number>();
  private running: Promise<void> | undefined;
  private receiving = false;
  /** Answers to button presses on their way (stop() lets them finish). */
  private readonly answering = new Set<Promise<void>>();
  private me: Awaited<ReturnType<Telegraf['telegram']['getMe']>> | undefined;

  constructor(private readonly options: TelegramAdapterOptions) {
    this.campaigns = options.campaigns;
    this.bot = new Telegraf(options.token, {
      telegram: { ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), webhookReply: false },
      handlerTimeout: 60_000,
    });
    // The one error boundary: log, never rethrow (telegraf's default would set process.exitCode).
    this.bot.catch((error, ctx) => {
      options.log(`telegram: update ${ctx.update.update_id} failed: ${describe(error)}`);
    });
    this.bot.on('message', (ctx) => this.onMessage(ctx.message));
    this.bot.on('callback_query', (ctx) => this.onCallback(ctx.callbackQuery, ctx.telegram));
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Checks the token (`getMe`), registers the commands in fr and en, and starts receiving
   * updates (long polling, or the webhook). Resolves once updates are being received; rejects
   * with a clear message when Telegram refuses the token.
   */
  async start(): Promise<void> {
    try {
      this.me = await this.bot.telegram.getMe();
    } catch (error) {
      if (error instanceof TelegramError && error.code === 401) throw new Error('Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token BotFather gave you.');
      throw new Error(`cannot reach the Telegram Bot API: ${describe(error)}`);
    }
    this.bot.botInfo = this.me;
    await this.registerCommands().catch((error) => this.options.log(`telegram: setMyCommands failed: ${describe(error)}`));
    const webhook = this.options.webhook;
    const launched = webhook
      ? this.bot.launch({ webhook: { domain: new URL(webhook.url).host, path: new URL(webhook.url).pathname, port: webhook.port, secretToken: webhook.secret } })
      : this.bot.launch({ allowedUpdates: ['message', 'callback_query'] });
    // launch() resolves only when polling stops: never awaited, its failure logged.
    this.running = launched
      .catch((error: unknown) => this.options.log(`telegram: stopped receiving updates: ${describe(error)}`))
      .finally(() => { if (!webhook) this.receiving = false; }); // a webhook's launch() resolves once listening
    this.receiving = true;
  }

  /** Null while updates are being received (long polling or webhook), else why not (for `/healthz`). */
  health(): string | null {
    return this.receiving ? null : 'Telegram updates are not being received (polling or webhook stopped)';
  }

  /** Stops receiving updates; resolves once the last poll is over (or after 5 s). */
  async stop(): Promise<void> {
    this.receiving = false;
    if (!this.running) return;
    let settled = false;
    void this.running.then(() => { settled = true; });
    const deadline = Date.now() + 5000;
    // launch() starts polling only after its deleteWebhook call: a stop that comes earlier waits for it.
    while (!settled && Date.now() < deadline) {
      try {
        this.bot.stop('cocreate stop');
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref())]);
    await Promise.race([Promise.all(this.answering), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref())]);
  }

  private async registerCommands(): Promise<void> {
    const list = (locale: Locale) => TELEGRAM_COMMANDS.map((command) => ({ command, description: t(locale, `telegram.command.${command}`) }));
    await this.bot.telegram.setMyCommands(list(this.defaultLocale()));
    for (const locale of ['fr', 'en'] as const) await this.bot.telegram.setMyCommands(list(locale), { language_code: locale });
  }

  // ------------------------------------------------------------------ outbox

  /** Where a campaign's announcements go on Telegram: each chat of its `channels.telegram`. */
  readonly targets = (campaignId: string): readonly DeliveryTarget[] =>
    this.campaigns.find((c) => c.id === campaignId)?.channels.telegram.map((ref) => ({ platform: 'telegram' as const, channel: ref.chat })) ?? [];

  /**
   * The outbox's delivery function: posts one announcement to one chat; the opening of a vote
   * comes with its ballot (inline keyboard). A 429 becomes a RateLimitedError (the outbox waits
   * `retry_after`); a 4xx is logged and not retried; anything else rejects to be retried.
   */
  readonly deliver = async (event: CampaignEvent, target: DeliveryTarget): Promise<void> => {
    const index = this.campaigns.findIndex((c) => c.id === event.campaignId);
    const campaign = this.campaigns[index];
    if (!campaign) return;
    const locale = this.localeOf(campaign);
    const { message, keyboard } = event.kind === 'shortlist.published'
      ? await this.ballot(event, index, campaign, locale)
      : { message: renderEvent(event, campaign, locale), keyboard: undefined };
    const chunks = splitTelegramHtml(toTelegramHtml(message));
    const picture = this.picture(event, campaign, locale);
    const key = `${event.id}|${target.channel}`;
    // The results picture follows the text as one more step, so a retry resumes after what was sent.
    const steps = chunks.length + (picture ? 1 : 0);
    for (let i = this.sentChunks.get(key) ?? 0; i < steps; i++) {
      try {
        if (i < chunks.length) await this.sendHtml(target.channel, chunks[i]!, i === chunks.length - 1 && keyboard ? { keyboard } : {});
        else if (picture) {
          const category = campaign.categories.find((c) => c.id === event.categoryId);
          await this.bot.telegram.sendPhoto(target.channel, Input.fromBuffer(picture.chart.png, picture.name), {
            caption: clip(t(locale, 'chart.title', { category: cleanText(category?.title ?? event.categoryId) }), CAPTION_MAX),
          });
        }
      } catch (error) {
        if (error instanceof TelegramError && error.code === 429) {
          this.sentChunks.set(key, i);
          throw new RateLimitedError((error.parameters?.retry_after ?? 1) * 1000);
        }
        if (error instanceof TelegramError && error.code >= 400 && error.code < 500) {
          this.sentChunks.delete(key);
          this.options.log(`telegram: cannot post ${event.id} to chat ${target.channel}: ${error.description} (not retried)`);
          return;
        }
        this.sentChunks.set(key, i);
        throw error;
      }
    }
    this.sentChunks.delete(key);
  };

  /** The results picture of a results announcement; null otherwise, or if it cannot be drawn (logged). */
  private picture(event: CampaignEvent, campaign: CampaignSpec, locale: Locale): ReturnType<typeof chartForEvent> {
    try {
      return chartForEvent(event, campaign, locale);
    } catch (error) {
      this.options.log(`telegram: could not draw the results picture of ${event.id}: ${describe(error)}; the results go out as text`);
      return null;
    }
  }

  /** The vote's announcement with the shortlist, and one button per option. */
  private async ballot(event: Extract<CampaignEvent, { kind: 'shortlist.published' }>, index: number, campaign: CampaignSpec, locale: Locale) {
    const categoryIndex = campaign.categories.findIndex((c) => c.id === event.categoryId);
    const category = campaign.categories[categoryIndex];
    const listed = await this.options.engine.execute({ type: 'shortlist.list', campaignId: campaign.id, categoryId: event.categoryId }, this.botActor());
    const options = listed.ok && listed.type === 'shortlist.list' ? listed.proposals : [];
    const items = options.map((p) => ({ id: p.id, text: p.text, ...(p.authorName !== undefined ? { author: p.authorName } : {}) }));
    const base = renderEvent({ ...event, items }, campaign, locale);
    if (!category || options.length === 0) return { message: base, keyboard: undefined };
    const rule = category.vote;
    const how = rule.method === 'single' ? t(locale, 'telegram.ballot.single')
      : rule.method === 'approval' ? t(locale, 'telegram.ballot.approval', { max: rule.maxChoices })
        : t(locale, 'telegram.ballot.ranked');
    const keyboard: InlineKeyboardButton[][] = options.slice(0, KEYBOARD_MAX_ROWS).map((p) => [{
      text: clip(`#${p.id} · ${cleanText(p.text)}`, BUTTON_TEXT_MAX),
      callback_data: encodeCallback({ kind: 'vote', campaign: index, category: categoryIndex, proposalId: p.id }),
    }]);
    if (rule.method !== 'single') {
      keyboard.push([
        { text: t(locale, 'telegram.button.vote.submit'), callback_data: encodeCallback({ kind: 'vote.submit', campaign: index, category: categoryIndex }) },
        { text: t(locale, 'telegram.button.vote.reset'), callback_data: encodeCallback({ kind: 'vote.reset', campaign: index, category: categoryIndex }) },
      ]);
    }
    return { message: { parts: [...base.parts, `\n\n${how}`] }, keyboard };
  }

  // ------------------------------------------------------------------ messages

  private async onMessage(message: Message): Promise<void> {
    this.prune();
    if (!('text' in message) || !message.from || message.from.is_bot) return;
    const command = parseCommand(message);
    if (command) {
      if (command.bot && this.me?.username && command.bot.toLowerCase() !== this.me.username.toLowerCase()) return; // another bot's
      await this.onCommand(command.name, command.args, message);
      return;
    }
    const key = this.draftKey(message.chat.id, message.from.id);
    const draft = this.liveDraft(key);
    if (!draft || draft.kind === 'propose.pick') return;
    this.drafts.delete(key);
    const campaign = this.campaigns[draft.campaign];
    if (!campaign) return;
    const actor = await this.actor(message.from, message.chat, campaign);
    if (draft.kind === 'propose.text') {
      const category = campaign.categories[draft.category];
      if (!category) return;
      await this.run(campaign, { type: 'propose', campaignId: campaign.id, categoryId: category.id, text: message.text }, actor, message);
    } else {
      await this.run(campaign, { type: 'edit', campaignId: campaign.id, proposalId: draft.proposalId, text: message.text }, actor, message);
    }
  }

  private async onCommand(name: string, args: string, message: Message.TextMessage): Promise<void> {
    if (!(TELEGRAM_COMMANDS as readonly string[]).includes(name) && name !== 'start') return;
    const campaignIndex = this.campaignIndexOfChat(message.chat);
    const campaign = this.campaigns[campaignIndex];
    if (!campaign) {
      await this.sendHtml(message.chat.id, toTelegramHtml({ parts: [t(this.defaultLocale(), 'telegram.no-campaign')] }), { replyTo: message.message_id });
      return;
    }
    const actor = await this.actor(message.from!, message.chat, campaign);
    const base = { campaignId: campaign.id };
    const words = args.split(/\s+/).filter(Boolean);
    switch (name) {
      case 'start':
      case 'help':
        await this.reply(message, { parts: [t(this.localeOf(campaign), 'telegram.help', { title: campaign.title })] });
        return;
      case 'propose':
        await this.propose(campaignIndex, campaign, actor, args, message);
        return;
      case 'mine':
        await this.mine(campaignIndex, campaign, actor, message);
        return;
      case 'status':
        await this.run(campaign, { ...base, type: 'status' }, actor, message);
        return;
      case 'shortlist':
        await this.shortlist(campaignIndex, campaign, actor, words, message);
        return;
      case 'advance': case 'pause': case 'resume': {
        const categoryId = words[0];
        await this.run(campaign, { ...base, type: name, ...(categoryId ? { categoryId } : {}) }, actor, message);
        return;
      }
      case 'reveal': {
        const categoryId = words[0];
        await this.run(campaign, { ...base, type: 'advance', from: 'vote', ...(categoryId ? { categoryId } : {}) }, actor, message);
        return;
      }
      case 'extend': {
        const [first, second] = words;
        const command: Command = second !== undefined
          ? { ...base, type: 'extend', categoryId: first!, by: second }
          : { ...base, type: 'extend', by: first ?? '' };
        await this.run(campaign, command, actor, message);
        return;
      }
      case 'export':
        await this.export(campaign, actor, message);
        return;
      case 'mydata':
        await this.sendFanData(campaign, { ...base, type: 'mydata' }, actor, message);
        return;
      case 'forgetme':
        if (words[0]?.toLowerCase() !== 'confirm') {
          await this.reply(message, { parts: [t(this.localeOf(campaign), 'reply.forgetme.confirm', { title: campaign.title, how: '/forgetme confirm' })] });
          return;
        }
        await this.run(campaign, { ...base, type: 'forgetme' }, actor, message);
        return;
      case 'ban': {
        // `/ban ID reason…`, or `/ban reason…` in reply to the fan's message.
        const replying = words[0] === undefined || !/^(\d{1,20}|\w+:\S+)$/.test(words[0]);
        const fan = replying ? fanFromArgs(undefined, message) : fanFromArgs(words[0], message);
        const reason = (replying ? words : words.slice(1)).join(' ');
        await this.run(campaign, { ...base, type: 'ban', fan, reason }, actor, message);
        return;
      }
      case 'unban':
        await this.run(campaign, { ...base, type: 'unban', fan: fanFromArgs(words[0], message) }, actor, message);
        return;
      case 'bans':
        await this.run(campaign, { ...base, type: 'bans' }, actor, message);
        return;
      case 'fan': {
        // Managers: `/fan export PLATFORM:ID` (sent privately) or `/fan erase PLATFORM:ID`.
        const fan = fanFromArgs(words[1], message);
        if (words[0] === 'export') await this.sendFanData(campaign, { ...base, type: 'fan.export', fan }, actor, message);
        else if (words[0] === 'erase') await this.run(campaign, { ...base, type: 'fan.erase', fan }, actor, message);
        else await this.reply(message, { parts: [t(this.localeOf(campaign), 'command.invalid')] });
        return;
      }
      case 'receipt':
        await this.receipt(campaign, actor, words[0], message);
        return;
    }
  }

  /**
   * /mydata (and a manager's `/fan export`): the JSON file, sent in a private chat with the
   * asking user (a group never sees it), with the summary as caption.
   */
  private async sendFanData(campaign: CampaignSpec, command: Command, actor: Actor, message: Message.TextMessage): Promise<void> {
    const locale = this.localeOf(campaign);
    const result = await this.options.engine.execute(command, actor);
    if (!result.ok || (result.type !== 'mydata' && result.type !== 'fan.export')) {
      await this.reply(message, renderResult(result, command, campaign, locale));
      return;
    }
    const name = `${campaign.id}-${result.fan.replace(/[^a-z0-9-]/gi, '-')}.json`;
    const file = Input.fromBuffer(Buffer.from(`${JSON.stringify(result.data, null, 2)}\n`), name);
    try {
      await this.bot.telegram.sendDocument(message.from!.id, file, { caption: clip(toPlainText(renderResult(result, command, campaign, locale)), 1024) });
    } catch (error) {
      if (!(error instanceof TelegramError) || error.code >= 500) throw error;
      await this.reply(message, { parts: [t(locale, 'telegram.mydata.blocked')] });
      return;
    }
    if (message.chat.type !== 'private') await this.reply(message, { parts: [t(locale, 'reply.mydata.sent')] });
  }

  /**
   * A fan's ballot receipt, sent privately (a DM; in the private chat itself when asked there),
   * since the receipt shows their choice: never in the group.
   */
  private async receipt(campaign: CampaignSpec, actor: Actor, categoryId: string | undefined, message: Message.TextMessage): Promise<void> {
    const locale = this.localeOf(campaign);
    const command: Command = { type: 'receipt', campaignId: campaign.id, ...(categoryId ? { categoryId } : {}) };
    const result = await this.options.engine.execute(command, actor);
    const rendered = renderResult(result, command, campaign, locale);
    if (message.chat.type === 'private' || !result.ok) {
      await this.reply(message, rendered);
      return;
    }
    try {
      for (const chunk of splitTelegramHtml(toTelegramHtml(rendered))) await this.sendHtml(message.from!.id, chunk);
    } catch (error) {
      if (!(error instanceof TelegramError) || error.code >= 500) throw error;
      await this.reply(message, { parts: [t(locale, 'telegram.export.blocked')] });
      return;
    }
    await this.reply(message, { parts: [t(locale, 'telegram.receipt.sent')] });
  }

  /** Runs one command and replies with its result (a success or a localized refusal). */
  private async run(campaign: CampaignSpec, command: Command, actor: Actor, message: Message): Promise<CommandResult> {
    const result = await this.options.engine.execute(command, actor);
    await this.reply(message, renderResult(result, command, campaign, this.localeOf(campaign)));
    return result;
  }

  private async propose(index: number, campaign: CampaignSpec, actor: Actor, args: string, message: Message.TextMessage): Promise<void> {
    const locale = this.localeOf(campaign);
    const [first = '', ...rest] = args.split(/\s+/);
    const named = campaign.categories.find((c) => c.id === first.toLowerCase() && !c.options);
    if (named && rest.length > 0) {
      await this.run(campaign, { type: 'propose', campaignId: campaign.id, categoryId: named.id, text: args.slice(first.length).trim() }, actor, message);
      return;
    }
    const open = await this.categoriesIn(campaign, actor, 'propose');
    if (open.length === 0) {
      await this.reply(message, { parts: [t(locale, 'telegram.propose.none')] });
      return;
    }
    if (open.length === 1 && args !== '') {
      await this.run(campaign, { type: 'propose', campaignId: campaign.id, categoryId: open[0]!.id, text: args }, actor, message);
      return;
    }
    this.drafts.set(this.draftKey(message.chat.id, message.from!.id), {
      kind: 'propose.pick', campaign: index, replyTo: message.message_id, at: Date.now(), ...(args !== '' ? { text: args } : {}),
    });
    const keyboard = open.map((category) => [{
      text: clip(category.title, BUTTON_TEXT_MAX),
      callback_data: encodeCallback({ kind: 'propose', campaign: index, category: campaign.categories.indexOf(category) }),
    }]);
    await this.reply(message, { parts: [t(locale, 'telegram.propose.pick')] }, { keyboard });
  }

  private async mine(index: number, campaign: CampaignSpec, actor: Actor, message: Message): Promise<void> {
    const locale = this.localeOf(campaign);
    const command: Command = { type: 'proposals', campaignId: campaign.id, mine: true };
    const result = await this.options.engine.execute(command, actor);
    const editable = result.ok && result.type === 'proposals' ? result.proposals.filter((p) => p.status === 'active') : [];
    const keyboard = editable.slice(0, KEYBOARD_MAX_ROWS).map((p) => [
      { text: t(locale, 'telegram.button.edit', { id: p.id }), callback_data: encodeCallback({ kind: 'edit', campaign: index, proposalId: p.id }) },
      { text: t(locale, 'telegram.button.withdraw', { id: p.id }), callback_data: encodeCallback({ kind: 'withdraw', campaign: index, proposalId: p.id }) },
    ]);
    await this.reply(message, renderResult(result, command, campaign, locale), keyboard.length > 0 ? { keyboard } : {});
  }

  private async shortlist(index: number, campaign: CampaignSpec, actor: Actor, words: readonly string[], message: Message): Promise<void> {
    const [verb, ...ids] = words;
    if ((verb === 'add' || verb === 'remove') && ids.length > 0) {
      for (const proposalId of ids.map((id) => id.replace(/^#/, ''))) {
        await this.run(campaign, { type: verb === 'add' ? 'shortlist.add' : 'shortlist.remove', campaignId: campaign.id, proposalId }, actor, message);
      }
      return;
    }
    const named = verb === 'list' ? ids[0] : verb;
    if (named !== undefined) {
      await this.run(campaign, { type: 'shortlist.list', campaignId: campaign.id, categoryId: named }, actor, message);
      return;
    }
    // No argument: one review panel per category being shortlisted (else taking ideas).
    let categories = await this.categoriesIn(campaign, actor, 'shortlist');
    if (categories.length === 0) categories = await this.categoriesIn(campaign, actor, 'propose');
    if (categories.length === 0) categories = campaign.categories.filter((c) => !c.options);
    const roles = await this.rolesOf(campaign, actor);
    for (const category of categories) await this.shortlistPanel(index, campaign, category, actor, roles.includes('curator'), message);
  }

  /** The shortlist of a category and, for a curator, a ➕/➖ button per idea. */
  private async shortlistPanel(index: number, campaign: CampaignSpec, category: CategorySpec, actor: Actor, curator: boolean, message: Message): Promise<void> {
    const locale = this.localeOf(campaign);
    const listCommand: Command = { type: 'shortlist.list', campaignId: campaign.id, categoryId: category.id };
    const listed = await this.options.engine.execute(listCommand, actor);
    const rendered = renderResult(listed, listCommand, campaign, locale);
    if (!curator || !listed.ok || listed.type !== 'shortlist.list') {
      await this.reply(message, rendered);
      return;
    }
    const all = await this.options.engine.execute({ type: 'proposals', campaignId: campaign.id, categoryId: category.id }, actor);
    const inList = new Set(listed.proposals.map((p) => p.id));
    const candidates = all.ok && all.type === 'proposals' ? all.proposals.filter((p) => p.status === 'active' || inList.has(p.id)) : [];
    if (candidates.length === 0) {
      await this.reply(message, { parts: [...rendered.parts, `\n${t(locale, 'telegram.shortlist.no-candidates', { category: category.title })}`] });
      return;
    }
    const keyboard = candidates.slice(0, KEYBOARD_MAX_ROWS).map((p) => [this.shortlistButton(index, p, inList.has(p.id), locale)]);
    await this.reply(message, { parts: [...rendered.parts, `\n${t(locale, 'telegram.shortlist.candidates')}`] }, { keyboard });
  }

  private shortlistButton(index: number, p: Proposal, listed: boolean, locale: Locale): InlineKeyboardButton {
    const text = clip(cleanText(p.text), BUTTON_TEXT_MAX - 8);
    return listed
      ? { text: t(locale, 'telegram.button.shortlist.remove', { id: p.id, text }), callback_data: encodeCallback({ kind: 'shortlist.remove', campaign: index, proposalId: p.id }) }
      : { text: t(locale, 'telegram.button.shortlist.add', { id: p.id, text }), callback_data: encodeCallback({ kind: 'shortlist.add', campaign: index, proposalId: p.id }) };
  }

  /** The manager's export, CSV (for spreadsheets) then JSON, sent privately to them. */
  private async export(campaign: CampaignSpec, actor: Actor, message: Message.TextMessage): Promise<void> {
    const locale = this.localeOf(campaign);
    if (!(await this.rolesOf(campaign, actor)).includes('manager')) {
      await this.reply(message, { parts: [t(locale, 'actor.not-allowed')] });
      return;
    }
    const command: Command = { type: 'export', campaignId: campaign.id };
    const result = await this.options.engine.execute(command, actor);
    if (!result.ok || result.type !== 'export') {
      await this.reply(message, renderResult(result, command, campaign, locale));
      return;
    }
    const caption = t(locale, 'telegram.export.caption', { title: campaign.title });
    try {
      await this.bot.telegram.sendDocument(message.from!.id, Input.fromBuffer(Buffer.from(exportCsv(result.export), 'utf8'), exportFileName(result.export, 'csv')), { caption });
      await this.bot.telegram.sendDocument(message.from!.id, Input.fromBuffer(Buffer.from(exportJson(result.export), 'utf8'), exportFileName(result.export, 'json')));
    } catch (error) {
      if (!(error instanceof TelegramError) || error.code >= 500) throw error;
      await this.reply(message, { parts: [t(locale, 'telegram.export.blocked')] });
      return;
    }
    if (message.chat.type !== 'private') await this.reply(message, { parts: [t(locale, 'telegram.export.sent')] });
  }

  // ------------------------------------------------------------------ buttons

  /** Every press is answered exactly once, after the engine answered (or with the refusal). */
  /** A button press; `telegram` is the update's own client (in webhook mode it holds Telegram's post). */
  private async onCallback(query: CallbackQuery, telegram: Telegram): Promise<void> {
    this.prune();
    const data = 'data' in query ? query.data : undefined;
    let answer: Answer;
    try {
      answer = await this.callback(query, decodeCallback(data));
    } catch (error) {
      this.options.log(`telegram: button ${JSON.stringify(data?.slice(0, 64))} failed: ${describe(error)}`);
      answer = { text: t(this.defaultLocale(), 'store.unavailable'), alert: true };
    }
    // The engine's answer is durable: the press is answered without holding telegraf's polling
    // loop, which fetches the next updates only once every handler of a batch has returned.
    // Waiting for each answer's round trip there would cap a surge at one batch per round trip.
    // In webhook mode the answer rides in the response to Telegram's post of the update (no
    // request of its own: telegraf's webhook reply, for this update's client only).
    telegram.webhookReply = true;
    const sent = telegram.answerCbQuery(query.id, clip(answer.text, CALLBACK_ANSWER_MAX), { show_alert: answer.alert })
      .then(() => {}, (error: unknown) => this.options.log(`telegram: could not answer button ${query.id}: ${describe(error)}`))
      .finally(() => this.answering.delete(sent));
    this.answering.add(sent);
  }

  private async callback(query: CallbackQuery, action: CallbackAction | null): Promise<Answer> {
    const campaign = action ? this.campaigns[action.campaign] : undefined;
    if (!action || !campaign) return { text: t(this.defaultLocale(), 'command.invalid'), alert: true };
    const locale = this.localeOf(campaign);
    const chat = query.message?.chat;
    const actor = await this.actor(query.from, chat, campaign);
    const category = 'category' in action ? campaign.categories[action.category] : undefined;
    if ('category' in action && !category) return { text: t(locale, 'command.invalid'), alert: true };
    const execute = async (command: Command): Promise<Answer & { result: CommandResult }> => {
      const result = await this.options.engine.execute(command, actor);
      return { text: toPlainText(renderResult(result, command, campaign, locale)), alert: !result.ok, result };
    };
    switch (action.kind) {
      case 'vote': {
        if (category!.vote.method === 'single') return execute({ type: 'vote', campaignId: campaign.id, categoryId: category!.id, choice: [action.proposalId] });
        const key = `${action.campaign}:${action.category}:${query.from.id}`;
        const ids = this.livePick(key).filter((id) => id !== action.proposalId);
        if (ids.length === this.livePick(key).length) ids.push(action.proposalId); // pressed again: taken back
        this.picks.set(key, { ids, at: Date.now() });
        const ranked = category!.vote.method === 'ranked';
        const choice = ids.map((id, i) => (ranked ? `${i + 1}. #${id}` : `#${id}`)).join(', ');
        return ids.length === 0 ? { text: t(locale, 'telegram.ballot.empty'), alert: false } : { text: t(locale, 'telegram.ballot.picked', { choice }), alert: false };
      }
      case 'vote.submit': {
        const key = `${action.campaign}:${action.category}:${query.from.id}`;
        const ids = this.livePick(key);
        if (ids.length === 0) return { text: t(locale, 'telegram.ballot.empty'), alert: true };
        const answer = await execute({ type: 'vote', campaignId: campaign.id, categoryId: category!.id, choice: ids });
        if (answer.result.ok) this.picks.delete(key);
        return answer;
      }
      case 'vote.reset':
        this.picks.delete(`${action.campaign}:${action.category}:${query.from.id}`);
        return { text: t(locale, 'telegram.ballot.reset'), alert: false };
      case 'propose': {
        if (!chat) return { text: t(locale, 'telegram.expired'), alert: true };
        const key = this.draftKey(chat.id, query.from.id);
        const draft = this.liveDraft(key);
        if (draft?.kind === 'propose.pick' && draft.campaign === action.campaign && draft.text !== undefined) {
          this.drafts.delete(key);
          const command: Command = { type: 'propose', campaignId: campaign.id, categoryId: category!.id, text: draft.text };
          const answer = await execute(command);
          await this.sendHtml(chat.id, toTelegramHtml(renderResult(answer.result, command, campaign, locale)), { replyTo: draft.replyTo });
          return answer;
        }
        this.drafts.set(key, { kind: 'propose.text', campaign: action.campaign, category: action.category, at: Date.now() });
        const replyTo = draft?.kind === 'propose.pick' ? draft.replyTo : undefined;
        await this.prompt(chat.id, query.from, locale, 'telegram.propose.write', { category: category!.title }, replyTo);
        return { text: t(locale, 'telegram.propose.chosen', { category: category!.title }), alert: false };
      }
      case 'edit': {
        if (!chat) return { text: t(locale, 'telegram.expired'), alert: true };
        this.drafts.set(this.draftKey(chat.id, query.from.id), { kind: 'edit.text', campaign: action.campaign, proposalId: action.proposalId, at: Date.now() });
        await this.prompt(chat.id, query.from, locale, 'telegram.edit.write', { id: action.proposalId });
        return { text: t(locale, 'telegram.edit.chosen', { id: action.proposalId }), alert: false };
      }
      case 'withdraw':
        return execute({ type: 'withdraw', campaignId: campaign.id, proposalId: action.proposalId });
      case 'shortlist.add':
      case 'shortlist.remove': {
        const answer = await execute({ type: action.kind, campaignId: campaign.id, proposalId: action.proposalId });
        if (answer.result.ok && query.message) await this.flipShortlistButton(query, action).catch((error) => this.options.log(`telegram: cannot update the shortlist panel: ${describe(error)}`));
        return answer;
      }
    }
  }

  /** After a ➕ or ➖ went through, the pressed button turns into the other one. */
  private async flipShortlistButton(query: CallbackQuery, action: Extract<CallbackAction, { kind: 'shortlist.add' | 'shortlist.remove' }>): Promise<void> {
    const message = query.message;
    if (!message || !('reply_markup' in message) || !message.reply_markup) return;
    const pressed = encodeCallback(action);
    const other = encodeCallback({ ...action, kind: action.kind === 'shortlist.add' ? 'shortlist.remove' : 'shortlist.add' });
    const keyboard = message.reply_markup.inline_keyboard.map((row) => row.map((button) => (
      'callback_data' in button && button.callback_data === pressed
        ? { text: button.text.replace(/^[➕➖]/u, action.kind === 'shortlist.add' ? '➖' : '➕'), callback_data: other }
        : button
    )));
    await this.bot.telegram.editMessageReplyMarkup(message.chat.id, message.message_id, undefined, { inline_keyboard: keyboard });
  }

  /** Asks a fan for a text, mentioning them so that Telegram opens the reply box for them only. */
  private async prompt(chatId: number, user: User, locale: Locale, key: 'telegram.propose.write' | 'telegram.edit.write', params: Readonly<Record<string, string>>, replyTo?: number): Promise<void> {
    const html = messageTokens(locale, key).map((token) => {
      if (typeof token === 'string') return toTelegramHtml({ parts: [token] });
      if (token.placeholder === 'name') return `<a href="tg://user?id=${user.id}">${toTelegramHtml({ parts: [{ fan: displayName(user) }] })}</a>`;
      const value = params[token.placeholder] ?? '';
      return toTelegramHtml({ parts: [{ fan: token.within ? nestQuotes(value, token.within) : value }] });
    }).join('');
    await this.sendHtml(chatId, html, { forceReply: true, ...(replyTo !== undefined ? { replyTo } : {}) });
  }

  // ------------------------------------------------------------------ helpers

  private async reply(message: Message, rendered: RenderedMessage, options: Omit<SendOptions, 'replyTo'> = {}): Promise<void> {
    const chunks = splitTelegramHtml(toTelegramHtml(rendered));
    for (const [i, chunk] of chunks.entries()) {
      const last = i === chunks.length - 1;
      await this.sendHtml(message.chat.id, chunk, { ...(i === 0 ? { replyTo: message.message_id } : {}), ...(last ? options : {}) });
    }
  }

  private async sendHtml(chatId: number | string, html: string, options: SendOptions = {}): Promise<void> {
    const markup = options.keyboard
      ? { reply_markup: { inline_keyboard: options.keyboard.map((row) => [...row]) } }
      : options.forceReply ? { reply_markup: { force_reply: true as const, selective: true } } : {};
    await this.bot.telegram.sendMessage(chatId, html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(options.replyTo !== undefined ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
      ...markup,
    });
  }

  /** The actor of a Telegram user; a chat administrator carries the `admins` role id when the campaign grants it. */
  private async actor(user: User, chat: Chat | undefined, campaign: CampaignSpec): Promise<Actor> {
    const base: Actor = { platform: 'telegram', userId: String(user.id), displayName: displayName(user) };
    const grantsAdmins = [...campaign.roles.curators.telegram, ...campaign.roles.managers.telegram].includes(TELEGRAM_CHAT_ADMINS);
    // Only the administrators of the campaign's own chats.
    if (!grantsAdmins || !chat || chat.type === 'private' || !campaign.channels.telegram.some((ref) => ref.chat === String(chat.id))) return base;
    const admins = await this.adminsOf(chat.id);
    return admins.has(user.id) ? { ...base, memberRoleIds: [TELEGRAM_CHAT_ADMINS] } : base;
  }

  /** A chat's administrators, cached; an empty set when Telegram cannot tell. */
  private adminsOf(chatId: number): Promise<ReadonlySet<number>> {
    const cached = this.admins.get(chatId);
    if (cached && Date.now() - cached.at < (this.options.adminsTtlMs ?? 5 * 60_000)) return cached.ids;
    const ids = this.bot.telegram.getChatAdministrators(chatId).then(
      (members) => new Set(members.map((m) => m.user.id)),
      (error: unknown) => {
        this.options.log(`telegram: getChatAdministrators(${chatId}) failed: ${describe(error)}`);
        this.admins.delete(chatId);
        return new Set<number>();
      },
    );
    this.admins.set(chatId, { at: Date.now(), ids });
    return ids;
  }

  /** The campaign roles the engine gives this actor (from its status answer). */
  private async rolesOf(campaign: CampaignSpec, actor: Actor): Promise<readonly string[]> {
    const status = await this.options.engine.execute({ type: 'status', campaignId: campaign.id }, actor);
    return status.ok && status.type === 'status' ? status.roles : [];
  }

  /** The categories of a campaign now in `phase` and running, by the engine's status. */
  private async categoriesIn(campaign: CampaignSpec, actor: Actor, phase: 'propose' | 'shortlist'): Promise<CategorySpec[]> {
    const status = await this.options.engine.execute({ type: 'status', campaignId: campaign.id }, actor);
    if (!status.ok || status.type !== 'status') return [];
    const open = new Set(status.categories.filter((c) => c.phase === phase && !c.paused).map((c) => c.id));
    return campaign.categories.filter((c) => open.has(c.id) && !c.options);
  }

  /** The campaign of a chat: the first that lists it; in a private chat, the first loaded. -1 when none. */
  private campaignIndexOfChat(chat: Chat): number {
    const listed = this.campaigns.findIndex((c) => c.channels.telegram.some((ref) => ref.chat === String(chat.id)));
    if (listed >= 0) return listed;
    return chat.type === 'private' && this.campaigns.length > 0 ? 0 : -1;
  }

  private botActor(): Actor {
    return { platform: 'telegram', userId: String(this.me?.id ?? 0), displayName: this.me?.username ?? 'cocreate' };
  }

  private localeOf(campaign: CampaignSpec): Locale {
    return this.options.locale ?? campaign.locale;
  }

  private defaultLocale(): Locale {
    return this.options.locale ?? this.campaigns[0]?.locale ?? 'en';
  }

  /** Forgets expired drafts and picks once there are many (fans who never finished). */
  private prune(): void {
    if (this.drafts.size + this.picks.size < 10_000) return;
    const oldest = Date.now() - (this.options.draftTtlMs ?? 15 * 60_000);
    for (const [key, draft] of this.drafts) if (draft.at < oldest) this.drafts.delete(key);
    for (const [key, pick] of this.picks) if (pick.at < oldest) this.picks.delete(key);
  }

  private draftKey(chatId: number, userId: number): string {
    return `${chatId}:${userId}`;
  }

  private liveDraft(key: string): Draft | undefined {
    const draft = this.drafts.get(key);
    if (draft && Date.now() - draft.at > (this.options.draftTtlMs ?? 15 * 60_000)) {
      this.drafts.delete(key);
      return undefined;
    }
    return draft;
  }

  private livePick(key: string): string[] {
    const pick = this.picks.get(key);
    if (pick && Date.now() - pick.at > (this.options.draftTtlMs ?? 15 * 60_000)) {
      this.picks.delete(key);
      return [];
    }
    return [...(pick?.ids ?? [])];
  }
}

