/**
 * A conversation's `updatedAt` used to move only with lifecycle changes, not with its items, so
 * it could be older than its newest item. Items now move it (last-items.ts); this raises it to the
 * newest item's time for conversations stored before, once (a marker records that it is done), so
 * a sync by `updatedSince` finds them. `$max` only raises: safe to repeat and to race with serving
 * instances.
 */
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { Collections, ConversationDoc } from './documents';

const MARKER = 'updated-at-activity';
const BATCH = 1_000;

export async function raiseUpdatedAtToActivity(db: Db, { conversations }: Collections): Promise<void> {
  const markers = db.collection<{ _id: string; at: string }>('migrations');
  if (await markers.findOne({ _id: MARKER })) return;
  const behind = conversations.find({ $expr: { $lt: ['$updatedAt', '$lastActivityAt'] } }, { projection: { lastActivityAt: 1 } });
  const raises: AnyBulkWriteOperation<ConversationDoc>[] = [];
  for await (const { _id, lastActivityAt } of behind) {
    raises.push({ updateOne: { filter: { _id }, update: { $max: { updatedAt: lastActivityAt } } } });
    if (raises.length >= BATCH) await conversations.bulkWrite(raises.splice(0), { ordered: false });
  }
  if (raises.length > 0) await conversations.bulkWrite(raises, { ordered: false });
  await markers.updateOne({ _id: MARKER }, { $set: { at: new Date().toISOString() } }, { upsert: true });
}
