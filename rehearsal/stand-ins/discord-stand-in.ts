/**
 * A local stand-in for Discord, enough for the real discord.js 14 to run against it: the REST
 * API under `/api/v10` and the gateway (plain JSON frames) on the same port. It enforces the
 * real limits a bot can trip over (content 2000, custom_id 100, 5 buttons a row, 5 rows,
 * 25 select options, modal shapes, command shapes, interaction acknowledged once and within
 * 3 s, privileged intents) and records every request, so that tests assert on what Discord
 * would have received. Test-side helpers play the members: slash commands, autocomplete,
 * button clicks, select menus and modal submits, dispatched as INTERACTION_CREATE.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly channels: readonly { readonly id: string; readonly name: string }[];
  readonly roles: readonly { readonly id: string; readonly name: string }[];
  /** Channels where the bot lacks Send Messages: posting there answers 403 / 50013. */
  readonly denied?: readonly string[];
}

export interface FakeDiscordOptions {
  readonly token: string;
  readonly applicationId: string;
  readonly guilds: readonly FakeGuild[];
  /** Privileged intents enabled for the application in the developer portal (bit mask). */
  readonly privilegedIntents?: number;
  /** Messages per channel per window before a 429 (off when absent). */
  readonly channelRateLimit?: { readonly limit: number; readonly windowMs: number };
  /** Keep every request in `requests` (default true; a rehearsal of 100,000 fans turns it off). */
  readonly record?: boolean;
}

export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly nick?: string;
  readonly roles?: readonly string[];
  readonly locale?: string;
}

export interface RecordedRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
  readonly body: Json;
  readonly files: readonly string[];
  /** The uploaded files with their bytes (multipart requests). */
  readonly uploads: readonly Upload[];
  status: number;
  answer?: Json;
}

export interface PostedMessage {
  readonly id: string;
  readonly channelId: string;
  readonly content: string;
  readonly components: Json[];
  readonly allowedMentions: Json;
  readonly flags: number;
  readonly raw: Json;
  readonly at: number;
  /** Files uploaded with the message (multipart), with their bytes. */
  readonly attachments: readonly Upload[];
}

export interface Upload {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly type: number;
  readonly payload: Json;
  readonly sentAt: number;
  /** Each answer to the interaction itself (one is allowed), with the names of the files it carried. */
  readonly callbacks: { type: number; data: Json; at: number; files?: readonly string[] }[];
  readonly edits: Json[];
  readonly followups: Json[];
  /** The message the interaction's answer lives in (ephemeral reply or updated message). */
  message?: PostedMessage | undefined;
  modal?: Json;
  choices?: Json[];
}

const API = '/api/v10';
const PRIVILEGED = (1 << 1) | (1 << 8) | (1 << 15);
const ALL_INTENTS = (1 << 26) - 1;
const LOCALES = new Set(['id', 'da', 'de', 'en-GB', 'en-US', 'es-ES', 'es-419', 'fr', 'hr', 'it', 'lt', 'hu', 'nl', 'no', 'pl', 'pt-BR', 'ro', 'fi', 'sv-SE', 'vi', 'tr', 'cs', 'el', 'bg', 'ru', 'uk', 'hi', 'th', 'zh-CN', 'ja', 'zh-TW', 'ko']);
const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflake = 0n;
/** A new id, as Discord makes them: its creation time in the high bits (bots read it, e.g. an interaction's age). */
function nextId(): string {
  const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  snowflake = now > snowflake ? now : snowflake + 1n;
  return snowflake.toString();
}

class FormError extends Error {}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new FormError(message);
}

