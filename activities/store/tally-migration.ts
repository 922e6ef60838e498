/**
 * Unread counts used to count items at each read; they now come from tallies kept on items,
 * conversations and seen states (unread-tally.ts). This gives those stored before the tallies
 * theirs, once: a marker records that it is done. The appender tallies a conversation the same way
 * when it finds an item without a tally at its end (written by an instance of the earlier version
 * during a rolling deploy, or restored from a backup). Every write here is safe to repeat and to
 * race with another instance doing the same or serving: tallies are the same whoever computes them,
 * a base only rises, and a conversation's tally is set only while its newest item is the one read.
 */
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { Collections, ItemDoc, SeenDoc } from './documents';
import { EMPTY_TALLY, nextTally, readerBase, type UnreadTally } from './unread-tally';

const MARKER = 'unread-tallies';
const WRITE_BATCH = 1_000;

async function writeInBatches<T extends object>(write: (ops: AnyBulkWriteOperation<T>[]) => Promise<unknown>, ops: AnyBulkWriteOperation<T>[]): Promise<void> {
  for (let at = 0; at < ops.length; at += WRITE_BATCH) await write(ops.slice(at, at + WRITE_BATCH));
}

/**
 * Tallies one conversation's items in seq order, then writes its seen states' bases, its own
 * tally, and the items' last: until they are, a start finds the conversation untallied again.
 */
export async function tallyConversation({ conversations, items, seen }: Collections, conversationId: string): Promise<void> {
  const tallies = new Map<number, UnreadTally>();
  const itemWrites: AnyBulkWriteOperation<ItemDoc>[] = [];
  let tally = EMPTY_TALLY;
  const cursor = items.find({ conversationId }, { projection: { seq: 1, type: 1, visibility: 1, author: 1 }, sort: { seq: 1 } });
  for await (const item of cursor) {
    tally = nextTally(tally, item);
    tallies.set(item.seq, tally);
    itemWrites.push({ updateOne: { filter: { _id: item._id }, update: { $set: { tally } } } });
  }
  const seenStates = await seen.find({ conversationId }, { projection: { lastSeenSeq: 1, viewer: 1 } }).toArray();
  await writeInBatches<SeenDoc>(
    (ops) => seen.bulkWrite(ops),
    seenStates.map(({ _id, lastSeenSeq, viewer }) => ({
      updateOne: { filter: { _id }, update: { $max: { base: readerBase(tallies.get(lastSeenSeq) ?? EMPTY_TALLY, viewer) } } },
    })),
  );
  const conversation = await conversations.findOne({ _id: conversationId }, { projection: { lastSeqAll: 1 } });
  const newest = conversation && tallies.get(conversation.lastSeqAll);
  if (conversation && (newest || conversation.lastSeqAll === 0)) {
    await conversations.updateOne({ _id: conversationId, lastSeqAll: conversation.lastSeqAll }, { $set: { tally: newest ?? EMPTY_TALLY } });
  }
  await writeInBatches<ItemDoc>((ops) => items.bulkWrite(ops), itemWrites);
}

export async function tallyUnread(db: Db, collections: Collections): Promise<void> {
  const markers = db.collection<{ _id: string; at: string }>('migrations');
  if (await markers.findOne({ _id: MARKER })) return;
  // Not `distinct`: its answer is one document, which a large store's ids would overflow.
  const untallied = await collections.items.aggregate<{ _id: string }>([{ $match: { tally: { $exists: false } } }, { $group: { _id: '$conversationId' } }]).toArray();
  for (const { _id: conversationId } of untallied) await tallyConversation(collections, conversationId);
  // Seen before anything was written: nothing to read then.
  await collections.seen.updateMany({ base: { $exists: false } }, { $set: { base: 0 } });
  await markers.updateOne({ _id: MARKER }, { $set: { at: new Date().toISOString() } }, { upsert: true });
}
