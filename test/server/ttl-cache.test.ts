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
});
