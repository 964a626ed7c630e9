/**
 * A map whose entries expire `ttlMs` after they were last set: the short-lived state of a
 * chat conversation (an idea waiting for its text, a ballot being picked). An expired entry
 * reads as absent; `prune` drops them all once the map has grown.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { readonly value: V; readonly at: number }>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.set(key, { value, at: this.now() });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Entries held, expired ones included until they are read or pruned. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every expired entry. */
  prune(): void {
    const oldest = this.now() - this.ttlMs;
    for (const [key, entry] of this.entries) if (entry.at < oldest) this.entries.delete(key);
  }
}
