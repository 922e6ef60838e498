/**
 * A bounded cache of loaded values (the directory's, directory.ts): each kept for a time, and when
 * full the oldest read is dropped, not everything. A loaded `undefined` (nothing found) is a miss:
 * misses are kept apart, fewer and for less time, so lookups of made-up keys (throttled only per IP)
 * push out other misses only, never the websites, members and visitors real callers use.
 */

export interface TtlCacheLimits {
  ttlMs: number;
  maxEntries: number;
  missTtlMs: number;
  maxMisses: number;
}

interface Entry<V> {
  value: V;
  readAt: number;
}

export class TtlCache<V> {
  /** In the order they were read (a key read again is inserted anew): the first is the oldest. */
  private readonly found = new Map<string, Entry<V>>();
  private readonly missing = new Map<string, Entry<V>>();
  /** Loads under way, shared by callers that miss at the same time. */
  private readonly loading = new Map<string, Promise<V>>();

  constructor(private readonly limits: TtlCacheLimits) {}

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const kept = this.found.get(key);
    if (kept && kept.readAt + this.limits.ttlMs > Date.now()) return kept.value;
    const miss = this.missing.get(key);
    if (miss && miss.readAt + this.limits.missTtlMs > Date.now()) return miss.value;
    const under = this.loading.get(key);
    if (under) return under;
    const loaded = load();
    this.loading.set(key, loaded);
    try {
      const value = await loaded;
      // A forget while it loaded means the value may predate the change: it is answered, not kept.
      if (this.loading.get(key) === loaded) this.keep(key, value);
      return value;
    } finally {
      if (this.loading.get(key) === loaded) this.loading.delete(key);
    }
  }

  /** The value last found for `key`, if read within `maxAgeMs`, without loading it; undefined otherwise. */
  peek(key: string, maxAgeMs: number): V | undefined {
    const entry = this.found.get(key);
    return entry && entry.readAt + maxAgeMs > Date.now() ? entry.value : undefined;
  }

  /** Keeps `value` as if just loaded (what the caller learnt itself), and keeps a load under way from storing what it read. */
  set(key: string, value: V): void {
    this.loading.delete(key);
    this.keep(key, value);
  }

  /** Drops the entry, and keeps a load under way from storing what it read. */
  forget(key: string): void {
    this.found.delete(key);
    this.missing.delete(key);
    this.loading.delete(key);
  }

  forgetAll(): void {
    this.found.clear();
    this.missing.clear();
    this.loading.clear();
  }

  /** Drops the entries whose value `drop` picks, and keeps every load under way from storing what it read. */
  forgetWhere(drop: (value: V) => boolean): void {
    for (const entries of [this.found, this.missing]) for (const [key, entry] of entries) if (drop(entry.value)) entries.delete(key);
    this.loading.clear();
  }

  private keep(key: string, value: V): void {
    this.found.delete(key);
    this.missing.delete(key);
    const [entries, max] = value === undefined ? [this.missing, this.limits.maxMisses] : [this.found, this.limits.maxEntries];
    // A limit of 0 keeps none: the loop below, emptying the map, would still make room for this one.
    if (max < 1) return;
    for (const oldest of entries.keys()) {
      if (entries.size < max) break;
      entries.delete(oldest);
    }
    entries.set(key, { value, readAt: Date.now() });
  }
}
