/**
 * Helpers for the tests that run against a real Redis: each test uses a key prefix of its own
 * and deletes only its own keys afterwards (never FLUSHALL / FLUSHDB).
 */
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { CampaignEvent } from '../../src/model/events';
import type { Platform } from '../../src/model/campaign';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import type { Deliver, DeliveryTarget, Outbox } from '../../src/ports/outbox';
import { createRedisConnection } from '../../src/stores/redis/connection';
import { EVENT_FIELDS } from '../../src/stores/redis/keys';

/** REDIS_URL, or the local default. */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * A connection with the production options (connection.ts). Throws a clear error when no
 * Redis answers: these tests fail rather than skip.
 */
export async function connectOrFail(url = redisUrl()): Promise<Redis> {
  try {
    return await createRedisConnection(url, { connectTimeout: 2_000 });
  } catch (error) {
    throw new Error(`these tests need a real Redis at ${url}; start one with: redis-server --daemonize yes (or set REDIS_URL)\n${(error as Error).message}`);
  }
}

/** `test:<random>:` — a key prefix no other run uses. */
export function uniquePrefix(parent = 'test:'): string {
  return `${parent}${randomBytes(6).toString('hex')}:`;
}

/** The keys that start with `prefix`, found with SCAN (never KEYS). */
export async function keysByPrefix(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(found)];
}

/** Deletes (UNLINK) every key that starts with `prefix`, and nothing else. */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  const keys = await keysByPrefix(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  return keys.length;
}

function escapeGlob(text: string): string {
  return text.replace(/[\\*?[\]]/g, '\\$&');
}

/**
 * A stand-in for the real outbox in the store contract: the Redis store appends events to
 * each campaign's stream; `idle()` reads every stream under `prefix` from where it left off,
 * hands the entries to a MemoryOutbox (which delivers them) and waits for it.
 */
export class StreamOutbox implements Outbox {
  private readonly delivery = new MemoryOutbox({ baseDelayMs: 0 });
  private readonly positions = new Map<string, string>();

  constructor(private readonly redis: Redis | Cluster, private readonly prefix: string) {}

  async enqueue(): Promise<void> {
    throw new Error('StreamOutbox: the Redis store appends events to the campaign stream, never through enqueue');
  }

  register(platform: Platform, deliver: Deliver, targets: (campaignId: string) => readonly DeliveryTarget[]): void {
    this.delivery.register(platform, deliver, targets);
  }

  async idle(): Promise<void> {
    for (const stream of await keysByPrefix(this.redis as Redis, this.prefix)) {
      if (!stream.endsWith(':events')) continue;
      const entries = await this.redis.xrange(stream, `(${this.positions.get(stream) ?? '0-0'}`, '+');
      const events: CampaignEvent[] = [];
      for (const [id, fields] of entries) {
        events.push(JSON.parse(field(fields, EVENT_FIELDS.event)) as CampaignEvent);
        this.positions.set(stream, id);
      }
      await this.delivery.enqueue(events);
    }
    await this.delivery.idle();
  }

  close(): Promise<void> {
    return this.delivery.close();
  }
}

/** Every entry of a stream: its `id` and `event` fields. */
export async function streamEntries(redis: Redis, stream: string): Promise<{ id: string; event: CampaignEvent }[]> {
  return (await redis.xrange(stream, '-', '+')).map(([, fields]) => ({
    id: field(fields, EVENT_FIELDS.id),
    event: JSON.parse(field(fields, EVENT_FIELDS.event)) as CampaignEvent,
  }));
}

/** The value of `name` in a stream entry's flat [field, value, …] list. */
function field(fields: readonly string[], name: string): string {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]!;
  throw new Error(`stream entry without field ${name}`);
}
