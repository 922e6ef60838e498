/**
 * Items whose conversation workflow has not yet acknowledged the `itemAdded` signal. The server
 * records one before it answers a write and clears it once the workflow took the signal, so a
 * signal that could not be sent before a crash or a long engine outage is sent after a restart.
 */
import type { Db } from 'mongodb';

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

export function signalOutboxMethods(db: Db) {
  const outbox = db.collection<PendingSignalDoc>(SIGNAL_OUTBOX);
  return {
    /** Records that this item's signal is owed (idempotent). */
    async addPendingSignal(itemId: string, conversationId: string): Promise<void> {
      await outbox.updateOne({ _id: itemId }, { $setOnInsert: { conversationId, createdAt: new Date().toISOString() } }, { upsert: true });
    },

    /** The workflow took the signal. */
    async clearPendingSignal(itemId: string): Promise<void> {
      await outbox.deleteOne({ _id: itemId });
    },

    /** Signals still owed, oldest first. */
    async listPendingSignals(limit = 1_000): Promise<PendingSignal[]> {
      const docs = await outbox.find({}).sort({ createdAt: 1 }).limit(limit).toArray();
      return docs.map(({ _id, conversationId, createdAt }) => ({ itemId: _id, conversationId, createdAt }));
    },
  };
}
