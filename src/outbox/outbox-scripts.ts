/**
 * The Lua scripts of the BullMQ outbox, one per file in `lua/`, registered with `defineCommand`
 * under versioned names `cocreate:outbox:<name>:<sha>` by the loader the store uses
 * (src/redis/script-loader.ts). `--- @include "event-fields"` declares the table `EventField`
 * from EVENT_FIELDS, the field names of a campaign's event stream.
 *
 * None of them answers a refusal, so there is no code enum here: each returns a count, an
 * entry, or a wait in milliseconds, typed by the functions below.
 */
import { join } from 'node:path';
import type { Cluster, Redis } from 'ioredis';
import { ScriptSet } from '../redis/script-loader';
import { EVENT_FIELDS } from '../stores/redis/keys';

export type OutboxScriptName = 'appendEvents' | 'takeNext' | 'countBusyLanes' | 'reserveSend';

export const OUTBOX_SCRIPTS = new ScriptSet<OutboxScriptName>({
  dir: join(__dirname, 'lua'),
  namespace: 'cocreate:outbox',
  tables: { 'event-fields': { name: 'EventField', entries: EVENT_FIELDS } },
});

type Connection = Redis | Cluster;

/** A lane's next entry: its id, its event JSON, and whether it was taken over from a silent consumer. */
export type LaneEntry = readonly [entryId: string, eventJson: string, takenOver: 0 | 1];

/** Appends `[id, JSON]` pairs to a stream, each id once; resolves with how many were new. */
export async function appendEvents(
  redis: Connection,
  keys: { readonly eventIds: string; readonly events: string },
  events: readonly (readonly [string, string])[],
): Promise<number> {
  return Number(await OUTBOX_SCRIPTS.run(redis, 'appendEvents', [keys.eventIds, keys.events], events.flat()));
}

/** The lane's next entry, or null while one is in flight (not idle for `claimIdleMs`) or nothing is new. */
export async function takeNext(redis: Connection, stream: string, group: string, consumer: string, claimIdleMs: number): Promise<LaneEntry | null> {
  const reply = (await OUTBOX_SCRIPTS.run(redis, 'takeNext', [stream], [group, consumer, claimIdleMs])) as [string, string, number] | null;
  if (reply === null) return null;
  return [reply[0], reply[1], reply[2] === 1 ? 1 : 0];
}

/** How many of `groups` have an entry of `stream` in flight or not read yet. */
export async function countBusyLanes(redis: Connection, stream: string, groups: readonly string[]): Promise<number> {
  return Number(await OUTBOX_SCRIPTS.run(redis, 'countBusyLanes', [stream], groups));
}

/** At most `limit` sends in any window of `windowMs`; a limit of 0 is no window. */
export interface SendWindow {
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * Reserves one send under both windows and resolves with 0 (send now), or, when either is
 * full, with the milliseconds to wait before asking again (nothing reserved). `member` must be
 * unique to this send.
 */
export async function reserveSend(redis: Connection, target: SendWindow, platform: SendWindow, member: string): Promise<number> {
  return Number(
    await OUTBOX_SCRIPTS.run(redis, 'reserveSend', [target.key, platform.key], [target.limit, target.windowMs, platform.limit, platform.windowMs, member]),
  );
}
