/**
 * The operator's log: one JSON object a line (pino) on standard error, so that standard output
 * stays the local chat's or a command's. Secrets never reach it: fields named like secrets are
 * redacted, and every string logged goes through `scrub`, which masks URL passwords (REDIS_URL)
 * and the bot tokens in use.
 */
import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Field paths pino replaces with `[redacted]`, at the top level and one level down. */
const REDACT = ['token', 'password', 'redisUrl', 'url', 'authorization', 'secret', 'REDIS_URL', 'DISCORD_TOKEN', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']
  .flatMap((key) => [key, `*.${key}`]);

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]+)@/gi;
/** A Telegram bot token (digits:secret), wherever it appears (API URLs carry it). */
const TELEGRAM_TOKEN = /(?<![0-9])\d{5,}:[A-Za-z0-9_-]{30,}/g;

/** `text` without URL passwords, Telegram-looking tokens, or any of `secrets`. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(URL_PASSWORD, '$1$2:***@').replace(TELEGRAM_TOKEN, '[redacted]');
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  return out;
}

export interface LoggerOptions {
  readonly level: string;
  /** Secret values (bot tokens, the Redis password) masked wherever they appear. */
  readonly secrets?: readonly string[];
  /** Where lines go; standard error by default. */
  readonly destination?: DestinationStream;
}

/** The secrets of a run configuration: the bot tokens and Redis URL passwords. */
export function secretsOf(config: { redisUrl?: string; redisSentinel?: { password?: string }; discord?: { token: string }; telegram?: { token: string; webhook?: { secret: string } } }): string[] {
  const secrets: string[] = [];
  if (config.redisSentinel?.password) secrets.push(config.redisSentinel.password);
  if (config.discord) secrets.push(config.discord.token);
  if (config.telegram) secrets.push(config.telegram.token, ...(config.telegram.webhook ? [config.telegram.webhook.secret] : []));
  if (config.redisUrl && URL.canParse(config.redisUrl)) {
    const password = decodeURIComponent(new URL(config.redisUrl).password);
    if (password) secrets.push(password, new URL(config.redisUrl).password);
  }
  return secrets;
}

/** A pino logger on standard error (synchronous writes: nothing is lost on exit). */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = [...(options.secrets ?? [])].sort((a, b) => b.length - a.length);
  const clean = (value: unknown, depth = 0): unknown => {
    if (typeof value === 'string') return scrub(value, secrets);
    if (value instanceof Error) return { type: value.name, message: scrub(value.message, secrets), ...(value.stack ? { stack: scrub(value.stack, secrets) } : {}) };
    if (depth < 3 && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v, depth + 1)]));
    }
    return value;
  };
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { log: (object) => clean(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // The message string (and printf arguments) are scrubbed too.
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a, secrets) : a)) as Parameters<typeof method>);
        },
      },
      serializers: { err: (error: unknown) => clean(error) },
    },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}
