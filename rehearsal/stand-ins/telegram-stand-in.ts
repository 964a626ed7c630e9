/**
 * A local stand-in of the Telegram Bot API for end-to-end tests: telegraf talks to it over
 * HTTP exactly as it would to api.telegram.org (`POST /bot<token>/<method>`, JSON or multipart).
 *
 * What it does like the real one:
 * - long polling: `getUpdates` is held open until an update arrives or its `timeout` passes,
 *   updates below `offset` are confirmed and dropped, a newer `getUpdates` ends an older one (409);
 * - webhook: after `setWebhook`, updates are posted to the bot's webhook instead (getUpdates
 *   then answers 409), and a method in the webhook's response body is carried out;
 * - HTML parse mode: only Telegram's tags, `&lt; &gt; &amp; &quot;` escaping, else a 400;
 * - limits: text 1–4096 characters after parsing, `callback_data` 1–64 bytes, callback answers
 *   up to 200 characters, each callback query answered at most once;
 * - errors as `{ ok: false, error_code, description, parameters? }` (429 with `retry_after`).
 *
 * Every call is recorded (`calls`), with the parsed text of every message, so that tests assert
 * on what a Telegram user would have seen rather than on internal calls.
 */
import { EventEmitter } from 'node:events';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTelegramHtml, type ParsedEntity } from './telegram-html';

export interface FakeUser {
  readonly id: number;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
  readonly language_code?: string;
  readonly is_bot: false;
}

export interface FakeChat {
  readonly id: number;
  readonly type: 'private' | 'group' | 'supergroup';
  readonly title?: string;
}

export interface InlineButton { readonly text: string; readonly callback_data?: string; readonly url?: string }

/** A message the bot sent, as a chat member sees it. */
export interface BotMessage {
  readonly message_id: number;
  readonly chat: FakeChat;
  /** What the bot sent (HTML when `parse_mode` is HTML). */
  source: string;
  /** The text as displayed: tags removed, entities decoded. */
  text: string;
  entities: readonly ParsedEntity[];
  keyboard: readonly (readonly InlineButton[])[];
  readonly replyTo?: number;
  /** For documents: the file name and content. */
  readonly document?: { readonly filename: string; readonly content: string };
  /** For photos: the uploaded file's name and bytes. */
  readonly photo?: { readonly filename: string; readonly bytes: Buffer };
}

export interface RecordedCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** The answer: `result` on success, `error_code`/`description` on failure. */
  readonly ok: boolean;
  readonly error_code?: number;
  readonly description?: string;
  readonly result?: unknown;
  readonly at: number;
  /** The bot made this call in its answer to a webhook post (no request of its own). */
  readonly viaWebhook?: true;
}

/** An answer given to a button press, as the user sees it (a toast or an alert). */
export interface CallbackAnswer { readonly text: string; readonly show_alert: boolean }

class ApiError extends Error {
  constructor(readonly code: number, readonly description: string, readonly parameters?: Record<string, unknown>) {
    super(description);
  }
}

interface Waiter { readonly offset: number; readonly limit: number; readonly respond: (updates: unknown[] | ApiError) => void }

const TEXT_MAX = 4096;
const CALLBACK_DATA_MAX_BYTES = 64;
const CALLBACK_ANSWER_MAX = 200;

export interface FakeBotApiOptions {
  readonly token?: string;
  readonly botId?: number;
  readonly username?: string;
  /** Keep every call in `calls` (default true; a rehearsal of 100,000 fans turns it off). */
  readonly record?: boolean;
}

export class FakeBotApi {
  readonly token: string;
  readonly bot: { readonly id: number; readonly is_bot: true; readonly first_name: string; readonly username: string };
  /** Every call, in arrival order. */
  readonly calls: RecordedCall[] = [];
  /** Every message the bot sent, by message id; edits update them in place. */
  readonly messages = new Map<number, BotMessage>();
  /** The answer to each callback query id, once answered. */
  readonly answers = new Map<string, CallbackAnswer>();

  private readonly events = new EventEmitter();
  private readonly chats = new Map<number, FakeChat>();
  private readonly admins = new Map<number, FakeUser[]>();
  private readonly pending: { update_id: number; [key: string]: unknown }[] = [];
  private readonly failures: { method: string; error: ApiError }[] = [];
  private waiter: Waiter | undefined;
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private nextQueryId = 1;
  private readonly queries = new Set<string>();
  private readonly recording: boolean;
  private webhook: Webhook | undefined;
  /** Updates of `pending` being posted to the webhook (by update_id). */
  private readonly posting = new Set<number>();