/** Message components as Discord validates them. */
export function validateComponents(rows: Json, where = 'components'): void {
  if (rows === undefined || rows === null) return;
  check(Array.isArray(rows), `${where}: expected an array`);
  check(rows.length <= 5, `${where}: at most 5 action rows, got ${rows.length}`);
  const ids = new Set<string>();
  rows.forEach((row: Json, r: number) => {
    check(row?.type === 1, `${where}[${r}]: expected an action row (type 1)`);
    const children: Json[] = row.components ?? [];
    check(children.length >= 1 && children.length <= 5, `${where}[${r}]: 1 to 5 components per row, got ${children.length}`);
    const selects = children.filter((c) => c.type !== 2);
    check(selects.length === 0 || children.length === 1, `${where}[${r}]: a select menu must be alone in its row`);
    for (const c of children) {
      if (c.style !== 5) {
        check(typeof c.custom_id === 'string' && c.custom_id.length >= 1 && c.custom_id.length <= 100, `${where}[${r}]: custom_id must be 1 to 100 characters (${String(c.custom_id).length})`);
        check(!ids.has(c.custom_id), `${where}: duplicate custom_id ${c.custom_id}`);
        ids.add(c.custom_id);
      }
      if (c.type === 2) {
        check(c.label === undefined || (typeof c.label === 'string' && c.label.length <= 80), `${where}[${r}]: button label at most 80 characters`);
        check([1, 2, 3, 4, 5].includes(c.style), `${where}[${r}]: invalid button style`);
      } else if (c.type === 3) {
        const options: Json[] = c.options ?? [];
        check(options.length >= 1 && options.length <= 25, `${where}[${r}]: a select menu has 1 to 25 options, got ${options.length}`);
        for (const o of options) check(typeof o.label === 'string' && o.label.length >= 1 && o.label.length <= 100 && typeof o.value === 'string' && o.value.length <= 100, `${where}[${r}]: option label/value at most 100 characters`);
        const min = c.min_values ?? 1;
        const max = c.max_values ?? 1;
        check(min >= 0 && min <= 25 && max >= 1 && max <= 25 && min <= max && max <= options.length, `${where}[${r}]: invalid min_values/max_values`);
        check(c.placeholder === undefined || c.placeholder.length <= 150, `${where}[${r}]: placeholder at most 150 characters`);
      } else {
        throw new FormError(`${where}[${r}]: component type ${c.type} not allowed in a message here`);
      }
    }
  });
}

/** A message body (channel post, interaction reply or edit). */
export function validateMessage(body: Json): void {
  check(body && typeof body === 'object', 'expected a JSON object');
  if (body.content !== undefined && body.content !== null) {
    check(typeof body.content === 'string', 'content: expected a string');
    check(body.content.length <= 2000, `content: must be 2000 or fewer in length (${body.content.length})`);
  }
  validateComponents(body.components);
  if (body.allowed_mentions !== undefined) {
    const parse = body.allowed_mentions.parse;
    check(parse === undefined || (Array.isArray(parse) && parse.every((p: string) => ['roles', 'users', 'everyone'].includes(p))), 'allowed_mentions.parse: invalid');
  }
}

export function validateModal(data: Json): void {
  check(typeof data?.custom_id === 'string' && data.custom_id.length >= 1 && data.custom_id.length <= 100, 'modal custom_id must be 1 to 100 characters');
  check(typeof data.title === 'string' && data.title.length >= 1 && data.title.length <= 45, `modal title must be 1 to 45 characters (${String(data.title).length})`);
  const components: Json[] = data.components ?? [];
  check(components.length >= 1 && components.length <= 5, 'a modal has 1 to 5 components');
  for (const c of components) {
    const inner = c.type === 18 ? c.component : c.type === 1 ? c.components?.[0] : undefined;
    check(inner, `modal component of type ${c.type} not supported`);
    if (c.type === 18) {
      check(typeof c.label === 'string' && c.label.length >= 1 && c.label.length <= 45, 'label must be 1 to 45 characters');
      check(c.description === undefined || c.description.length <= 100, 'label description at most 100 characters');
    }
    check(typeof inner.custom_id === 'string' && inner.custom_id.length <= 100, 'modal field custom_id at most 100 characters');
    if (inner.type === 4) {
      const min = inner.min_length ?? 0;
      const max = inner.max_length ?? 4000;
      check(min >= 0 && max >= 1 && max <= 4000 && min <= max, 'text input min_length/max_length invalid');
    } else {
      check(inner.type === 3 && c.type === 18, 'a select menu in a modal must be inside a label');
      check(inner.options?.length >= 1 && inner.options.length <= 25, 'a select menu has 1 to 25 options');
    }
  }
}

function validateLocalized(object: Json, where: string): void {
  check(typeof object.name === 'string' && NAME.test(object.name) && object.name === object.name.toLowerCase(), `${where}: invalid name ${object.name}`);
  check(typeof object.description === 'string' && object.description.length >= 1 && object.description.length <= 100, `${where}: description must be 1 to 100 characters`);
  for (const [locale, name] of Object.entries(object.name_localizations ?? {})) {
    check(LOCALES.has(locale), `${where}: unknown locale ${locale}`);
    check(typeof name === 'string' && NAME.test(name) && name === name.toLowerCase(), `${where}: invalid localized name ${String(name)}`);
  }
  for (const [locale, text] of Object.entries(object.description_localizations ?? {})) {
    check(LOCALES.has(locale), `${where}: unknown locale ${locale}`);
    check(typeof text === 'string' && text.length >= 1 && text.length <= 100, `${where}: localized description must be 1 to 100 characters`);
  }
}

