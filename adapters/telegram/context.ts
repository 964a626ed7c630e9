/**
 * What every Telegram update is answered with: the scope it is about (campaign, language,
 * actor, place), the short-lived conversation state (an idea waiting for its text, a ballot
 * being picked), and the ways to answer — HTML messages in the chat (fan text escaped by
 * src/render, cut to 4096 characters), a prompt that opens the reply box, a private message.
 */
import type { Telegram } from 'telegraf';
import type { Chat, InlineKeyboardButton, Message, User } from 'telegraf/types';
import type { Command, CommandResult } from '../../src/engine/commands';
import type { Actor, CampaignSpec, Locale } from '../../src/model/campaign';
import { TELEGRAM_CHAT_ADMINS } from '../../src/engine/permissions';
import { messageTokens, nestQuotes, type MessageKey } from '../../src/i18n/messages';
import { BallotPicks } from '../../src/chat/ballot';
import { describeError } from '../../src/chat/delivery';
import type { CampaignDirectory, ChatScope } from '../../src/chat/directory';
import { ExpiringMap } from '../../src/chat/expiring-map';
import type { ChatPlace } from '../../src/chat/place';
import { inCampaign, type CommandBody, type CommandRunner } from '../../src/chat/runner';
import { renderResult, toTelegramHtml, type RenderedMessage } from '../../src/render/message';
import { splitTelegramHtml } from './split';

export interface SendOptions {
  readonly replyTo?: number;
  readonly keyboard?: readonly (readonly InlineKeyboardButton[])[];
  readonly forceReply?: boolean;
}

/** Sends one HTML message (never a link preview); a keyboard, or a reply box for the person mentioned. */
export async function sendHtml(telegram: Telegram, chatId: number | string, html: string, options: SendOptions = {}): Promise<void> {
  const markup = options.keyboard
    ? { reply_markup: { inline_keyboard: options.keyboard.map((row) => [...row]) } }
    : options.forceReply ? { reply_markup: { force_reply: true as const, selective: true } } : {};
  await telegram.sendMessage(chatId, html, {
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
    ...(options.replyTo !== undefined ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
    ...markup,
  });
}

/** What a person was asked for and has not answered yet. */
export type Draft =
  | { readonly kind: 'propose.pick'; readonly campaign: number; readonly text?: string; readonly replyTo: number }
  | { readonly kind: 'propose.text'; readonly campaign: number; readonly category: number }
  | { readonly kind: 'edit.text'; readonly campaign: number; readonly proposalId: string };

export interface TelegramContextOptions {
  readonly runner: CommandRunner;
  readonly directory: CampaignDirectory;
  readonly log: (line: string) => void;
  /** How long a chat's administrators are cached (default 5 minutes). */
  readonly adminsTtlMs?: number;
  /** How long an idea waits for its text, or a ballot for its ✅ (default 15 minutes). */
  readonly draftTtlMs?: number;
}

/** A person's display name: first and last name, else the username, else the id. */
export function displayName(user: User): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name || user.username || String(user.id);
}

export class TelegramContext {
  readonly runner: CommandRunner;
  readonly directory: CampaignDirectory;
  /** Ideas waiting for their category or text, edits waiting for their text, by `chat:user`. */
  readonly drafts: ExpiringMap<string, Draft>;
  /** Options picked so far on approval and ranked ballots. */
  readonly picks: BallotPicks;
  private readonly admins = new Map<number, { at: number; ids: Promise<ReadonlySet<number>> }>();

  constructor(private readonly options: TelegramContextOptions, readonly telegram: Telegram) {
    this.runner = options.runner;
    this.directory = options.directory;
    const ttl = options.draftTtlMs ?? 15 * 60_000;
    this.drafts = new ExpiringMap(ttl);
    this.picks = new BallotPicks(ttl);
  }

  log(line: string): void {
    try {
      this.options.log(line);
    } catch {
      // a broken log must not break the bot
    }
  }

  localeOf(campaign: CampaignSpec): Locale {
    return this.directory.campaignLocale(campaign);
  }

  defaultLocale(): Locale {
    return this.directory.defaultLocale();
  }

  /** Where an update happened. */
  placeOf(chat: Chat | undefined): ChatPlace {
    return { platform: 'telegram', channel: chat ? String(chat.id) : '', private: chat?.type === 'private' };
  }