  /** Called with each callback query id when the bot answers it. */
  onAnswer(listener: (queryId: string, answer: CallbackAnswer) => void): void {
    this.events.on('answer', listener);
  }

  offAnswer(listener: (queryId: string, answer: CallbackAnswer) => void): void {
    this.events.off('answer', listener);
  }

  private constructor(private readonly server: Server, options: FakeBotApiOptions) {
    this.token = options.token ?? '123456:TEST-token';
    this.recording = options.record ?? true;
    this.bot = { id: options.botId ?? 777000, is_bot: true, first_name: 'cocreate', username: options.username ?? 'cocreate_test_bot' };
    this.events.setMaxListeners(100);
  }

  /** Starts the fake on 127.0.0.1 with a free port. */
  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    let fake: FakeBotApi | undefined;
    const server = createServer((req, res) => { void fake!.handle(req, res); });
    fake = new FakeBotApi(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The value for `TELEGRAM_API_ROOT`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.deleteWebhook();
    this.waiter?.respond([]);
    this.waiter = undefined;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ------------------------------------------------------------------ the test's side

  user(id: number, first_name: string, extra: { last_name?: string; username?: string; language_code?: string } = {}): FakeUser {
    return { id, first_name, is_bot: false, ...extra };
  }

  group(id: number, title: string, admins: readonly FakeUser[] = []): FakeChat {
    const chat: FakeChat = { id, type: 'supergroup', title };
    this.chats.set(id, chat);
    this.admins.set(id, [...admins]);
    return chat;
  }

  /** A user writes in a chat; a leading `/command` carries its `bot_command` entity. Returns the message. */
  say(from: FakeUser, chat: FakeChat, text: string, options: { replyTo?: BotMessage; replyToUser?: Record<string, unknown> } = {}): Record<string, unknown> {
    this.chats.set(chat.id, chat);
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const message = {
      message_id: this.nextMessageId++,
      from,
      chat,
      date: Math.floor(Date.now() / 1000),
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      ...(options.replyTo ? { reply_to_message: this.asTelegramMessage(options.replyTo) } : {}),
      // A reply to another user's message (as `say` returned it).
      ...(options.replyToUser ? { reply_to_message: options.replyToUser } : {}),
    };
    this.push({ message });
    return message;
  }

  /** A user presses an inline button of a bot message; returns the callback query id. */
  press(from: FakeUser, message: BotMessage, data: string): string {
    const id = String(this.nextQueryId++);
    this.queries.add(id);
    this.push({
      callback_query: {
        id, from, chat_instance: `ci-${message.chat.id}`, data,
        message: this.asTelegramMessage(message),
      },
    });
    return id;
  }

  /** The private chat of a user (as Telegram: its id is the user's id). */
  privateChat(user: FakeUser): FakeChat {
    const chat: FakeChat = { id: user.id, type: 'private' };
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** The next call answered with this error instead (e.g. a 429 with `retry_after`). */
  failNext(method: string, code: number, description: string, parameters?: Record<string, unknown>): void {
    this.failures.push({ method, error: new ApiError(code, description, parameters) });
  }

  /** Bot messages in a chat, oldest first. */
  messagesIn(chat: FakeChat): BotMessage[] {
    return [...this.messages.values()].filter((m) => m.chat.id === chat.id);
  }

  /** Resolves with the first bot message (present or future) in `chat` that matches; rejects after `timeoutMs`. */
  waitForMessage(chat: FakeChat, match: (m: BotMessage) => boolean, timeoutMs = 10_000): Promise<BotMessage> {
    return this.waitUntil(() => this.messagesIn(chat).find(match), `a message in chat ${chat.id}`, timeoutMs);
  }

  /** Resolves with the answer to a callback query once the bot gave it. */
  waitForAnswer(queryId: string, timeoutMs = 10_000): Promise<CallbackAnswer> {
    return this.waitUntil(() => this.answers.get(queryId), `the answer to callback query ${queryId}`, timeoutMs);
  }

  /** Resolves with the first recorded call that matches. */
  waitForCall(match: (call: RecordedCall) => boolean, timeoutMs = 10_000): Promise<RecordedCall> {
    return this.waitUntil(() => this.calls.find(match), 'a matching call', timeoutMs);
  }

  /** Resolves once `probe` returns something other than undefined (checked after every call, and every 20 ms). */
  waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = probe();
        if (found === undefined) return false;
        clearTimeout(timer);
        clearInterval(ticker);
        this.events.off('call', onCall);
        resolve(found);
        return true;
      };
      const onCall = (): void => { check(); };
      const ticker = setInterval(onCall, 20);
      const timer = setTimeout(() => {
        clearInterval(ticker);
        this.events.off('call', onCall);
        reject(new Error(`fake Bot API: timed out after ${timeoutMs} ms waiting for ${what}; last calls: ${JSON.stringify(this.calls.slice(-5).map((c) => [c.method, c.ok, c.description ?? '']))}`));
      }, timeoutMs);
      this.events.on('call', onCall);
      check();
    });
  }

  /** Updates not yet confirmed by the bot (offset not yet past them). */
  get unconfirmedUpdates(): number {
    return this.pending.length;
  }

  // ------------------------------------------------------------------ the bot's side

  private push(body: Record<string, unknown>): void {
    this.pending.push({ update_id: this.nextUpdateId++, ...body });
    if (this.webhook) {
      this.pumpWebhook();
      return;
    }
    const waiter = this.waiter;
    if (waiter) {
      const ready = this.available(waiter.offset, waiter.limit);
      if (ready.length > 0) {
        this.waiter = undefined;
        waiter.respond(ready);
      }
    }
  }

  private available(offset: number, limit: number): unknown[] {
    // Telegram confirms every update below offset.
    let confirmed = 0;
    while (confirmed < this.pending.length && offset > 0 && this.pending[confirmed]!.update_id < offset) confirmed++;
    if (confirmed > 0) this.pending.splice(0, confirmed);
    return this.pending.slice(0, Math.max(1, Math.min(100, limit)));
  }

  private asTelegramMessage(m: BotMessage): Record<string, unknown> {
    return {
      message_id: m.message_id, from: this.bot, chat: m.chat, date: Math.floor(Date.now() / 1000), text: m.text,
      ...(m.entities.length ? { entities: m.entities } : {}),
      ...(m.keyboard.length ? { reply_markup: { inline_keyboard: m.keyboard } } : {}),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
    const raw = await readBody(req);
    if (!match || req.method !== 'POST') return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    let params: Record<string, unknown>;
    try {
      params = await parseParams(req.headers['content-type'] ?? '', raw);
    } catch {
      return send(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    const at = Date.now();
    const record = (call: Omit<RecordedCall, 'method' | 'params' | 'at'>): void => {
      if (this.recording) this.calls.push({ method, params, at, ...call });
      this.events.emit('call');
    };
    if (token !== this.token) {
      record({ ok: false, error_code: 401, description: 'Unauthorized' });
      return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    try {
      const failure = this.failures.findIndex((f) => f.method === method);
      if (failure >= 0) {
        throw this.failures.splice(failure, 1)[0]!.error;
      }
      const result = method === 'getUpdates' ? await this.getUpdates(params, req, res) : this.call(method, params);
      if (result === CLOSED) return;
      record({ ok: true, result });
      send(res, 200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      record({ ok: false, error_code: error.code, description: error.description });
      send(res, error.code, {
        ok: false, error_code: error.code, description: error.description,
        ...(error.parameters ? { parameters: error.parameters } : {}),
      });
    }
  }

  // ------------------------------------------------------------------ webhook

  /**
   * setWebhook: updates are then posted to `url`, one per request, up to `max_connections` at
   * once (40 by default, as Telegram), with the `X-Telegram-Bot-Api-Secret-Token` header. A
   * method in the response body (`{ "method": "answerCallbackQuery", … }`) is carried out, as
   * Telegram does. An update whose post fails is posted again a second later. TLS is a proxy's
   * job in front of a bot: an https URL on a loopback host is posted to in plain HTTP; another
   * host is registered but never reached (this stand-in has no network).
   */
  private setWebhook(p: Record<string, unknown>): true {
    const url = new URL(String(p.url ?? ''));
    if (url.protocol !== 'https:') throw new ApiError(400, 'Bad Request: bad webhook: HTTPS url must be provided for webhook');
    const maxConnections = Number(p.max_connections ?? 40);
    this.webhook?.agent.destroy();
    this.webhook = {
      url: ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) ? new URL(`http://${url.host}${url.pathname}${url.search}`) : null,
      secret: typeof p.secret_token === 'string' ? p.secret_token : undefined,
      maxConnections,
      agent: new Agent({ keepAlive: true, maxSockets: maxConnections }),
    };
    if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.pending.length = 0;
    this.pumpWebhook();
    return true;
  }

  private deleteWebhook(): true {
    this.webhook?.agent.destroy();
    this.webhook = undefined;
    this.posting.clear();
    return true;
  }

  /** Posts the next pending updates to the webhook, as many as it takes at once. */
  private pumpWebhook(): void {
    const webhook = this.webhook;
    if (!webhook?.url) return;
    for (const update of this.pending) {
      if (this.posting.size >= webhook.maxConnections) return;
      if (this.posting.has(update.update_id)) continue;
      this.posting.add(update.update_id);
      this.postUpdate(webhook as Webhook & { url: URL }, update);
    }
  }

  private postUpdate(webhook: Webhook & { url: URL }, update: { update_id: number }): void {
    const body = JSON.stringify(update);
    const done = (ok: boolean): void => {
      if (this.webhook !== webhook) return;
      this.posting.delete(update.update_id);
      if (ok) {
        const at = this.pending.indexOf(update as never);
        if (at >= 0) this.pending.splice(at, 1);
        this.pumpWebhook();
      } else {
        setTimeout(() => this.pumpWebhook(), 1_000).unref();
      }
    };
    const req = request(webhook.url, {
      method: 'POST', agent: webhook.agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(webhook.secret ? { 'x-telegram-bot-api-secret-token': webhook.secret } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const ok = (res.statusCode ?? 500) >= 200 && (res.statusCode ?? 500) < 300;
        if (ok) this.webhookReply(Buffer.concat(chunks).toString('utf8'));
        done(ok);
      });
      res.on('error', () => done(false));
    });
    req.on('error', () => done(false));
    req.end(body);
  }

  /** A method the bot answered in the webhook's response body. */
  private webhookReply(text: string): void {
    if (text.trim() === '') return;
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return; // Telegram ignores a body that is not a method call
    }
    const { method, ...params } = reply;
    if (typeof method !== 'string') return;
    const at = Date.now();
    try {
      const result = this.call(method, params);
      if (this.recording) this.calls.push({ method, params, at, ok: true, result, viaWebhook: true });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (this.recording) this.calls.push({ method, params, at, ok: false, error_code: error.code, description: error.description, viaWebhook: true });
    }
    this.events.emit('call');
  }

  private getUpdates(params: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<unknown[] | typeof CLOSED> {
    if (this.webhook) return Promise.reject(new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"));
    const offset = Number(params.offset ?? 0);
    const limit = Number(params.limit ?? 100);
    const timeout = Math.min(Number(params.timeout ?? 0), 50);
    const ready = this.available(offset, limit);
    if (ready.length > 0 || timeout <= 0) return Promise.resolve(ready);
    // A newer getUpdates ends the one held open, as on Telegram.
    this.waiter?.respond(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (value: unknown[] | ApiError | typeof CLOSED): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (this.waiter === waiter) this.waiter = undefined;
        if (value instanceof ApiError) reject(value);
        else resolve(value);
      };
      const waiter: Waiter = { offset, limit, respond: finish };
      const timer = setTimeout(() => finish([]), timeout * 1000);
      // The client gave up (telegraf's stop() aborts the request): nothing to answer.
      res.on('close', () => { if (!res.writableEnded) finish(CLOSED); });
      void req;
      this.waiter = waiter;
    });
  }

  private call(method: string, p: Record<string, unknown>): unknown {
    switch (method) {
      case 'getMe': return { ...this.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'setWebhook': return this.setWebhook(p);
      case 'deleteWebhook': return this.deleteWebhook();
      case 'close': case 'logOut': return true;
      case 'setMyCommands': return this.setMyCommands(p);
      case 'deleteMyCommands': return true;
      case 'getChat': return this.chatOf(p.chat_id);
      case 'getChatAdministrators': {
        const chat = this.chatOf(p.chat_id);
        return (this.admins.get(chat.id) ?? []).map((user) => ({ status: 'administrator', user, can_manage_chat: true }));
      }
      case 'sendMessage': return this.sendMessage(p);
      case 'editMessageText': return this.editMessageText(p);
      case 'editMessageReplyMarkup': return this.editMessageReplyMarkup(p);
      case 'deleteMessage': {
        this.messages.delete(Number(p.message_id));
        return true;
      }
      case 'answerCallbackQuery': return this.answerCallbackQuery(p);
      case 'sendDocument': return this.sendDocument(p);
      case 'sendPhoto': return this.sendPhoto(p);
      case 'sendChatAction': return true;
      default: throw new ApiError(404, 'Not Found: method not found');
    }
  }

  private chatOf(id: unknown): FakeChat {
    const chat = this.chats.get(Number(id));
    if (!chat) throw new ApiError(400, 'Bad Request: chat not found');
    return chat;
  }

  private setMyCommands(p: Record<string, unknown>): true {
    const commands = p.commands;
    if (!Array.isArray(commands) || commands.length > 100) throw new ApiError(400, 'Bad Request: commands must be an array of at most 100');
    for (const c of commands as { command?: unknown; description?: unknown }[]) {
      if (typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) throw new ApiError(400, 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
    }
    return true;
  }

  private formatted(p: Record<string, unknown>, field: string): { source: string; text: string; entities: readonly ParsedEntity[] } {
    const source = p[field];
    if (typeof source !== 'string') throw new ApiError(400, `Bad Request: ${field} is required`);
    let text = source;
    let entities: readonly ParsedEntity[] = [];
    if (p.parse_mode === 'HTML') {
      const parsed = parseTelegramHtml(source);
      if (!parsed.ok) throw new ApiError(400, parsed.description);
      ({ text, entities } = parsed);
    } else if (p.parse_mode !== undefined) {
      throw new ApiError(400, `Bad Request: unsupported parse_mode in this fake: ${String(p.parse_mode)}`);
    }
    if (text.trim() === '') throw new ApiError(400, 'Bad Request: message text is empty');
    if (text.length > TEXT_MAX) throw new ApiError(400, 'Bad Request: message is too long');
    return { source, text, entities };
  }

  private keyboardOf(p: Record<string, unknown>): readonly (readonly InlineButton[])[] {
    const markup = p.reply_markup as { inline_keyboard?: unknown } | undefined;
    if (!markup || markup.inline_keyboard === undefined) return [];
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows)) throw new ApiError(400, 'Bad Request: inline keyboard must be an array of arrays');
    for (const row of rows) {
      if (!Array.isArray(row)) throw new ApiError(400, 'Bad Request: inline keyboard must be an array of arrays');
      for (const b of row as InlineButton[]) {
        if (typeof b.text !== 'string' || b.text.trim() === '') throw new ApiError(400, 'Bad Request: text buttons are unallowed in the inline keyboard');
        if (b.callback_data !== undefined) {
          const bytes = Buffer.byteLength(String(b.callback_data), 'utf8');
          if (bytes < 1 || bytes > CALLBACK_DATA_MAX_BYTES) throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
        } else if (b.url === undefined) {
          throw new ApiError(400, 'Bad Request: can\'t parse inline keyboard button: Text buttons are unallowed in the inline keyboard');
        }
      }
    }
    return rows as InlineButton[][];
  }

  private sendMessage(p: Record<string, unknown>): unknown {
    const chat = this.chatOf(p.chat_id);
    const formatted = this.formatted(p, 'text');
    const keyboard = this.keyboardOf(p);
    const reply = (p.reply_parameters as { message_id?: number } | undefined)?.message_id ?? (p.reply_to_message_id as number | undefined);
    const message: BotMessage = { message_id: this.nextMessageId++, chat, ...formatted, keyboard, ...(reply ? { replyTo: reply } : {}) };
    this.messages.set(message.message_id, message);
    return this.asTelegramMessage(message);
  }

  private existing(p: Record<string, unknown>): BotMessage {
    const chat = this.chatOf(p.chat_id);
    const message = this.messages.get(Number(p.message_id));
    if (!message || message.chat.id !== chat.id) throw new ApiError(400, 'Bad Request: message to edit not found');
    return message;
  }

  private editMessageText(p: Record<string, unknown>): unknown {
    const message = this.existing(p);
    const formatted = this.formatted(p, 'text');
    const keyboard = this.keyboardOf(p);
    if (formatted.source === message.source && JSON.stringify(keyboard) === JSON.stringify(message.keyboard)) {
      throw new ApiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    }
    Object.assign(message, formatted, { keyboard });
    return this.asTelegramMessage(message);
  }

  private editMessageReplyMarkup(p: Record<string, unknown>): unknown {
    const message = this.existing(p);
    message.keyboard = this.keyboardOf(p);
    return this.asTelegramMessage(message);
  }

  private answerCallbackQuery(p: Record<string, unknown>): true {
    const id = String(p.callback_query_id);
    if (!this.queries.has(id)) throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.length > CALLBACK_ANSWER_MAX) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
    this.queries.delete(id);
    const answer = { text, show_alert: p.show_alert === true || p.show_alert === 'true' };
    if (this.recording) this.answers.set(id, answer);
    this.events.emit('answer', id, answer);
    return true;
  }

  /** A photo uploaded as a multipart file (a file_id or URL string is not supported by this fake). */
  private sendPhoto(p: Record<string, unknown>): unknown {
    const chat = this.chatOf(p.chat_id);
    const photo = p.photo as { filename: string; bytes: Buffer } | undefined;
    if (!photo || typeof photo !== 'object' || !Buffer.isBuffer(photo.bytes)) throw new ApiError(400, 'Bad Request: there is no photo in the request');
    if (photo.bytes.length > 10 * 1024 * 1024) throw new ApiError(400, 'Bad Request: PHOTO_INVALID_DIMENSIONS');
    if (typeof p.caption === 'string' && [...p.caption].length > 1024) throw new ApiError(400, 'Bad Request: message caption is too long');
    const caption = typeof p.caption === 'string' ? this.formatted(p, 'caption') : { source: '', text: '', entities: [] };
    const message: BotMessage = { message_id: this.nextMessageId++, chat, ...caption, keyboard: [], photo: { filename: photo.filename, bytes: photo.bytes } };
    this.messages.set(message.message_id, message);
    return { ...this.asTelegramMessage(message), photo: [{ file_id: `photo-${message.message_id}`, file_unique_id: `p${message.message_id}`, width: 1200, height: 600, file_size: photo.bytes.length }] };
  }

  private sendDocument(p: Record<string, unknown>): unknown {
    const chat = this.chatOf(p.chat_id);
    const doc = p.document as { filename: string; content: string } | undefined;
    if (!doc || typeof doc !== 'object') throw new ApiError(400, 'Bad Request: there is no document in the request');
    const caption = typeof p.caption === 'string' ? this.formatted(p, 'caption') : { source: '', text: '', entities: [] };
    const message: BotMessage = { message_id: this.nextMessageId++, chat, ...caption, keyboard: [], document: doc };
    this.messages.set(message.message_id, message);
    return { ...this.asTelegramMessage(message), document: { file_id: `file-${message.message_id}`, file_unique_id: `u${message.message_id}`, file_name: doc.filename } };
  }
}

const CLOSED = Symbol('closed');

interface Webhook {
  /** Where updates are posted; null for a host the stand-in cannot reach. */
  readonly url: URL | null;
  readonly secret: string | undefined;
  readonly maxConnections: number;
  readonly agent: Agent;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** JSON, urlencoded or multipart (media uploads) parameters; JSON-encoded form fields decoded. */
async function parseParams(contentType: string, raw: Buffer): Promise<Record<string, unknown>> {
  if (raw.length === 0) return {};
  if (contentType.startsWith('application/json')) return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  if (contentType.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    const params: Record<string, unknown> = {};
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        params[name] = name === 'reply_markup' ? JSON.parse(value) : value;
      } else {
        const bytes = Buffer.from(await value.arrayBuffer());
        params[name] = { filename: value.name, content: bytes.toString('utf8'), bytes };
      }
    }
    // telegraf uploads the file under an attachment name and refers to it as attach://name.
    for (const [name, value] of Object.entries(params)) {
      if (typeof value === 'string' && value.startsWith('attach://')) params[name] = params[value.slice('attach://'.length)];
    }
    return params;
  }
  throw new Error(`unsupported content type ${contentType}`);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
