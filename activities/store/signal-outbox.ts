/**
 * Items whose conversation workflow has not yet taken the `itemAdded` signal, one document each in
 * `signal_outbox`. An item appended with `owesSignal` has its entry written in the same ordered
 * write as the item (append.ts), and its append is acknowledged only once both are stored; the
 * server clears an entry once the workflow took the signal, so a signal that could not be sent
 * before a crash or a long engine outage is sent after a restart.
 */
import { MongoBulkWriteError, type Collection } from 'mongodb';
import type { Collections, SignalOutboxDoc } from './documents';
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

/** An entry already there (a retried item's) is what recording it again wants. */
const onlyDuplicates = (error: unknown): boolean =>
  error instanceof MongoBulkWriteError && !error.result?.getWriteConcernError() && [error.writeErrors].flat().every((e) => e.code === 11000);

/** Records owed signals (idempotent: an entry kept per item). */
export async function recordPendingSignals(outbox: Collection<SignalOutboxDoc>, entries: PendingSignal[]): Promise<void> {
  if (entries.length === 0) return;
  try {
    await outbox.insertMany(
      entries.map(({ itemId, conversationId }) => ({ _id: itemId, conversationId })),
      { ordered: false },
    );
  } catch (error) {
    if (!onlyDuplicates(error)) throw error;
  }
}

export function signalOutboxMethods({ signalOutbox }: Collections) {
  // One write per event-loop turn: the caller answers once the signal is recorded.
  const add = tickBatch<PendingSignal>((entries) => recordPendingSignals(signalOutbox, entries));
  const clear = windowBatch<string>(async (itemIds) => {
    await signalOutbox.deleteMany({ _id: { $in: itemIds } });
  }, CLEAR_WINDOW_MS);
  return {
    /** Records that the signal of this (stored) item is owed; for an item appended without `owesSignal`. */
    addPendingSignal(itemId: string, conversationId: string): Promise<void> {
      return add({ itemId, conversationId });
    },

    /** The workflow took the signal; resolves once that is written (within `CLEAR_WINDOW_MS`). */
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
