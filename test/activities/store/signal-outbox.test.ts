import { describe, expect, it } from 'vitest';
import { message, newConversation, useStore } from './fixtures';

const ctx = useStore('signal_outbox');

const owedIn = async (conversationIds: string[]) =>
  (await ctx.get().listPendingSignals())
    .filter(({ conversationId }) => conversationIds.includes(conversationId))
    .map(({ itemId, conversationId }) => [itemId, conversationId])
    .sort();

describe('Store', () => {
  describe('#addPendingSignal', () => {
    it('keeps owed signals, once per item, until cleared', async () => {
      const store = ctx.get();
      const [first, second] = [await newConversation(store), await newConversation(store)];
      await store.addPendingSignal('item_a', first);
      await store.addPendingSignal('item_b', second);
      await store.addPendingSignal('item_a', first);
      expect(await owedIn([first, second])).toEqual([['item_a', first], ['item_b', second]]);
      await store.clearPendingSignal('item_a');
      expect(await owedIn([first, second])).toEqual([['item_b', second]]);
    });

    it('keeps every one of many owed signals added and cleared at once, repeats included', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const ids = Array.from({ length: 50 }, (_, i) => `burst_${i}`);
      await Promise.all([...ids, ...ids.slice(0, 10)].map((id) => store.addPendingSignal(id, conversationId)));
      const owed = async () => (await owedIn([conversationId])).map(([itemId]) => itemId);
      expect(await owed()).toEqual([...ids].sort());
      await Promise.all(ids.slice(0, 25).map((id) => store.clearPendingSignal(id)));
      expect(await owed()).toEqual(ids.slice(25).sort());
    });
  });

  describe('#appendItem', () => {
    it('records the owed signal of an item appended with owesSignal before it resolves, a retry included', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const owing = message(conversationId, { id: 'item_owing' });
      const [{ item }] = await Promise.all([store.appendItem(owing, { owesSignal: true }), store.appendItem(message(conversationId, { id: 'item_quiet' }))]);
      expect(await owedIn([conversationId])).toEqual([[item.id, conversationId]]);
      await store.clearPendingSignal(item.id);
      expect(await owedIn([conversationId])).toEqual([]);
      const retry = await store.appendItem(owing, { owesSignal: true });
      expect(retry.created).toBe(false);
      expect(await owedIn([conversationId])).toEqual([[item.id, conversationId]]);
    });

    it('records the owed signals and the last item of items written in the same batch as a retried one', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const retried = message(conversationId, { id: 'item_retried' });
      await store.appendItem(retried, { owesSignal: true });
      await store.clearPendingSignal(retried.id);
      const [first, , last] = await Promise.all(
        [message(conversationId, { id: 'item_before' }), retried, message(conversationId, { id: 'item_after' })].map((item) => store.appendItem(item, { owesSignal: true })),
      );
      expect([first!.item.seq, last!.item.seq]).toEqual([2, 3]);
      expect(await owedIn([conversationId])).toEqual([
        ['item_after', conversationId],
        ['item_before', conversationId],
        ['item_retried', conversationId],
      ]);
      expect((await store.getConversation(conversationId))?.lastTimelineItem?.id).toBe('item_after');
    });
  });
});
