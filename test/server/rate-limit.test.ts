import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../server/rate-limit';

describe('TokenBuckets', () => {
  describe('#take', () => {
    it('allows a burst, then refuses with the seconds until a token is back', () => {
      const buckets = new TokenBuckets({ perSecond: 2, burst: 3 });
      const t0 = 1_000_000;
      expect([1, 2, 3].map(() => buckets.take('a', t0).ok)).toEqual([true, true, true]);
      expect(buckets.take('a', t0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    });

    it('refills over time, never above the burst', () => {
      const buckets = new TokenBuckets({ perSecond: 1, burst: 2 });
      buckets.take('a', 0);
      buckets.take('a', 0);
      expect(buckets.take('a', 500).ok).toBe(false);
      expect(buckets.take('a', 1_000).ok).toBe(true);
      // A long pause refills to the burst only.
      expect([0, 1, 2].map(() => buckets.take('a', 100_000).ok)).toEqual([true, true, false]);
    });

    it('neither refills nor drains a bucket while the clock is set back, and refills from the time it then reads', () => {
      const buckets = new TokenBuckets({ perSecond: 100, burst: 3 });
      const t0 = 1_000_000;
      expect(buckets.take('a', t0).ok).toBe(true);
      // The system clock set back a minute: the two tokens left are still there, no more.
      expect([1, 2, 3].map(() => buckets.take('a', t0 - 60_000).ok)).toEqual([true, true, false]);
      expect(buckets.take('a', t0 - 60_000 + 10).ok).toBe(true);
    });

    it('keeps keys apart', () => {
      const buckets = new TokenBuckets({ perSecond: 1, burst: 1 });
      expect(buckets.take('a', 0).ok).toBe(true);
      expect(buckets.take('b', 0).ok).toBe(true);
      expect(buckets.take('a', 0).ok).toBe(false);
    });

    it('forgets the least recently used key beyond maxKeys', () => {
      const buckets = new TokenBuckets({ perSecond: 1, burst: 1, maxKeys: 2 });
      buckets.take('a', 0);
      buckets.take('b', 0);
      buckets.take('c', 0); // evicts a
      expect(buckets.take('a', 0).ok).toBe(true);
      expect(buckets.take('c', 0).ok).toBe(false);
    });

    it('asks slow buckets to wait longer', () => {
      const buckets = new TokenBuckets({ perSecond: 0.1, burst: 1 });
      buckets.take('a', 0);
      expect(buckets.take('a', 0)).toEqual({ ok: false, retryAfterSeconds: 10 });
    });
  });

  describe('#borrow', () => {
    it('takes from an empty bucket down to one burst below empty, then refuses with the seconds until it may borrow again', () => {
      const buckets = new TokenBuckets({ perSecond: 2, burst: 3 });
      const t0 = 1_000_000;
      expect([1, 2, 3, 4, 5, 6].map(() => buckets.borrow('a', t0).ok)).toEqual([true, true, true, true, true, true]);
      expect(buckets.borrow('a', t0)).toEqual({ ok: false, retryAfterSeconds: 1 });
      expect(buckets.borrow('a', t0 + 500).ok).toBe(true);
    });

    it('leaves take refused until the borrowed tokens are regained, and the rate over time as it was', () => {
      const buckets = new TokenBuckets({ perSecond: 1, burst: 2 });
      for (let i = 0; i < 4; i++) buckets.borrow('a', 0);
      // Two owed and one to take: three seconds.
      expect(buckets.take('a', 0)).toEqual({ ok: false, retryAfterSeconds: 3 });
      expect(buckets.take('a', 2_999).ok).toBe(false);
      expect(buckets.take('a', 3_000).ok).toBe(true);
    });
  });
});
