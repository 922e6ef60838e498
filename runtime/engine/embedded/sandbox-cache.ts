/** A live workflow instance that can be dropped and later rebuilt by replay. */
export interface EvictableSandbox {
  /** Drops the live instance; returns false (and keeps it) while it is in the middle of an activation. */
  tryEvict(): boolean;
}

/**
 * Least-recently-used set of live workflow instances, like Temporal's sticky cache: past `capacity`,
 * the idle instance used longest ago is evicted, and rebuilt from the journal when next needed.
 */
export class SandboxCache {
  /** Map iteration order is insertion order, so re-inserting on use keeps it sorted by recency. */
  private readonly entries = new Map<string, EvictableSandbox>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Marks `key` as just used, evicting idle instances beyond capacity. */
  touch(key: string, sandbox: EvictableSandbox): void {
    this.entries.delete(key);
    this.entries.set(key, sandbox);
    if (this.entries.size <= this.capacity) return;
    for (const [candidateKey, candidate] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      if (candidateKey !== key && candidate.tryEvict()) this.entries.delete(candidateKey);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
