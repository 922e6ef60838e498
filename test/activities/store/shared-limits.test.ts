import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { openStore, type SharedLimit, type Store } from '../../../activities/store';
import { useStore } from './fixtures';

const ctx = useStore('shared_limits');

/** 20 at once, then one a second. */
const limit = (key: string): SharedLimit => ({ key, perSecond: 1, burst: 20 });
const T0 = Date.parse('2026-12-06T10:00:00Z');

describe('Store', () => {
  describe('#takeSharedLimits', () => {
    it('counts every token taken by stores on two MongoClients at the same moment', async () => {
      const other: Store = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      try {
        const buckets = [limit('together')];
        const takeMany = (count: number) => Promise.all(Array.from({ length: count }, (_, i) => [ctx.get(), other][i % 2]!.takeSharedLimits(buckets, T0)));
        await takeMany(19);
        expect(await other.sharedLimitsWait(buckets, T0)).toBeUndefined();
        await takeMany(1);
        expect(await ctx.get().sharedLimitsWait(buckets, T0)).toBe(1);
        // Takings past the burst (requests that all found a token at once) leave it empty, owing nothing beyond:
        // a burst of one script shuts out the others behind its IP no longer than an empty bucket does.
        await takeMany(10);
        expect(await other.sharedLimitsWait(buckets, T0)).toBe(1);
        expect(await other.sharedLimitsWait(buckets, T0 + 1_000)).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('regains tokens over time, and waits for the slowest of several buckets', async () => {
      const store = ctx.get();
      const [fast, slow] = [limit('fast'), { key: 'slow', perSecond: 0.1, burst: 2 }];
      await store.takeSharedLimits([fast, slow], T0);
      await store.takeSharedLimits([fast, slow], T0);
      expect(await store.sharedLimitsWait([fast], T0)).toBeUndefined();
      expect(await store.sharedLimitsWait([fast, slow], T0)).toBe(10);
      expect(await store.sharedLimitsWait([fast, slow], T0 + 9_001)).toBe(1);
      expect(await store.sharedLimitsWait([fast, slow], T0 + 10_000)).toBeUndefined();
    });

    it('sweeps the buckets that are full again', async () => {
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        const buckets = client.db(ctx.dbName).collection<{ _id: string }>('rate_limits');
        const sweeper: Store = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
        try {
          await sweeper.takeSharedLimits([limit('old')], T0);
          await sweeper.takeSharedLimits([limit('recent')], T0 + 3_600_000);
          await expect.poll(async () => (await buckets.find({ _id: { $in: ['old', 'recent'] } }).toArray()).map((doc) => doc._id)).toEqual(['recent']);
        } finally {
          await sweeper.close();
        }
      } finally {
        await client.close();
      }
    });
  });
});
