/**
 * Changes to how earlier versions kept data, applied by `openStore` before anything else runs.
 * Each is idempotent and cheap once applied.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import type { Collections, SignalOutboxDoc } from './documents';
import { dropIndexIfPresent } from './drop-index';
import { SWEEP_INDEXES } from './indexes';
import { recordPendingSignals } from './signal-outbox';
import { keepPublicActivity } from './activity-migration';
import { tallyUnread } from './tally-migration';
import { raiseUpdatedAtToActivity } from './updated-at-migration';

/** NamespaceNotFound, CursorNotFound, QueryPlanKilled, CursorKilled: the collection was dropped while being read. */
const GONE_MEANWHILE = new Set([26, 43, 175, 237]);

/**
 * Seqs used to be claimed from a `counters` document per conversation, which also held the
 * conversation's owed workflow signals (`pendingSignals`). Seqs are now placed without a claim
 * (append.ts) and owed signals have a collection of their own: move them there, then drop
 * `counters`. Instances of the earlier version must be stopped first: they would go on writing
 * `counters`.
 */
async function dropSeqCounters(db: Db, outbox: Collection<SignalOutboxDoc>): Promise<void> {
  const exists = (await db.listCollections({ name: 'counters' }, { nameOnly: true }).toArray()).length > 0;
  if (!exists) return;
  const counters = db.collection<{ _id: string; pendingSignals?: string[] }>('counters');
  try {
    const owing = await counters.find({ 'pendingSignals.0': { $exists: true } }, { projection: { pendingSignals: 1 } }).toArray();
    const entries = owing.flatMap((doc) => [...new Set(doc.pendingSignals)].map((itemId) => ({ itemId, conversationId: doc._id })));
    await recordPendingSignals(outbox, entries);
  } catch (error) {
    // Another store opening at the same time (the engine thread's) moved them first, then dropped the collection.
    if (!(error instanceof MongoServerError && GONE_MEANWHILE.has(error.code as number))) throw error;
  }
  await counters.drop();
}

/**
 * Expired ephemeral events and full rate-limit buckets used to be swept by hand, by a plain index
 * on their expiry field; TTL indexes on the same fields (made before this runs) delete them now,
 * and the plain ones only cost writes. Run at every start: an instance of the earlier version
 * that starts makes them again (its sweeps and its index do no harm beside the TTL indexes).
 */
async function dropSweepIndexes(db: Db): Promise<void> {
  for (const [collection, index] of SWEEP_INDEXES) await dropIndexIfPresent(db, collection, index);
}

export async function migrate(db: Db, collections: Collections): Promise<void> {
  await dropSweepIndexes(db);
  await dropSeqCounters(db, collections.signalOutbox);
  await tallyUnread(db, collections);
  await keepPublicActivity(db, collections);
  await raiseUpdatedAtToActivity(db, collections);
}