  /**
   * The scope of an update from `user` in `chat` about the campaign at `index`, or null. A
   * chat administrator carries the `admins` role id when the campaign grants it: only then is
   * Telegram asked (once per chat, cached), so a fan's press needs no wait of its own.
   */
  scope(index: number | null, user: User, chat: Chat | undefined): ChatScope | null | Promise<ChatScope | null> {
    const campaign = index === null ? undefined : this.directory.at(index);
    if (index === null || campaign === undefined) return null;
    const place = this.placeOf(chat);
    const locale = this.localeOf(campaign);
    const actor: Actor = { platform: 'telegram', userId: String(user.id), displayName: displayName(user) };
    const grantsAdmins = [...campaign.roles.curators.telegram, ...campaign.roles.managers.telegram].includes(TELEGRAM_CHAT_ADMINS);
    // Only the administrators of the campaign's own chats.
    if (!grantsAdmins || !chat || chat.type === 'private' || !this.directory.hostsChat(campaign, String(chat.id))) return this.directory.scope(index, place, actor, locale);
    return this.adminsOf(chat.id).then((admins) => this.directory.scope(index, place, admins.has(user.id) ? { ...actor, memberRoleIds: [TELEGRAM_CHAT_ADMINS] } : actor, locale));
  }

  /** A chat's administrators, cached; an empty set when Telegram cannot tell. */
  private adminsOf(chatId: number): Promise<ReadonlySet<number>> {
    const cached = this.admins.get(chatId);
    if (cached && Date.now() - cached.at < (this.options.adminsTtlMs ?? 5 * 60_000)) return cached.ids;
    const ids = this.telegram.getChatAdministrators(chatId).then(
      (members) => new Set(members.map((m) => m.user.id)),
      (error: unknown) => {
        this.log(`telegram: getChatAdministrators(${chatId}) failed: ${describeError(error)}`);
        this.admins.delete(chatId);
        return new Set<number>();
      },
    );
    this.admins.set(chatId, { at: Date.now(), ids });
    return ids;
  }

  /** Runs `body` in the scope's campaign as its actor, and replies with the result (a success or a localized refusal). */
  async run(scope: ChatScope, body: CommandBody, message: Message): Promise<CommandResult> {
    const command = inCampaign(body, scope.campaign.id);
    const result = await this.runner.execute(command, scope.actor);
    await this.reply(message, renderResult(result, command, scope.campaign, scope.locale));
    return result;
  }

  /** The engine's answer to `command`, without replying. */
  execute(scope: ChatScope, command: Command): Promise<CommandResult> {
    return this.runner.execute(command, scope.actor);
  }

  send(chatId: number | string, html: string, options: SendOptions = {}): Promise<void> {
    return sendHtml(this.telegram, chatId, html, options);
  }

  /** Replies to `message` in its chat (the first part quoting it, the keyboard under the last). */
  async reply(message: Message, rendered: RenderedMessage, options: Omit<SendOptions, 'replyTo'> = {}): Promise<void> {
    const chunks = splitTelegramHtml(toTelegramHtml(rendered));
    for (const [i, chunk] of chunks.entries()) {
      const last = i === chunks.length - 1;
      await this.send(message.chat.id, chunk, { ...(i === 0 ? { replyTo: message.message_id } : {}), ...(last ? options : {}) });
    }
  }

  /** Replies with one trusted sentence. */
  replyText(message: Message, text: string, options: Omit<SendOptions, 'replyTo'> = {}): Promise<void> {
    return this.reply(message, { parts: [text] }, options);
  }

  /** Asks a person for a text, mentioning them so that Telegram opens the reply box for them only. */
  async prompt(chatId: number, user: User, locale: Locale, key: Extract<MessageKey, 'telegram.propose.write' | 'telegram.edit.write'>, params: Readonly<Record<string, string>>, replyTo?: number): Promise<void> {
    const html = messageTokens(locale, key).map((token) => {
      if (typeof token === 'string') return toTelegramHtml({ parts: [token] });
      if (token.placeholder === 'name') return `<a href="tg://user?id=${user.id}">${toTelegramHtml({ parts: [{ fan: displayName(user) }] })}</a>`;
      const value = params[token.placeholder] ?? '';
      return toTelegramHtml({ parts: [{ fan: token.within ? nestQuotes(value, token.within) : value }] });
    }).join('');
    await this.send(chatId, html, { forceReply: true, ...(replyTo !== undefined ? { replyTo } : {}) });
  }

  /** Forgets expired drafts and picks once there are many (people who never finished). */
  prune(): void {
    if (this.drafts.size + this.picks.size < 10_000) return;
    this.drafts.prune();
    this.picks.prune();
  }
}

/** The key of a person's draft in a chat. */
export function draftKey(chatId: number, userId: number): string {
  return `${chatId}:${userId}`;
}
