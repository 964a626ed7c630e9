/**
 * The environment of `cocreate run`. Every variable is optional: without platform tokens the
 * bot runs in the local terminal chat, without REDIS_URL on the embedded memory store.
 * Values are never echoed back in problems, except the few that cannot be secrets.
 */
import { config as dotenvConfig } from 'dotenv';
import { z } from 'zod';
import { fromZodIssues } from './issues';
import { ACK_MODES, type AckMode } from '../model/durability';

/** The campaign `cocreate run` plays when COCREATE_CAMPAIGNS is not set. */
export const DEFAULT_CAMPAIGNS = 'campaigns/crunch-super-social-movie.yaml';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An empty variable (`FOO=` copied from .env.example) counts as unset. */
function unsetIfBlank(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(unsetIfBlank, schema.optional());
}

/** A URL with one of `protocols`; the message does not repeat the value (it may hold a password). */
function url(protocols: readonly string[], example: string) {
  return z.string().superRefine((value, ctx) => {
    if (!URL.canParse(value) || !protocols.includes(new URL(value).protocol)) {
      ctx.addIssue({ code: 'custom', message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}, such as ${example}` });
    }
  });
}

/** `host:port,host:port` (REDIS_SENTINELS). */
function sentinelList(value: string): { host: string; port: number }[] {
  return value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').map((entry) => {
    const colon = entry.lastIndexOf(':');
    return { host: entry.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(entry.slice(colon + 1)) };
  });
}

const SENTINEL_ENTRY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

function campaignList(value: string): string[] {
  return value.split(',').map((file) => file.trim()).filter((file) => file !== '');
}

const envSchema = z
  .object({
    COCREATE_LOCALE: optional(z.enum(['fr', 'en'])),
    COCREATE_CAMPAIGNS: z.preprocess(unsetIfBlank, z.string().default(DEFAULT_CAMPAIGNS)),
    REDIS_URL: optional(url(['redis:', 'rediss:'], 'redis://localhost:6379')),
    DISCORD_TOKEN: optional(z.string()),
    DISCORD_APPLICATION_ID: optional(z.string().regex(/^\d{1,20}$/, 'expected a Discord application id (digits only)')),
    DISCORD_API_BASE: optional(url(['http:', 'https:'], 'https://discord.com/api')),
    TELEGRAM_BOT_TOKEN: optional(z.string()),
    TELEGRAM_API_ROOT: optional(url(['http:', 'https:'], 'https://api.telegram.org')),
    TELEGRAM_WEBHOOK_URL: optional(url(['https:'], 'https://bot.example.org/telegram')),
    TELEGRAM_WEBHOOK_SECRET: optional(z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'expected 1 to 256 characters among A-Z, a-z, 0-9, _ and -')),
    TELEGRAM_WEBHOOK_PORT: z.preprocess(unsetIfBlank, z.coerce.number().int().min(1).max(65535).default(8443)),
    LOG_LEVEL: z.preprocess(unsetIfBlank, z.enum(LOG_LEVELS).default('info')),
    COCREATE_DATA_DIR: z.preprocess(unsetIfBlank, z.string().default('.cocreate')),
    REDIS_CLUSTER: z.preprocess(unsetIfBlank, z.enum(['true', 'false', '1', '0']).default('false')),
    COCREATE_REDIS_PREFIX: z.preprocess(unsetIfBlank, z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'expected letters, digits and : _ . - (no braces, no spaces)').default('cocreate:')),
    COCREATE_HTTP_PORT: optional(z.coerce.number().int('expected a whole number').min(0).max(65535)),
    COCREATE_HTTP_HOST: z.preprocess(unsetIfBlank, z.string().regex(/^[A-Za-z0-9.:[\]-]{1,255}$/, 'expected a host name or an IP address, such as 0.0.0.0 or 127.0.0.1').default('0.0.0.0')),
    COCREATE_DRAIN_SECONDS: z.preprocess(unsetIfBlank, z.coerce.number().min(0).max(3600).default(10)),
    REDIS_SENTINELS: optional(z.string().refine(
      (value) => value.split(',').map((e) => e.trim()).filter((e) => e !== '').every((e) => SENTINEL_ENTRY.test(e) && Number(e.slice(e.lastIndexOf(':') + 1)) <= 65535)
        && value.split(',').some((e) => e.trim() !== ''),
      'expected Sentinels as host:port separated by commas, such as 10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379',
    )),
    REDIS_SENTINEL_NAME: optional(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected the name of the master the Sentinels monitor (letters, digits and . _ -), such as mymaster')),
    REDIS_SENTINEL_PASSWORD: optional(z.string()),
    COCREATE_ACK: optional(z.enum(ACK_MODES, { message: 'expected redis, aof or replica' })),
    COCREATE_ACK_TIMEOUT_MS: optional(z.coerce.number().int('expected a whole number of ms').min(10).max(1500)),
    COCREATE_DURABILITY: optional(z.enum(['warn', 'strict'], { message: 'expected warn or strict' })),
  })
  .superRefine((env, ctx) => {
    const orphan = (name: string, token: string) =>
      ctx.addIssue({ code: 'custom', path: [name], message: `is set but ${token} is not: set ${token} to run on that platform, or unset ${name}` });
    if (env.DISCORD_TOKEN === undefined) {
      if (env.DISCORD_APPLICATION_ID !== undefined) orphan('DISCORD_APPLICATION_ID', 'DISCORD_TOKEN');
      if (env.DISCORD_API_BASE !== undefined) orphan('DISCORD_API_BASE', 'DISCORD_TOKEN');
    }
    if (env.TELEGRAM_BOT_TOKEN === undefined) {
      if (env.TELEGRAM_API_ROOT !== undefined) orphan('TELEGRAM_API_ROOT', 'TELEGRAM_BOT_TOKEN');
      if (env.TELEGRAM_WEBHOOK_URL !== undefined) orphan('TELEGRAM_WEBHOOK_URL', 'TELEGRAM_BOT_TOKEN');
    }
    if (env.TELEGRAM_WEBHOOK_URL !== undefined && env.TELEGRAM_WEBHOOK_SECRET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'is required with TELEGRAM_WEBHOOK_URL: Telegram sends it back with every update, so that nobody else can post updates to the webhook' });
    }
    if (env.TELEGRAM_WEBHOOK_URL === undefined && env.TELEGRAM_WEBHOOK_SECRET !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'is set but TELEGRAM_WEBHOOK_URL is not: set TELEGRAM_WEBHOOK_URL for webhook mode, or unset TELEGRAM_WEBHOOK_SECRET for long polling' });
    }
    const cluster = env.REDIS_CLUSTER === 'true' || env.REDIS_CLUSTER === '1';
    if (env.REDIS_URL === undefined && cluster) orphan('REDIS_CLUSTER', 'REDIS_URL');
    if (env.REDIS_SENTINELS === undefined) {
      if (env.REDIS_SENTINEL_NAME !== undefined) orphan('REDIS_SENTINEL_NAME', 'REDIS_SENTINELS');
      if (env.REDIS_SENTINEL_PASSWORD !== undefined) orphan('REDIS_SENTINEL_PASSWORD', 'REDIS_SENTINELS');
    } else {
      if (env.REDIS_SENTINEL_NAME === undefined) {
        ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINEL_NAME'], message: 'is required with REDIS_SENTINELS: the name of the master the Sentinels monitor (sentinel monitor NAME …)' });
      }
      if (cluster) ctx.addIssue({ code: 'custom', path: ['REDIS_SENTINELS'], message: 'cannot be used with REDIS_CLUSTER: a Redis Cluster fails over by itself; unset one of them' });
    }
    const redis = env.REDIS_URL !== undefined || env.REDIS_SENTINELS !== undefined;
    if (!redis && env.COCREATE_ACK !== undefined && env.COCREATE_ACK !== 'redis') {
      ctx.addIssue({ code: 'custom', path: ['COCREATE_ACK'], message: `is ${env.COCREATE_ACK} but neither REDIS_URL nor REDIS_SENTINELS is set: the ack modes are Redis's; the embedded store keeps everything in memory until the chat ends` });
    }
    if (!redis && env.COCREATE_DURABILITY === 'strict') {
      ctx.addIssue({ code: 'custom', path: ['COCREATE_DURABILITY'], message: 'is strict but neither REDIS_URL nor REDIS_SENTINELS is set: the embedded store keeps everything in memory until the chat ends, so a crash loses it' });
    }
    if (campaignList(env.COCREATE_CAMPAIGNS).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['COCREATE_CAMPAIGNS'], message: 'expected one or more campaign files separated by commas' });
    }
  })
  .transform((env) => ({
    ...(env.COCREATE_LOCALE === undefined ? {} : { locale: env.COCREATE_LOCALE }),
    campaigns: campaignList(env.COCREATE_CAMPAIGNS),
    ...(env.REDIS_URL === undefined ? {} : { redisUrl: env.REDIS_URL }),
    redisCluster: env.REDIS_CLUSTER === 'true' || env.REDIS_CLUSTER === '1',
    ...(env.REDIS_SENTINELS === undefined
      ? {}
      : {
          redisSentinel: {
            sentinels: sentinelList(env.REDIS_SENTINELS), name: env.REDIS_SENTINEL_NAME ?? '',
            ...(env.REDIS_SENTINEL_PASSWORD === undefined ? {} : { password: env.REDIS_SENTINEL_PASSWORD }),
          },
        }),
    ...(env.COCREATE_ACK === undefined ? {} : { ack: env.COCREATE_ACK }),
    ...(env.COCREATE_ACK_TIMEOUT_MS === undefined ? {} : { ackTimeoutMs: env.COCREATE_ACK_TIMEOUT_MS }),
    ...(env.COCREATE_DURABILITY === undefined ? {} : { durability: env.COCREATE_DURABILITY }),
    redisPrefix: env.COCREATE_REDIS_PREFIX,
    ...(env.DISCORD_TOKEN === undefined
      ? {}
      : {
          discord: {
            token: env.DISCORD_TOKEN,
            ...(env.DISCORD_APPLICATION_ID === undefined ? {} : { applicationId: env.DISCORD_APPLICATION_ID }),
            ...(env.DISCORD_API_BASE === undefined ? {} : { apiBase: env.DISCORD_API_BASE }),
          },
        }),
    ...(env.TELEGRAM_BOT_TOKEN === undefined
      ? {}
      : {
          telegram: {
            token: env.TELEGRAM_BOT_TOKEN,
            ...(env.TELEGRAM_API_ROOT === undefined ? {} : { apiRoot: env.TELEGRAM_API_ROOT }),
            ...(env.TELEGRAM_WEBHOOK_URL === undefined || env.TELEGRAM_WEBHOOK_SECRET === undefined
              ? {}
              : { webhook: { url: env.TELEGRAM_WEBHOOK_URL, secret: env.TELEGRAM_WEBHOOK_SECRET, port: env.TELEGRAM_WEBHOOK_PORT } }),
          },
        }),
    logLevel: env.LOG_LEVEL,
    dataDir: env.COCREATE_DATA_DIR,
    ...(env.COCREATE_HTTP_PORT === undefined ? {} : { http: { port: env.COCREATE_HTTP_PORT, host: env.COCREATE_HTTP_HOST } }),
    drainMs: Math.round(env.COCREATE_DRAIN_SECONDS * 1000),
  }));

