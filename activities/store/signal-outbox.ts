/**
 * Items whose conversation workflow has not yet taken the `itemAdded` signal, one document each in
 * `signal_outbox`. An item appended with `owesSignal` has its entry written before it, in the same
 * ordered write (append.ts), so no item is ever stored without it, and its append is acknowledged
 * only once both are stored; the server clears an entry once the workflow took the signal, so a
 * signal that could not be sent before a crash or a long engine outage is sent after a restart.
 */
import { MongoBulkWriteError, type Collection, type UpdateFilter } from 'mongodb';
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

/** An owed signal as listed, with when it was recorded. */
export type ListedSignal = PendingSignal & { recordedAt: string };

/** Records an owed signal; an entry already there (a retried item's) stays as it is. */
export const recordingOf = ({ itemId, conversationId }: PendingSignal): { filter: { _id: string }; update: UpdateFilter<SignalOutboxDoc> } => ({
  filter: { _id: itemId },
  update: { $setOnInsert: { conversationId, createdAt: new Date().toISOString() } },
});

/** An entry already there (a retried item's) is what recording it again wants. */
const onlyDuplicates = (error: unknown): boolean =>
  error instanceof MongoBulkWriteError && !error.result?.getWriteConcernError() && [error.writeErrors].flat().every((e) => e.code === 11000);

/** Records owed signals (idempotent: an entry kept per item). */
export async function recordPendingSignals(outbox: Collection<SignalOutboxDoc>, entries: PendingSignal[]): Promise<void> {
  if (entries.length === 0) return;
  try {
    await outbox.bulkWrite(
      entries.map((entry) => ({ updateOne: { ...recordingOf(entry), upsert: true } })),
      { ordered: false },
    );
  } catch (error) {
    // Two upserts of one new id at once: one of them may lose to the other's insert.
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
    async listPendingSignals(): Promise<ListedSignal[]> {
      const docs = await signalOutbox.find({}).toArray();
      return docs.map(({ _id, conversationId, createdAt }) => ({ itemId: _id, conversationId, recordedAt: createdAt }));
    },
  };
}
