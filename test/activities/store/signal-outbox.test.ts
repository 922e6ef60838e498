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
  });
});
