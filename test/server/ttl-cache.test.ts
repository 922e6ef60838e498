import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../server/ttl-cache';

describe('TtlCache', () => {
  describe('#get', () => {
    it('drops the oldest read when full, keeping the others, and keeps misses apart from found values', async () => {
      const loads: string[] = [];
      const cache = new TtlCache<string | undefined>({ ttlMs: 60_000, maxEntries: 3, missTtlMs: 60_000, maxMisses: 2 });
      const get = (key: string) =>
        cache.get(key, async () => {
          loads.push(key);
          return key.startsWith('miss') ? undefined : key;
        });
      for (const key of ['a', 'b', 'c', 'd']) await get(key);
      for (const key of ['miss1', 'miss2', 'miss3']) await get(key);
      loads.length = 0;
      for (const key of ['b', 'c', 'd', 'miss2', 'miss3']) await get(key);
      expect(loads).toEqual([]);
      await get('a');
      await get('miss1');
      expect(loads).toEqual(['a', 'miss1']);
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
  });
});
