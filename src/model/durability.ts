/**
 * What an acknowledgement means (DESIGN invariant 11): the ack mode chosen at start, and what the
 * store's server says about the risk of losing acknowledged data. Data, never text: the store
 * layer measures it, the engine passes it to managers' /status, src/render words it.
 */

/** How a write is confirmed before the fan is answered (COCREATE_ACK). */
export const ACK_MODES = ['redis', 'aof', 'replica'] as const;

/**
 * - `redis`: Redis answered (the change is in its memory, and in its AOF file if it keeps one);
 * - `aof`: the change is fsynced to the AOF on disk (WAITAOF, or `appendfsync always`);
 * - `replica`: at least one replica holds the change (WAIT).
 */
export type AckMode = (typeof ACK_MODES)[number];

/**
 * Why acknowledged data could still be lost, most serious first:
 * - `no-ack-possible`: the ack mode cannot be honoured now (e.g. no replica connected): writes are refused, not lost;
 * - `memory-only`: Redis keeps data in memory only (no AOF, no RDB save points): a Redis crash loses it all;
 * - `snapshots-only`: RDB snapshots but no AOF: a crash loses what came after the last snapshot;
 * - `fsync-delayed`: AOF without `appendfsync always`: a power loss or a kernel crash loses up to about a second;
 * - `failover`: a replica may be promoted (Sentinel, Cluster) before it received the last acknowledged writes;
 * - `unpersisted-master`: a master without persistence that restarts on its own wipes its replicas' copy.
 */
export const DURABILITY_RISKS = ['no-ack-possible', 'memory-only', 'snapshots-only', 'fsync-delayed', 'failover', 'unpersisted-master'] as const;

export type DurabilityRisk = (typeof DURABILITY_RISKS)[number];

/** What managers are told about durability (the fact behind the start-up warning). */
export interface DurabilityStatus {
  readonly ack: AckMode;
  /** Null when nothing the bot acknowledged can be lost as far as the server tells. */
  readonly risk: DurabilityRisk | null;
}
