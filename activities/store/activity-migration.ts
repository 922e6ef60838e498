/**
 * A visitor's list used to sort on the time of a conversation's newest item of any visibility,
 * so a private note moved it. It now sorts on `lastPublicActivityAt`: this gives conversations
 * stored before it theirs (the newest public item's time, or the creation's), and drops the
 * indexes it replaced, once: a marker records that it is done. Safe to repeat and to race with
 * serving instances: a conversation that has the field is never written here, and appends only
 * raise it. Instances of the earlier version must be stopped first: conversations they create
 * afterwards lack the field, and a visitor's list would not page past them.
 */
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { Collections, ConversationDoc } from './documents';
import { dropIndexIfPresent } from './drop-index';
import { RETIRED_INDEXES } from './indexes';

const WRITE_BATCH = 1_000;

const MARKER = 'public-activity';

export async function keepPublicActivity(db: Db, { conversations }: Collections): Promise<void> {
  const markers = db.collection<{ _id: string; at: string }>('migrations');
  if (await markers.findOne({ _id: MARKER })) return;
  const missing = conversations.find({ lastPublicActivityAt: { $exists: false } }, { projection: { createdAt: 1, 'lastItemPublic.createdAt': 1 } });
  let ops: AnyBulkWriteOperation<ConversationDoc>[] = [];
  for await (const doc of missing) {
    const at = doc.lastItemPublic?.createdAt ?? doc.createdAt;
    ops.push({ updateOne: { filter: { _id: doc._id, lastPublicActivityAt: { $exists: false } }, update: { $set: { lastPublicActivityAt: at } } } });
    if (ops.length === WRITE_BATCH) {
      await conversations.bulkWrite(ops, { ordered: false });
      ops = [];
    }
  }
  if (ops.length > 0) await conversations.bulkWrite(ops, { ordered: false });
  for (const [collection, index] of RETIRED_INDEXES) await dropIndexIfPresent(db, collection, index);
  await markers.updateOne({ _id: MARKER }, { $set: { at: new Date().toISOString() } }, { upsert: true });
}
