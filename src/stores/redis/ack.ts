/**
 * The acknowledgement of the Redis store's writes (COCREATE_ACK): what must be true before a fan
 * (or a manager) is answered, beyond "Redis answered".
 *
 * Redis's WAIT and WAITAOF confirm every write made on the connection before them, so one wait
 * confirms a whole group: the writes whose replies arrived in the same tick share one wait, and
 * while one is in flight the next ones gather for the next. A batch of ballots asks once; the
 * cost of the wait is per group, not per ballot.
 */
import type { Cluster, Redis } from 'ioredis';
import { keySlot } from './key-slot';

/** How writes are confirmed. */
export type AckPolicy =
  /** Redis's reply is the confirmation (`redis`; `aof` where `appendfsync always` fsyncs before each reply). */
  | { readonly kind: 'reply' }
  /** `WAITAOF 1 0 <timeoutMs>`: fsynced to the master's AOF (Redis ≥ 7.2). */
  | { readonly kind: 'waitaof'; readonly timeoutMs: number }
  /** `WAIT 1 <timeoutMs>`: received by at least one replica. */
  | { readonly kind: 'replica'; readonly timeoutMs: number };

/**
 * A write Redis applied but could not confirm as the ack mode asks (no replica, no fsync in
 * time): the fan is told it could not be confirmed and that trying again is safe, never that it
 * was recorded. (The engine answers `store.unavailable` to anything the store throws.)
 */
export class UnconfirmedWriteError extends Error {
  override readonly name = 'UnconfirmedWriteError';
}

interface Waiter {
  /** The lane's connection epoch when the write's reply arrived. */
  readonly epoch: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** One server's group commit: the callers gathering for the next wait, and whether one is in flight. */
interface Lane {
  readonly node: Redis;
  gathering: Waiter[];
  inFlight: boolean;
  scheduled: boolean;
  /**
   * Counts the connection's closes. WAIT covers the writes of the connection it is sent on: after
   * a reconnection (to a promoted replica, say) it would confirm nothing of what the old one
   * wrote, so a write whose reply came on an earlier connection is never confirmed.
   */
  epoch: number;
}

/**
 * Confirms the store's writes on one connection (or cluster) per an AckPolicy. Call `confirm`
 * once a write's reply has arrived; it resolves once that write is as durable as the policy
 * asks, or rejects with UnconfirmedWriteError (or the connection's error).
 */
export class WriteAcknowledger {
  private readonly lanes = new Map<Redis, Lane>();
  /** Set while the policy cannot be honoured (e.g. `appendfsync always` was turned off): every confirm rejects. */
  private suspended: string | null = null;

  constructor(private readonly client: Redis | Cluster, readonly policy: AckPolicy) {
    if (policy.kind !== 'reply' && !(Number.isInteger(policy.timeoutMs) && policy.timeoutMs > 0)) {
      throw new Error(`the ack timeout must be a positive whole number of ms, got ${policy.timeoutMs}`);
    }
  }

  /** Whether confirming costs anything (a wait) beyond Redis's reply. */
  get waits(): boolean {
    return this.policy.kind !== 'reply';
  }

  /** Stops (a reason) or resumes (null) confirming: while suspended, every write is answered unconfirmed. */
  suspend(reason: string | null): void {
    this.suspended = reason;
  }

  /**
   * Resolves once the writes this process sent on the connection to `key`'s server, before this
   * call, are durable per the policy. `key` is any key the writes touched (it picks the Cluster
   * node); on one server it is not used.
   */
  confirm(key: string): Promise<void> {
    if (this.suspended !== null) return Promise.reject(new UnconfirmedWriteError(this.suspended));
    if (this.policy.kind === 'reply') return Promise.resolve();
    const node = this.nodeOf(key);
    if (!node) return Promise.reject(new UnconfirmedWriteError(`no connection to the Cluster node of ${key} to confirm on`));
    let lane = this.lanes.get(node);
    if (!lane) {
      const created: Lane = { node, gathering: [], inFlight: false, scheduled: false, epoch: 0 };
      node.on('close', () => void created.epoch++);
      this.lanes.set(node, created);
      lane = created;
    }
    const gathered = lane;
    return new Promise<void>((resolve, reject) => {
      gathered.gathering.push({ epoch: gathered.epoch, resolve, reject });
      if (!gathered.inFlight && !gathered.scheduled) {
        gathered.scheduled = true;
        // The replies of one read from the socket all arrive in this tick: one wait for them all.
        setImmediate(() => this.send(gathered));
      }
    });
  }

  private send(lane: Lane): void {
    lane.scheduled = false;
    const waiters: Waiter[] = [];
    for (const w of lane.gathering) {
      if (w.epoch === lane.epoch) waiters.push(w);
      else w.reject(new UnconfirmedWriteError('the connection to Redis was lost before the write could be confirmed'));
    }
    lane.gathering = [];
    if (waiters.length === 0) return;
    lane.inFlight = true;
    void this.wait(lane.node).then(
      () => { for (const w of waiters) w.resolve(); },
      (error: unknown) => { for (const w of waiters) w.reject(error); },
    ).finally(() => {
      lane.inFlight = false;
      if (lane.gathering.length > 0) this.send(lane);
    });
  }

  /** One WAIT or WAITAOF on `node`; rejects with UnconfirmedWriteError when it confirms too little. */
  private async wait(node: Redis): Promise<void> {
    const policy = this.policy;
    if (policy.kind === 'replica') {
      const replicas = Number(await node.call('WAIT', 1, policy.timeoutMs));
      if (replicas < 1) throw new UnconfirmedWriteError(`no replica confirmed the write within ${policy.timeoutMs} ms (WAIT 1 ${policy.timeoutMs})`);
    } else if (policy.kind === 'waitaof') {
      const [local] = (await node.call('WAITAOF', 1, 0, policy.timeoutMs)) as [number, number];
      if (Number(local) < 1) throw new UnconfirmedWriteError(`the AOF was not fsynced within ${policy.timeoutMs} ms (WAITAOF 1 0 ${policy.timeoutMs})`);
    }
  }

  /** The connection that carried the writes to `key`: the one server, or the master of its Cluster slot. */
  private nodeOf(key: string): Redis | undefined {
    if (!('isCluster' in this.client && this.client.isCluster)) return this.client as Redis;
    const cluster = this.client as Cluster;
    const address = cluster.slots[keySlot(key)]?.[0];
    return cluster.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === address);
  }
}
