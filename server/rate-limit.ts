/**
 * Token buckets keyed by a string (visitor id, IP, connection id). Each key holds up to `burst`
 * tokens and regains `perSecond` of them every second; a call costs one token. A borrowed token
 * leaves a key owing, down to one burst below empty.
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  /** Upper bound on remembered keys; the least recently used key is forgotten first. */
  maxKeys?: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimitOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  take(key: string, now = Date.now()): TakeResult {
    const result = this.peek(key, now);
    if (result.ok) this.buckets.get(key)!.tokens -= 1;
    return result;
  }

  /** Whether `take` would succeed now, taking nothing. */
  peek(key: string, now = Date.now()): TakeResult {
    const bucket = this.refill(key, now);
    if (bucket.tokens >= 1) return { ok: true };
    const missing = 1 - bucket.tokens;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.options.perSecond)) };
  }

  /**
   * Takes a token, from an empty bucket too while it owes less than one burst: the tokens it
   * borrows are regained before `take` succeeds again (its wait says so). For a call that
   * cannot be retried; the key's rate over time stays the same.
   */
  borrow(key: string, now = Date.now()): TakeResult {
    const bucket = this.refill(key, now);
    const least = 1 - this.options.burst;
    if (bucket.tokens >= least) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const missing = least - bucket.tokens;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.options.perSecond)) };
  }

  private refill(key: string, now: number): Bucket {
    const { perSecond, burst } = this.options;
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key); // re-inserted below so Map order stays least-recently-used first
      // Date.now() can go back (the system clock set back): that time refills nothing, rather than taking tokens away.
      const elapsedMs = Math.max(0, now - bucket.updatedAt);
      bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs / 1000) * perSecond);
      bucket.updatedAt = now;
    } else {
      bucket = { tokens: burst, updatedAt: now };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}
