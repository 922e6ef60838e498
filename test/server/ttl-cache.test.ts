import { afterEach, describe, expect, it, vi } from 'vitest';
import { TtlCache, type TtlCacheLimits } from '../../server/ttl-cache';

const T0 = 1_000_000;
const TTL = 60_000;

/** A cache of values that are their keys, `miss…` keys loading nothing, counting the loads of each key. */
function countingCache(limits: Partial<TtlCacheLimits> = {}) {
  const cache = new TtlCache<string | undefined>({ ttlMs: TTL, maxEntries: 3, missTtlMs: TTL, maxMisses: 2, ...limits });
  const loads = new Map<string, number>();
  const get = (key: string) =>
    cache.get(key, async () => {
      loads.set(key, (loads.get(key) ?? 0) + 1);
      return key.startsWith('miss') ? undefined : key;
    });
  /** The keys of `keys` still kept (found), newer than the TTL. */
  const kept = (keys: string[]) => keys.filter((key) => cache.peek(key, TTL) !== undefined);
  return { cache, loads, get, kept };
}

describe('TtlCache', () => {
  afterEach(() => vi.useRealTimers());

  describe('#get', () => {
    it('drops the oldest read when full, keeping the others, and keeps misses apart from found values', async () => {
      const { get, loads } = countingCache();
      for (const key of ['a', 'b', 'c', 'd']) await get(key);
      for (const key of ['miss1', 'miss2', 'miss3']) await get(key);
      loads.clear();
      for (const key of ['b', 'c', 'd', 'miss2', 'miss3']) await get(key);
      expect([...loads.keys()]).toEqual([]);
      await get('a');
      await get('miss1');
      expect([...loads.keys()]).toEqual(['a', 'miss1']);
    });

    it('stays within maxEntries when many loads finish in one turn, keeping those that finished last', async () => {
      const { get, kept } = countingCache();
      const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
      expect(await Promise.all(keys.map(get))).toEqual(keys);
      expect(kept(keys)).toEqual(['k7', 'k8', 'k9']);
    });

    it('keeps a miss for missTtlMs only', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: T0 });
      const briefly = countingCache({ missTtlMs: 5_000 });
      await briefly.get('miss');
      vi.setSystemTime(T0 + 4_999);
      await briefly.get('miss');
      expect(briefly.loads.get('miss')).toBe(1);
      vi.setSystemTime(T0 + 5_000);
      await briefly.get('miss');
      expect(briefly.loads.get('miss')).toBe(2);
    });

    it('keeps no miss when maxMisses is 0, loaded or set', async () => {
      const { cache, get, loads } = countingCache({ maxMisses: 0 });
      for (let i = 0; i < 3; i++) expect(await get('miss')).toBeUndefined();
      expect(loads.get('miss')).toBe(3);
      cache.set('miss-set', undefined);
      expect(await get('miss-set')).toBeUndefined();
      expect(loads.get('miss-set')).toBe(1);
    });
  });

  describe('#set', () => {
    it('keeps a value as if it had been loaded, in the same order of reads', async () => {
      const cache = new TtlCache<string>({ ttlMs: 60_000, maxEntries: 2, missTtlMs: 0, maxMisses: 0 });
      cache.set('a', 'set a');
      expect(await cache.get('a', async () => 'loaded a')).toBe('set a');
      expect(cache.peek('a', 60_000)).toBe('set a');
      cache.set('b', 'set b');
      cache.set('c', 'set c'); // drops a, the oldest
      expect(cache.peek('a', 60_000)).toBeUndefined();
      expect(cache.peek('b', 60_000)).toBe('set b');
    });

    it('stays within maxEntries when many are set in one turn, dropping the oldest first', () => {
      const { cache, kept } = countingCache();
      const keys = Array.from({ length: 1_000 }, (_, i) => `k${i}`);
      for (const key of keys) cache.set(key, key);
      expect(kept(keys)).toEqual(['k997', 'k998', 'k999']);
    });

    it('makes a key set again fresh and the newest, taking no other entry\'s place when full', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: T0 });
      const { cache, get, loads, kept } = countingCache();
      for (const key of ['a', 'b', 'c']) cache.set(key, key);
      vi.setSystemTime(T0 + TTL / 2);
      cache.set('a', 'a again'); // full, but a is replaced: nothing else goes
      expect(kept(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
      cache.set('d', 'd'); // drops b, now the oldest
      expect(kept(['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd']);
      // Past the first sets' TTL, a is still fresh from its second.
      vi.setSystemTime(T0 + TTL);
      expect(await get('a')).toBe('a again');
      expect(await get('c')).toBe('c');
      expect([loads.get('a'), loads.get('c')]).toEqual([undefined, 1]);
    });

    it('drops expired entries first when full, since they are the oldest, and never answers them', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: T0 });
      const { cache, get, loads, kept } = countingCache({ maxEntries: 2 });
      cache.set('old', 'old');
      vi.setSystemTime(T0 + TTL - 1);
      cache.set('recent', 'recent');
      vi.setSystemTime(T0 + TTL); // old has expired
      expect(kept(['old', 'recent'])).toEqual(['recent']);
      cache.set('new', 'new');
      expect(kept(['old', 'recent', 'new'])).toEqual(['recent', 'new']);
      expect(await get('old')).toBe('old');
      expect(loads.get('old')).toBe(1);
    });

    it('keeps a set miss with the misses, so it pushes out no found value, and a found value set again leaves the misses', async () => {
      const { cache, get, loads, kept } = countingCache();
      for (const key of ['a', 'b', 'c']) cache.set(key, key);
      for (const key of ['miss1', 'miss2', 'miss3']) cache.set(key, undefined);
      expect(kept(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
      // miss3 dropped miss1; the others are answered without a load.
      for (const key of ['miss2', 'miss3', 'miss1']) await get(key);
      expect([...loads.keys()]).toEqual(['miss1']);
      cache.set('miss2', 'found after all');
      expect(await get('miss2')).toBe('found after all');
      expect(cache.peek('miss2', TTL)).toBe('found after all');
    });

    it('keeps what a load under way read from replacing the value set meanwhile', async () => {
      const cache = new TtlCache<string>({ ttlMs: TTL, maxEntries: 3, missTtlMs: 0, maxMisses: 0 });
      let finish!: (value: string) => void;
      const loading = cache.get('a', () => new Promise((resolve) => (finish = resolve)));
      cache.set('a', 'set a');
      finish('stale a');
      expect(await loading).toBe('stale a'); // its caller gets what it read
      expect(await cache.get('a', async () => 'loaded again')).toBe('set a');
    });
  });
});
