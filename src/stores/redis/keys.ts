/**
 * Every Redis key of a campaign carries the hash tag `{campaignId}` (DESIGN invariant 9), so
 * a campaign lives in one cluster slot and its Lua scripts stay legal on a Redis Cluster.
 * `prefix` separates deployments (and test runs) sharing one Redis.
 */
export class CampaignKeys {
  /** `<prefix>{<campaignId>}:` — the start of every key of the campaign. */
  readonly base: string;

  constructor(readonly prefix: string, readonly campaignId: string) {
    this.base = `${prefix}{${campaignId}}:`;
  }

  /**
   * The campaign's event log: a stream the store appends announcements to, in the same
   * script as the change that causes them (a transition and its announcement are one step).
   * Entries have two fields: `id` (the event id, the idempotency key) and `event` (JSON).
   * The outbox reads it and delivers each entry to every channel.
   */
  get events(): string { return `${this.base}events`; }

  /** Set of event ids already appended: an event id is appended at most once. */
  get eventIds(): string { return `${this.base}events:ids`; }

  /** Any other key of the campaign: `key('cat', categoryId, 'state')`. */
  key(...parts: readonly string[]): string {
    return this.base + parts.join(':');
  }
}

/** The Redis key prefix used when none is configured. */
export const DEFAULT_PREFIX = 'cocreate:';

/** Appending an event from Lua (copy this shape into scripts that announce):
 *
 *   if redis.call('SADD', KEYS[eventIds], eventId) == 1 then
 *     redis.call('XADD', KEYS[events], '*', 'id', eventId, 'event', eventJson)
 *   end
 */
export const EVENT_FIELDS = { id: 'id', event: 'event' } as const;
