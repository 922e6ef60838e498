import { describe, expect, it } from 'vitest';
import { openStore } from '../../../activities/store';
import { useStore } from './fixtures';

const ctx = useStore('routing_holds');

const at = (ms: number) => new Date(Date.now() + ms);

describe('Store', () => {
  describe('#takeRoutingHold', () => {
    it('gives a hold to one of the stores on two MongoClients taking it at the same moment', async () => {
      const other = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      try {
        const takes = Array.from({ length: 10 }, (_, i) => [ctx.get(), other][i % 2]!.takeRoutingHold('web_1:usr_a', `holder-${i}`, new Date(), at(30_000)));
        expect((await Promise.all(takes)).filter(Boolean)).toHaveLength(1);
      } finally {
        await other.close();
      }
    });

    it('refuses a hold while it stands, gives it again once let go of, and takes over one whose holder never let go once its time is past', async () => {
      const store = ctx.get();
      expect(await store.takeRoutingHold('web_1:usr_b', 'first', new Date(), at(30_000))).toBe(true);
      expect(await store.takeRoutingHold('web_1:usr_b', 'second', new Date(), at(30_000))).toBe(false);
      // Only its holder lets go of it.
      await store.releaseRoutingHold('web_1:usr_b', 'second');
      expect(await store.takeRoutingHold('web_1:usr_b', 'second', new Date(), at(30_000))).toBe(false);
      await store.releaseRoutingHold('web_1:usr_b', 'first');
      expect(await store.takeRoutingHold('web_1:usr_b', 'second', new Date(), at(30_000))).toBe(true);
      // 'second' dies holding it: taken over from the moment its time is past.
      expect(await store.takeRoutingHold('web_1:usr_b', 'third', at(29_000), at(60_000))).toBe(false);
      expect(await store.takeRoutingHold('web_1:usr_b', 'third', at(30_001), at(60_000))).toBe(true);
      // Other people's holds are their own.
      expect(await store.takeRoutingHold('web_1:usr_c', 'fourth', new Date(), at(30_000))).toBe(true);
    });
  });
});