/**
 * What `cocreate run` needs from the environment: `discord` / `telegram` are present exactly
 * when their token is set, `redisUrl` when REDIS_URL is set, `redisSentinel` when REDIS_SENTINELS is
 * (see redisEndpointOf), `ack`/`ackTimeoutMs`/`durability` when set (see durabilityOf), `locale` when it overrides
 * the campaign's.
 */
export type RunConfig = z.output<typeof envSchema>;

/** The default of COCREATE_ACK_TIMEOUT_MS: how long a write waits for its replica (or fsync) before the fan is told to try again. */
export const DEFAULT_ACK_TIMEOUT_MS = 500;

/**
 * Where Redis is, from REDIS_URL, REDIS_CLUSTER and REDIS_SENTINELS (the shape
 * src/stores/redis/connection.ts `connectEndpoint` takes); undefined when Redis is not used.
 * With Sentinel, REDIS_URL (optional) gives the master's credentials, database and TLS only.
 */
export function redisEndpointOf(config: RunConfig) {
  if (config.redisSentinel) {
    const { sentinels, name, password } = config.redisSentinel;
    return {
      kind: 'sentinel' as const, sentinels, name,
      ...(config.redisUrl === undefined ? {} : { url: config.redisUrl }),
      ...(password === undefined ? {} : { sentinelPassword: password }),
    };
  }
  if (config.redisUrl === undefined) return undefined;
  return config.redisCluster ? { kind: 'cluster' as const, seeds: [config.redisUrl] } : { kind: 'standalone' as const, url: config.redisUrl };
}