export function validateCommands(commands: Json): void {
  check(Array.isArray(commands) && commands.length <= 100, 'expected an array of at most 100 commands');
  const names = new Set<string>();
  commands.forEach((command: Json, i: number) => {
    validateLocalized(command, `commands[${i}]`);
    check(!names.has(command.name), `commands[${i}]: duplicate name`);
    names.add(command.name);
    validateOptions(command.options ?? [], `commands[${i}]`);
  });
}

function validateOptions(options: Json[], where: string): void {
  check(options.length <= 25, `${where}: at most 25 options`);
  let optionalSeen = false;
  options.forEach((option, i) => {
    validateLocalized(option, `${where}.options[${i}]`);
    if (option.type === 1 || option.type === 2) {
      validateOptions(option.options ?? [], `${where}.options[${i}]`);
      return;
    }
    if (option.required) check(!optionalSeen, `${where}.options[${i}]: required options must come before optional ones`);
    else optionalSeen = true;
    check(!(option.autocomplete && option.choices?.length), `${where}.options[${i}]: autocomplete and choices are exclusive`);
  });
}

async function readBody(req: IncomingMessage): Promise<{ json: Json; files: string[]; uploads: Upload[]; contents?: Record<string, string> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { json: undefined, files: [], uploads: [] };
  const type = req.headers['content-type'] ?? '';
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.startsWith('multipart/form-data') && boundary) {
    const text = raw.toString('latin1');
    let json: Json;
    const files: string[] = [];
    const uploads: Upload[] = [];
    const contents: Record<string, string> = {};
    for (const part of text.split(`--${boundary[1] ?? boundary[2]}`)) {
      const [head = '', ...rest] = part.split('\r\n\r\n');
      const body = rest.join('\r\n\r\n').replace(/\r\n$/, '');
      const name = /name="([^"]+)"/.exec(head)?.[1];
      const filename = /filename="([^"]+)"/.exec(head)?.[1];
      if (name === 'payload_json') json = JSON.parse(Buffer.from(body, 'latin1').toString('utf8'));
      else if (filename) {
        files.push(filename);
        const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? 'application/octet-stream';
        uploads.push({ filename, contentType, data: Buffer.from(body, 'latin1') });
        contents[filename] = Buffer.from(body, 'latin1').toString('utf8');
      }
    }
    return { json, files, uploads, contents };
  }
  return { json: JSON.parse(raw.toString('utf8')), files: [], uploads: [] };
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  readonly messages: PostedMessage[] = [];
  readonly identifies: Json[] = [];
  readonly interactions = new Map<string, InteractionRecord>();
  /** Registered commands per scope: `global` or a guild id. */
  readonly commands = new Map<string, Json[]>();
  readonly botUser = { id: '1300000000000000001', username: 'cocreate', discriminator: '0', global_name: 'cocreate', avatar: null, bot: true, flags: 0 };
  rateLimited = 0;
  /** The last content uploaded under each attachment file name (UTF-8). */
  readonly attachments = new Map<string, string>();
  /** Emits `answered` (record) when the bot acknowledges an interaction or edits its reply. */
  readonly events = new EventEmitter();
  private readonly byToken = new Map<string, InteractionRecord>();

  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private readonly ready = new Set<WebSocket>();
  private seq = 0;
  private port = 0;
  private readonly postTimes = new Map<string, number[]>();

  constructor(readonly options: FakeDiscordOptions) {}

  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => { void this.route(req, res); });
    server.on('upgrade', (req, socket, head) => {
      if (!(req.url ?? '').startsWith('/gateway')) { socket.destroy(); return; }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, req));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops an interaction the caller is done with (memory, in long rehearsals). */
  forget(record: InteractionRecord): void {
    this.interactions.delete(record.id);
    this.byToken.delete(record.token);
  }

  /** Whether a bot session is identified and ready. */
  get connected(): boolean {
    return this.ready.size > 0;
  }

  /** Messages posted in a channel (not interaction replies). */
  channelMessages(channelId: string): PostedMessage[] {
    return this.messages.filter((m) => m.channelId === channelId);
  }

  // ---------------------------------------------------------------------- gateway

  private onSocket(ws: WebSocket, req: IncomingMessage): void {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    if (query.get('v') !== '10' || query.get('encoding') !== 'json') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    this.sockets.add(ws);
    ws.on('close', () => { this.sockets.delete(ws); this.ready.delete(ws); });
    ws.on('message', (data) => this.onFrame(ws, data.toString()));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
  }

  private onFrame(ws: WebSocket, text: string): void {
    let frame: Json;
    try {
      frame = JSON.parse(text);
    } catch {
      ws.close(4002, 'Decode error');
      return;
    }
    switch (frame.op) {
      case 1: ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null })); return;
      case 2: this.onIdentify(ws, frame.d); return;
      case 6: this.send(ws, 'RESUMED', {}); this.ready.add(ws); return;
      default: return;
    }
  }

  private onIdentify(ws: WebSocket, d: Json): void {
    this.identifies.push({ ...d, token: d?.token === this.options.token ? '(valid)' : '(invalid)', at: Date.now() });
    if (d?.token !== this.options.token) { ws.close(4004, 'Authentication failed'); return; }
    const intents = d.intents;
    if (!Number.isInteger(intents) || intents < 0 || (intents & ~ALL_INTENTS) !== 0) { ws.close(4013, 'Invalid intent(s)'); return; }
    if ((intents & PRIVILEGED & ~(this.options.privilegedIntents ?? 0)) !== 0) { ws.close(4014, 'Disallowed intent(s)'); return; }
    const url = `ws://127.0.0.1:${this.port}/gateway`;
    this.send(ws, 'READY', {
      v: 10, user: this.botUser, guilds: this.options.guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: randomBytes(8).toString('hex'), resume_gateway_url: url, shard: d.shard ?? [0, 1],
      application: { id: this.options.applicationId, flags: 0 },
    });
    for (const guild of this.options.guilds) {
      if ((intents & 1) === 0) continue; // GUILD_CREATE needs the Guilds intent
      this.send(ws, 'GUILD_CREATE', this.guildPayload(guild));
    }
    this.ready.add(ws);
  }

  private guildPayload(guild: FakeGuild): Json {
    return {
      id: guild.id, name: guild.name, icon: null, splash: null, discovery_splash: null, owner_id: '1300000000000000999',
      afk_channel_id: null, afk_timeout: 300, verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0,
      roles: [{ id: guild.id, name: '@everyone', color: 0, hoist: false, position: 0, permissions: '1024', managed: false, mentionable: false, flags: 0 },
        ...guild.roles.map((r, i) => ({ id: r.id, name: r.name, color: 0, hoist: false, position: i + 1, permissions: '0', managed: false, mentionable: true, flags: 0 }))],
      emojis: [], stickers: [], features: [], mfa_level: 0, application_id: null, system_channel_id: null, system_channel_flags: 0,
      rules_channel_id: null, vanity_url_code: null, description: null, banner: null, premium_tier: 0, preferred_locale: 'fr',
      public_updates_channel_id: null, nsfw_level: 0, premium_progress_bar_enabled: false,
      joined_at: new Date().toISOString(), large: false, unavailable: false, member_count: 60,
      members: [], voice_states: [], presences: [], threads: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
      channels: guild.channels.map((c, i) => ({ id: c.id, type: 0, guild_id: guild.id, name: c.name, position: i, permission_overwrites: [], nsfw: false, parent_id: null, topic: null, last_message_id: null, rate_limit_per_user: 0 })),
    };
  }

  private send(ws: WebSocket, t: string, d: Json): void {
    this.seq += 1;
    ws.send(JSON.stringify({ op: 0, t, d, s: this.seq }));
  }

  /** Sends a dispatch to every ready session. */
  dispatch(t: string, d: Json): void {
    for (const ws of this.ready) this.send(ws, t, d);
  }

  /** Asks the client to reconnect (op 7): discord.js resumes. */
  requestReconnect(): void {
    for (const ws of this.ready) ws.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
  }

  // ---------------------------------------------------------------------- REST

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const authorized = req.headers.authorization === `Bot ${this.options.token}`;
    let body: { json: Json; files: string[]; uploads: Upload[]; contents?: Record<string, string> };
    try {
      body = await readBody(req);
      for (const [name, content] of Object.entries(body.contents ?? {})) this.attachments.set(name, content);
    } catch {
      body = { json: undefined, files: [], uploads: [] };
    }
    const record: RecordedRequest = { at: Date.now(), method, path, authorized, body: body.json, files: body.files, uploads: body.uploads, status: 0 };
    if (this.options.record ?? true) this.requests.push(record);
    const reply = (status: number, answer?: Json, headers: Record<string, string> = {}) => {
      record.status = status;
      record.answer = answer;
      if (answer === undefined) {
        res.writeHead(status, headers).end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(answer));
      }
    };
    try {
      if (!path.startsWith(`${API}/`)) return reply(404, { message: '404: Not Found', code: 0 });
      const rest = path.slice(API.length);
      const parts = rest.split('/').filter(Boolean);
      const open = parts[0] === 'interactions' || parts[0] === 'webhooks';
      if (!open && !authorized) return reply(401, { message: '401: Unauthorized', code: 0 });
      const match = (pattern: string) => {
        const p = pattern.split('/').filter(Boolean);
        if (p.length !== parts.length) return null;
        const params: string[] = [];
        for (let i = 0; i < p.length; i++) {
          if (p[i] === '*') params.push(parts[i] ?? '');
          else if (p[i] !== parts[i]) return null;
        }
        return params;
      };
      let m: string[] | null;
      if (method === 'GET' && (match('gateway/bot') || match('gateway'))) {
        return reply(200, { url: `ws://127.0.0.1:${this.port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
      }
      if (method === 'GET' && match('users/@me')) return reply(200, this.botUser);
      if (method === 'GET' && match('applications/@me')) return reply(200, { id: this.options.applicationId, name: 'cocreate', flags: 0, bot: this.botUser });
      if ((m = match('applications/*/commands')) || (m = match('applications/*/guilds/*/commands'))) {
        if (m[0] !== this.options.applicationId) return reply(403, { message: 'Missing Access', code: 50001 });
        const scope = m[1] ?? 'global';
        if (method === 'GET') return reply(200, this.commands.get(scope) ?? []);
        if (method !== 'PUT') return reply(405, { message: '405: Method Not Allowed', code: 0 });
        if (m[1] && !this.options.guilds.some((g) => g.id === m![1])) return reply(403, { message: 'Missing Access', code: 50001 });
        validateCommands(body.json);
        const registered = (body.json as Json[]).map((c) => ({ ...c, id: nextId(), application_id: this.options.applicationId, version: nextId(), ...(m![1] ? { guild_id: m![1] } : {}) }));
        this.commands.set(scope, registered);
        return reply(200, registered);
      }
      if (method === 'POST' && (m = match('channels/*/messages'))) return this.postMessage(m[0] ?? '', body.json, reply, body.uploads);
      if (method === 'POST' && (m = match('interactions/*/*/callback'))) return this.callback(m[0] ?? '', m[1] ?? '', body.json, body.files, reply);
      if (method === 'PATCH' && (m = match('webhooks/*/*/messages/@original'))) return this.editOriginal(m[0] ?? '', m[1] ?? '', body.json, body.files, reply);
      if (method === 'POST' && (m = match('webhooks/*/*'))) return this.followUp(m[0] ?? '', m[1] ?? '', body.json, reply);
      return reply(404, { message: '404: Not Found', code: 0 });
    } catch (error) {
      if (error instanceof FormError) return reply(400, { message: 'Invalid Form Body', code: 50035, errors: { _errors: [{ code: 'BASE_TYPE_INVALID', message: error.message }] } });
      return reply(500, { message: `fake Discord crashed: ${(error as Error).message}`, code: 0 });
    }
  }

  private message(channelId: string, body: Json, flags = 0, uploads: readonly Upload[] = []): PostedMessage {
    const id = nextId();
    const raw = {
      id, channel_id: channelId, author: this.botUser, content: body?.content ?? '', embeds: body?.embeds ?? [],
      attachments: uploads.map((u, i) => ({ id: String(i), filename: u.filename, content_type: u.contentType, size: u.data.length })),
      components: body?.components ?? [], flags, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false,
      mention_everyone: false, mentions: [], mention_roles: [], pinned: false, type: 0, application_id: this.options.applicationId,
    };
    return { id, channelId, content: raw.content, components: raw.components, allowedMentions: body?.allowed_mentions, flags, raw, at: Date.now(), attachments: uploads };
  }

  private postMessage(channelId: string, body: Json, reply: (status: number, answer?: Json, headers?: Record<string, string>) => void, uploads: readonly Upload[] = []): void {
    const guild = this.options.guilds.find((g) => g.channels.some((c) => c.id === channelId));
    if (!guild) return reply(404, { message: 'Unknown Channel', code: 10003 });
    if (guild.denied?.includes(channelId)) return reply(403, { message: 'Missing Permissions', code: 50013 });
    const limit = this.options.channelRateLimit;
    if (limit) {
      const now = Date.now();
      const times = (this.postTimes.get(channelId) ?? []).filter((t) => t > now - limit.windowMs);
      this.postTimes.set(channelId, times);
      if (times.length >= limit.limit) {
        this.rateLimited += 1;
        const retryAfter = Math.max(0.05, ((times[0] ?? now) + limit.windowMs - now) / 1000);
        return reply(429, { message: 'You are being rate limited.', retry_after: retryAfter, global: false, code: 20028 }, { 'retry-after': retryAfter.toFixed(3), 'x-ratelimit-scope': 'shared' });
      }
      times.push(now);
    }
    validateMessage(body);
    check((body.content ?? '') !== '' || (body.components ?? []).length > 0 || (body.embeds ?? []).length > 0 || uploads.length > 0, 'Cannot send an empty message');
    // Real Discord refuses more than 10 files or a file over 10 MiB for a bot without boosts.
    check(uploads.length <= 10 && uploads.every((u) => u.data.length <= 10 * 1024 * 1024), 'Request entity too large');
    const message = this.message(channelId, body, 0, uploads);
    this.messages.push(message);
    return reply(200, message.raw);
  }

  private callback(id: string, token: string, body: Json, files: readonly string[], reply: (status: number, answer?: Json) => void): void {
    const record = this.interactions.get(id);
    if (!record || record.token !== token) return reply(404, { message: 'Unknown interaction', code: 10062 });
    if (Date.now() - record.sentAt > 3_000) return reply(404, { message: 'Unknown interaction (answered after 3 s)', code: 10062 });
    if (record.callbacks.length > 0) return reply(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    const type = body?.type;
    const kind = record.type;
    const allowed: Record<number, number[]> = { 2: [4, 5, 9], 3: [4, 5, 6, 7, 9], 4: [8], 5: [4, 5, 6, 7] };
    check((allowed[kind] ?? []).includes(type), `callback type ${type} is not valid for an interaction of type ${kind}`);
    const channelId = record.payload.channel_id as string;
    if (type === 4 || type === 7) {
      validateMessage(body.data ?? {});
      record.message = this.message(channelId, body.data, (body.data?.flags ?? 0) & 64);
    } else if (type === 5) {
      record.message = this.message(channelId, { content: '' }, (body.data?.flags ?? 0) & 64);
    } else if (type === 6) {
      record.message = record.payload.message ? { ...this.message(channelId, record.payload.message, record.payload.message.flags ?? 0), id: record.payload.message.id } : undefined;
    } else if (type === 8) {
      const choices: Json[] = body.data?.choices ?? [];
      check(choices.length <= 25, 'at most 25 autocomplete choices');
      for (const c of choices) check(typeof c.name === 'string' && c.name.length >= 1 && c.name.length <= 100, 'choice name must be 1 to 100 characters');
      record.choices = choices;
    } else if (type === 9) {
      validateModal(body.data);
      record.modal = body.data;
    }
    record.callbacks.push({ type, data: body.data, at: Date.now(), ...(files.length > 0 ? { files } : {}) });
    reply(204);
    this.events.emit('answered', record);
  }

  private recordFor(applicationId: string, token: string): InteractionRecord | undefined {
    if (applicationId !== this.options.applicationId) return undefined;
    return this.byToken.get(token);
  }

  private editOriginal(applicationId: string, token: string, body: Json, files: readonly string[], reply: (status: number, answer?: Json) => void): void {
    const record = this.recordFor(applicationId, token);
    if (!record) return reply(404, { message: 'Unknown Webhook', code: 10015 });
    const acknowledged = record.callbacks.find((c) => [4, 5, 6, 7].includes(c.type));
    if (!acknowledged || !record.message) return reply(404, { message: 'Unknown Message', code: 10008 });
    validateMessage(body);
    const edited = { ...record.message, content: body.content ?? record.message.content, components: body.components ?? record.message.components, allowedMentions: body.allowed_mentions };
    const raw = { ...record.message.raw, content: edited.content, components: edited.components, attachments: files.map((name, i) => ({ id: String(i), filename: name })) };
    record.message = { ...edited, raw };
    record.edits.push({ ...body, files });
    reply(200, raw);
    this.events.emit('answered', record);
  }

  private followUp(applicationId: string, token: string, body: Json, reply: (status: number, answer?: Json) => void): void {
    const record = this.recordFor(applicationId, token);
    if (!record) return reply(404, { message: 'Unknown Webhook', code: 10015 });
    check(record.callbacks.some((c) => [4, 5, 6, 7].includes(c.type)), 'follow-up before the interaction was acknowledged');
    validateMessage(body);
    const message = this.message(record.payload.channel_id, body, (body.flags ?? 0) & 64);
    record.followups.push(body);
    return reply(200, message.raw);
  }

  // ---------------------------------------------------------------------- members acting

  private where(guildId?: string, channelId?: string): { guild: FakeGuild; channelId: string } {
    const guild = guildId ? this.options.guilds.find((g) => g.id === guildId) : this.options.guilds[0];
    if (!guild) throw new Error(`no guild ${guildId}`);
    const channel = channelId ?? guild.channels[0]?.id;
    if (!channel) throw new Error('no channel');
    return { guild, channelId: channel };
  }

  private interaction(user: FakeUser, type: number, data: Json, extra: Json = {}, guildId?: string, channelId?: string): InteractionRecord {
    const { guild, channelId: channel } = this.where(guildId, channelId);
    const id = nextId();
    const token = `itok_${randomBytes(24).toString('hex')}`;
    const payload = {
      id, application_id: this.options.applicationId, type, token, version: 1, data,
      guild_id: guild.id, channel_id: channel, channel: { id: channel, type: 0, guild_id: guild.id, name: 'c' },
      guild: { id: guild.id, locale: 'fr', features: [] },
      member: {
        user: { id: user.id, username: user.username, discriminator: '0', global_name: user.username, avatar: null },
        roles: [...(user.roles ?? [])], nick: user.nick ?? null, avatar: null, joined_at: new Date(0).toISOString(),
        deaf: false, mute: false, flags: 0, pending: false, permissions: '1024',
      },
      locale: user.locale ?? 'fr', guild_locale: 'fr', app_permissions: '2048', entitlements: [],
      authorizing_integration_owners: { 0: guild.id }, context: 0, attachment_size_limit: 10_485_760,
      ...extra,
    };
    const record: InteractionRecord = { id, token, type, payload, sentAt: Date.now(), callbacks: [], edits: [], followups: [] };
    this.interactions.set(id, record);
    this.byToken.set(token, record);
    this.dispatch('INTERACTION_CREATE', payload);
    return record;
  }

  private registered(name: string, guildId: string): Json {
    const command = [...(this.commands.get(guildId) ?? []), ...(this.commands.get('global') ?? [])].find((c) => c.name === name);
    if (!command) throw new Error(`/${name} is not registered: a Discord client would not offer it`);
    return command;
  }

  private commandData(name: string, options: Readonly<Record<string, string>>, guildId: string, focused?: string): Json {
    const [base = '', sub] = name.split(' ');
    const command = this.registered(base, guildId);
    const declared: Json[] = sub ? (command.options ?? []).find((o: Json) => o.name === sub)?.options ?? [] : command.options ?? [];
    if (sub && !(command.options ?? []).some((o: Json) => o.name === sub)) throw new Error(`/${base} has no subcommand ${sub}`);
    const values = Object.entries(options).map(([key, value]) => {
      if (!declared.some((o) => o.name === key)) throw new Error(`/${name} has no option ${key}`);
      return { name: key, type: 3, value, ...(focused === key ? { focused: true } : {}) };
    });
    for (const o of declared) if (o.required && options[o.name] === undefined && focused === undefined) throw new Error(`/${name} needs option ${o.name}`);
    return { id: command.id, name: base, type: 1, guild_id: guildId, options: sub ? [{ name: sub, type: 1, options: values }] : values };
  }

  /** A member runs a slash command: `name` may be `shortlist add`; options by (English) name. */
  slash(user: FakeUser, name: string, options: Readonly<Record<string, string>> = {}, where: { guild?: string; channel?: string } = {}): InteractionRecord {
    const { guild, channelId } = this.where(where.guild, where.channel);
    return this.interaction(user, 2, this.commandData(name, options, guild.id), {}, guild.id, channelId);
  }

  /** A member types in an autocompleted option. */
  autocomplete(user: FakeUser, name: string, options: Readonly<Record<string, string>>, focused: string): InteractionRecord {
    const { guild, channelId } = this.where();
    return this.interaction(user, 4, this.commandData(name, options, guild.id, focused), {}, guild.id, channelId);
  }

  /**
   * A member presses a button or picks in a select of `message`. Like a Discord client, it
   * only sends components the message has, unless `forge` (a modified client) is set.
   */
  click(user: FakeUser, message: PostedMessage, customId: string, values?: readonly string[], forge = false): InteractionRecord {
    const component = message.components.flatMap((row: Json) => row.components ?? []).find((c: Json) => c.custom_id === customId);
    if (!component && !forge) throw new Error(`no component ${customId} in message ${message.id}`);
    const componentType = component?.type ?? (values ? 3 : 2);
    if (component?.type === 3 && !forge) {
      const allowed = new Set((component.options ?? []).map((o: Json) => o.value));
      if (!values || values.some((v) => !allowed.has(v)) || values.length < (component.min_values ?? 1) || values.length > (component.max_values ?? 1)) {
        throw new Error(`values ${JSON.stringify(values)} cannot be picked in ${customId}`);
      }
    }
    const data = { custom_id: customId, component_type: componentType, ...(componentType === 3 ? { values: [...(values ?? [])] } : {}) };
    const guild = this.options.guilds.find((g) => g.channels.some((c) => c.id === message.channelId));
    return this.interaction(user, 3, data, { message: message.raw }, guild?.id, message.channelId);
  }

  /** A member fills in and sends the modal an interaction opened; values by field custom_id. */
  submitModal(user: FakeUser, opened: InteractionRecord, values: Readonly<Record<string, string | readonly string[]>>): InteractionRecord {
    const modal = opened.modal;
    if (!modal) throw new Error('that interaction opened no modal');
    const components = (modal.components as Json[]).map((c) => {
      const inner = c.type === 18 ? c.component : c.components[0];
      const value = values[inner.custom_id];
      if (inner.type === 4) {
        const text = typeof value === 'string' ? value : '';
        const min = inner.min_length ?? 0;
        const max = inner.max_length ?? 4000;
        if ((inner.required ?? true) && text.length === 0) throw new Error(`${inner.custom_id} is required`);
        if (text.length > 0 && (text.length < min || text.length > max)) throw new Error(`${inner.custom_id}: the client refuses ${text.length} characters (${min}-${max})`);
        const field = { type: 4, custom_id: inner.custom_id, value: text };
        return c.type === 18 ? { type: 18, id: c.id ?? 1, component: field } : { type: 1, components: [field] };
      }
      const picked = Array.isArray(value) ? [...value] : [];
      const allowed = new Set((inner.options ?? []).map((o: Json) => o.value));
      if (picked.some((v) => !allowed.has(v))) throw new Error(`${inner.custom_id}: ${picked.join(',')} not among the options`);
      return { type: 18, id: c.id ?? 1, component: { type: 3, custom_id: inner.custom_id, values: picked } };
    });
    return this.interaction(user, 5, { custom_id: modal.custom_id, components }, {}, opened.payload.guild_id, opened.payload.channel_id);
  }
}

/** Whether the bot has finished answering: an immediate answer, or a deferral and its edit. */
export function settled(record: InteractionRecord): boolean {
  const first = record.callbacks[0];
  if (!first) return false;
  if ([4, 7, 8, 9].includes(first.type)) return true;
  return record.edits.length > 0;
}

/**
 * What the member finally sees, as the bot sent it: the immediate answer's data (with the
 * names of its files), or the last edit of a deferred one.
 */
export function finalAnswer(record: InteractionRecord): Json {
  const first = record.callbacks[0];
  if (first && (first.type === 4 || first.type === 7)) return { ...first.data, files: first.files ?? [] };
  return record.edits[record.edits.length - 1];
}

/** The text the member finally sees: the immediate answer, or the last edit plus follow-ups. */
export function replyText(record: InteractionRecord): string {
  const first = record.callbacks[0];
  if (first && (first.type === 4 || first.type === 7)) return first.data?.content ?? '';
  const last = record.edits[record.edits.length - 1];
  return [last?.content ?? '', ...record.followups.map((f) => f.content ?? '')].filter((s) => s !== '').join('\n');
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
