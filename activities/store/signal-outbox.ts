/**
 * Items whose conversation workflow has not yet acknowledged the `itemAdded` signal. The server
 * records one before it answers a write and clears it once the workflow took the signal, so a
 * signal that could not be sent before a crash or a long engine outage is sent after a restart.
 */
import { MongoBulkWriteError, type Db } from 'mongodb';
import { tickBatch } from './tick-batch';

export const SIGNAL_OUTBOX = 'signal_outbox';

export interface PendingSignal {
  itemId: string;
  conversationId: string;
  createdAt: string;
}

interface PendingSignalDoc {
  _id: string;
  conversationId: string;
  createdAt: string;
}

/** An entry already there is what an idempotent add wants. */
const onlyDuplicates = (error: unknown): boolean =>
  error instanceof MongoBulkWriteError && !error.writeConcernError && [error.writeErrors].flat().every((e) => e.code === 11000);

export function signalOutboxMethods(db: Db) {
  const outbox = db.collection<PendingSignalDoc>(SIGNAL_OUTBOX);
  // One write per event-loop turn for each: they are on every message's path.
  const add = tickBatch<PendingSignalDoc>(async (docs) => {
    try {
      await outbox.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!onlyDuplicates(error)) throw error;
    }
  });
  const clear = tickBatch<string>(async (ids) => {
    await outbox.deleteMany({ _id: { $in: ids } });
  });
  return {
    /** Records that this item's signal is owed (idempotent). */
    addPendingSignal(itemId: string, conversationId: string): Promise<void> {
      return add({ _id: itemId, conversationId, createdAt: new Date().toISOString() });
    },

    /** The workflow took the signal. */
    clearPendingSignal(itemId: string): Promise<void> {
      return clear(itemId);
    },

    /** Signals still owed, oldest first. */
    async listPendingSignals(limit = 1_000): Promise<PendingSignal[]> {
      const docs = await outbox.find({}).sort({ createdAt: 1 }).limit(limit).toArray();
      return docs.map(({ _id, conversationId, createdAt }) => ({ itemId: _id, conversationId, createdAt }));
    },
  };
}