/** How the Redis store confirms writes: COCREATE_ACK, COCREATE_ACK_TIMEOUT_MS and COCREATE_DURABILITY with their defaults. */
export function durabilityOf(config: RunConfig): { ack: AckMode; ackTimeoutMs: number; strict: boolean } {
  return { ack: config.ack ?? 'redis', ackTimeoutMs: config.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS, strict: config.durability === 'strict' };
}

export type EnvResult = { readonly ok: true; readonly config: RunConfig } | { readonly ok: false; readonly problems: readonly string[] };

/** Variables whose value may be shown in a problem (the others may be secrets). */
const SHOWABLE = new Set([
  'COCREATE_LOCALE', 'LOG_LEVEL', 'COCREATE_HTTP_PORT', 'COCREATE_HTTP_HOST', 'COCREATE_DRAIN_SECONDS',
  'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'COCREATE_ACK', 'COCREATE_ACK_TIMEOUT_MS', 'COCREATE_DURABILITY',
]);

/**
 * Reads the run configuration from `env`. With `process.env` (the default) it first loads
 * `.env` from the working directory (quietly, never overriding a variable already set);
 * `options.dotenv` names another file, or `false` skips it. Never throws; each problem is
 * one line, `NAME: message`, and never shows the value of a variable that may be a secret.
 */
export function loadEnv(env: NodeJS.ProcessEnv = process.env, options: { dotenv?: string | false } = {}): EnvResult {
  const dotenv = options.dotenv ?? (env === process.env ? '.env' : false);
  if (dotenv !== false) loadDotenv({ path: dotenv, env });
  const input = { ...env };
  const parsed = envSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  const shown = Object.fromEntries(Object.entries(input).filter(([name]) => SHOWABLE.has(name)));
  const problems = fromZodIssues(parsed.error.issues, envSchema, shown).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  return { ok: false, problems };
}

/**
 * Loads a `.env` file into `env` (process.env by default) without overriding variables that
 * are already set, and without dotenv's banner. A missing file is not an error.
 */
export function loadDotenv(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): void {
  dotenvConfig({ quiet: true, path: options.path ?? '.env', processEnv: (options.env ?? process.env) as Record<string, string> });
}
