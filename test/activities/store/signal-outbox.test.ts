import { describe, expect, it } from 'vitest';
import { useStore } from './fixtures';

const ctx = useStore('signal_outbox');

describe('Store', () => {
  describe('#addPendingSignal', () => {
    it('keeps owed signals, once per item, until cleared', async () => {
      const store = ctx.get();
      await store.addPendingSignal('item_a', 'conv_1');
      await store.addPendingSignal('item_b', 'conv_2');
      await store.addPendingSignal('item_a', 'conv_1');
      const owed = (await store.listPendingSignals()).map(({ itemId, conversationId }) => [itemId, conversationId]);
      expect(owed).toHaveLength(2);
      expect(owed).toEqual(expect.arrayContaining([['item_a', 'conv_1'], ['item_b', 'conv_2']]));
      await store.clearPendingSignal('item_a');
      expect((await store.listPendingSignals()).map((p) => p.itemId)).toEqual(['item_b']);
    });

    it('keeps every one of many owed signals added and cleared at once, repeats included', async () => {
      const store = ctx.get();
      const ids = Array.from({ length: 50 }, (_, i) => `burst_${i}`);
      await Promise.all([...ids, ...ids.slice(0, 10)].map((id) => store.addPendingSignal(id, 'conv_burst')));
      const owed = () => store.listPendingSignals().then((pending) => pending.map((p) => p.itemId).filter((id) => id.startsWith('burst_')).sort());
      expect(await owed()).toEqual([...ids].sort());
      await Promise.all(ids.slice(0, 25).map((id) => store.clearPendingSignal(id)));
      expect(await owed()).toEqual(ids.slice(25).sort());
    });
  });
});
