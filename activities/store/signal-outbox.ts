/**
 * Items whose conversation workflow has not yet taken the `itemAdded` signal. They are kept on the
 * conversation's counter document (`pendingSignals`), so that appending an item that owes a signal
 * records it in the very write that claims the item's seq (`appendItem(item, { owesSignal: true })`)
 * and the message path pays no round trip for it. The server clears an entry once the workflow took
 * the signal, so a signal that could not be sent before a crash or a long engine outage is sent
 * after a restart.
 */
import type { AnyBulkWriteOperation, UpdateFilter } from 'mongodb';
import type { Collections, CounterDoc } from './documents';
import { groupBy } from './group-by';
import { tickBatch, windowBatch } from './tick-batch';

/**
 * Clears wait this long to share one write. An entry cleared late only means a repeat signal after a
 * crash, which the workflow drops; clearing each turn had cost a store write per message or two.
 */
const CLEAR_WINDOW_MS = 100;

export interface PendingSignal {
  itemId: string;
  conversationId: string;
}

/** One update of each conversation's counter, for all of its items in the batch. */
function perConversation(entries: PendingSignal[], update: (itemIds: string[]) => UpdateFilter<CounterDoc>): AnyBulkWriteOperation<CounterDoc>[] {
  return [...groupBy(entries, (entry) => entry.conversationId)].map(([conversationId, group]) => ({
    updateOne: { filter: { _id: conversationId }, update: update(group.map((entry) => entry.itemId)) },
  }));
}

export function signalOutboxMethods({ counters }: Collections) {
  // One write per event-loop turn: the caller answers once the signal is recorded.
  const add = tickBatch<PendingSignal>(async (entries) => {
    await counters.bulkWrite(perConversation(entries, (itemIds) => ({ $push: { pendingSignals: { $each: itemIds } } })), { ordered: false });
  });
  const clear = windowBatch<PendingSignal>(async (entries) => {
    await counters.bulkWrite(perConversation(entries, (itemIds) => ({ $pull: { pendingSignals: { $in: itemIds } } })), { ordered: false });
  }, CLEAR_WINDOW_MS);
  return {
    /** Records that the signal of this (stored) item is owed; for an item appended without `owesSignal`. */
    addPendingSignal(itemId: string, conversationId: string): Promise<void> {
      return add({ itemId, conversationId });
    },

    /** The workflow took the signal; resolves once that is written (within `CLEAR_WINDOW_MS`). */
    clearPendingSignal(itemId: string, conversationId: string): Promise<void> {
      return clear({ itemId, conversationId });
    },

    /** Every signal still owed, once per item. */
    async listPendingSignals(): Promise<PendingSignal[]> {
      const docs = await counters.find({ 'pendingSignals.0': { $exists: true } }, { projection: { pendingSignals: 1 } }).toArray();
      return docs.flatMap((doc) => [...new Set(doc.pendingSignals)].map((itemId) => ({ itemId, conversationId: doc._id })));
    },
  };
}
