/**
 * Items whose conversation workflow has not yet taken the `itemAdded` signal, one document per item
 * in `signal_outbox`. Appending an item that owes a signal (`appendItem(item, { owesSignal: true })`)
 * writes its entry beside the item, in parallel, so the message path pays no round trip for it. The
 * server clears an entry once the workflow took the signal, so a signal that could not be sent
 * before a crash or a long engine outage is sent after a restart.
 */
import { MongoBulkWriteError } from 'mongodb';
import type { Collections } from './documents';
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

const onlyDuplicates = (error: unknown): boolean =>
  error instanceof MongoBulkWriteError && !error.writeConcernError && Array.isArray(error.writeErrors) && error.writeErrors.every((writeError) => writeError.code === 11000);

/** Records owed signals; an entry already there (a retried item) stays as it is. */
export async function recordPendingSignals({ signalOutbox }: Collections, entries: PendingSignal[]): Promise<void> {
  try {
    await signalOutbox.insertMany(
      entries.map(({ itemId, conversationId }) => ({ _id: itemId, conversationId })),
      { ordered: false },
    );
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
  }
}

export function signalOutboxMethods(collections: Collections) {
  const { signalOutbox } = collections;
  // One write per event-loop turn: the caller answers once the signal is recorded.
  const add = tickBatch<PendingSignal>((entries) => recordPendingSignals(collections, entries));
  const clear = windowBatch<string>(async (itemIds) => {
    await signalOutbox.deleteMany({ _id: { $in: itemIds } });
  }, CLEAR_WINDOW_MS);
  return {
    /** Records that the signal of this (stored) item is owed; for an item appended without `owesSignal`. */
    addPendingSignal(itemId: string, conversationId: string): Promise<void> {
      return add({ itemId, conversationId });
    },

    /** The workflow took the item's signal; resolves once that is written (within `CLEAR_WINDOW_MS`). */
    clearPendingSignal(itemId: string): Promise<void> {
      return clear(itemId);
    },

    /** Every signal still owed, once per item. */
    async listPendingSignals(): Promise<PendingSignal[]> {
      const docs = await signalOutbox.find({}).toArray();
      return docs.map(({ _id, conversationId }) => ({ itemId: _id, conversationId }));
    },
  };
}
