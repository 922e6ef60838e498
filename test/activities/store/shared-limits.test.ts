import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { openStore, type SharedLimit, type Store } from '../../../activities/store';
import { QUICK_TTL, TTL_TEST, TTL_WAIT_MS } from '../../support/mongo';
import { useStore } from './fixtures';

const ctx = useStore('shared_limits', QUICK_TTL);

/** 20 at once, then one a second. */
const limit = (key: string): SharedLimit => ({ key, perSecond: 1, burst: 20 });
/**
 * An hour from now: the store's TTL index deletes a bucket once its `fullAt` is past by the real
 * clock, so a bucket dated near the present (a fixed date once, then the time this file loaded,
 * 20 s before a slow run reached its last takes) can be gone between two takes and count afresh.
 */
const T0 = Date.now() + 3_600_000;

describe('Store', () => {
  describe('#takeSharedLimits', () => {
    it('gives stores on two MongoClients asking at the same moment no more tokens than the bucket holds', async () => {
      const other: Store = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      try {
        const buckets = [limit('together')];
        const takeMany = (count: number) => Promise.all(Array.from({ length: count }, (_, i) => [ctx.get(), other][i % 2]!.takeSharedLimits(buckets, T0)));
        // A bucket made by the first requests at once: 20 of 30 taken, the others told to wait a second.
        const answers = await takeMany(30);
        expect(answers.filter((wait) => wait === undefined)).toHaveLength(20);
        expect(answers.filter((wait) => wait === 1)).toHaveLength(10);
        expect(await other.takeSharedLimits(buckets, T0 + 999)).toBe(1);
        expect(await other.takeSharedLimits(buckets, T0 + 1_000)).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('takes from every bucket or none, and waits for the slowest', async () => {
      const store = ctx.get();
      const [fast, slow] = [limit('fast'), { key: 'slow', perSecond: 0.1, burst: 2 }];
      expect(await store.takeSharedLimits([fast, slow], T0)).toBeUndefined();
      expect(await store.takeSharedLimits([fast, slow], T0)).toBeUndefined();
      // The slow one is empty: refused, and the fast one keeps the token it gave (18 left of 20).
      expect(await store.takeSharedLimits([fast, slow], T0)).toBe(10);
      for (let i = 0; i < 18; i++) expect(await store.takeSharedLimits([fast], T0)).toBeUndefined();
      expect(await store.takeSharedLimits([fast], T0)).toBe(1);
      expect(await store.takeSharedLimits([slow], T0 + 9_001)).toBe(1);
      expect(await store.takeSharedLimits([slow], T0 + 10_000)).toBeUndefined();
    });

    it('takes several tokens at once only when the bucket holds them all, and says when it will', async () => {
      const store = ctx.get();
      const bytes = { key: 'bytes', perSecond: 100, burst: 1_000 };
      expect(await store.takeSharedLimits([bytes], T0, 600)).toBeUndefined();
      // 400 left: 600 more are 200 short, two seconds' worth.
      expect(await store.takeSharedLimits([bytes], T0, 600)).toBe(2);
      expect(await store.takeSharedLimits([bytes], T0 + 2_000, 600)).toBeUndefined();
      expect(await store.takeSharedLimits([bytes], T0 + 2_000, 1)).toBe(1);
      await expect(store.takeSharedLimits([bytes], T0, 1_001)).rejects.toThrow(RangeError);
    });
  });

  describe('#giveBackSharedLimits', () => {
    it('puts a token back for each bucket', async () => {
      const store = ctx.get();
      const one = { key: 'given-back', perSecond: 1 / 3_600, burst: 1 };
      expect(await store.takeSharedLimits([one], T0)).toBeUndefined();
      expect(await store.takeSharedLimits([one], T0)).toBe(3_600);
      await store.giveBackSharedLimits([one]);
      expect(await store.takeSharedLimits([one], T0)).toBeUndefined();
    });

    it('puts back as many tokens as it is told', async () => {
      const store = ctx.get();
      const bytes = { key: 'bytes-given-back', perSecond: 1, burst: 1_000 };
      expect(await store.takeSharedLimits([bytes], T0, 1_000)).toBeUndefined();
      await store.giveBackSharedLimits([bytes], 300);
      expect(await store.takeSharedLimits([bytes], T0, 301)).toBe(1);
      expect(await store.takeSharedLimits([bytes], T0, 300)).toBeUndefined();
    });
  });

  describe('expiry', () => {
    it('leaves the buckets full again to the TTL index, which deletes them and keeps the others', TTL_TEST, async () => {
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        const buckets = client.db(ctx.dbName).collection<{ _id: string }>('rate_limits');
        const now = Date.now();
        // One token of 20 taken an hour ago: full again long since. One of one an hour takes an hour to come back.
        await ctx.get().takeSharedLimits([limit('full-again')], now - 3_600_000);
        await ctx.get().takeSharedLimits([{ key: 'refilling', perSecond: 1 / 3_600, burst: 1 }], now);
        const kept = async () => (await buckets.find({ _id: { $in: ['full-again', 'refilling'] } }).toArray()).map((doc) => doc._id);
        await expect.poll(kept, { timeout: TTL_WAIT_MS }).toEqual(['refilling']);
      } finally {
        await client.close();
      }
    });
  });
});
