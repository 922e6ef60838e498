/**
 * Each conversation keeps its newest item per audience (`lastItemAll`, `lastItemPublic`) with its
 * seq and its time (`lastActivityAt`, `lastPublicActivityAt`), for the lists' previews and sort,
 * and the newest item's unread tally; that time also raises `updatedAt`. The writes are
 * conditional on the seq, so a late, older write never moves a conversation's last item back.
 */
import type { AnyBulkWriteOperation, Collection, Filter, UpdateFilter } from 'mongodb';
import type { TimelineItem } from '../../domain/timeline';
import { toItem, type ConversationDoc, type ItemDoc } from './documents';
import { groupBy } from './group-by';
import { waitingUpdate } from './waiting-since';

/** One conversation's conditional last-item update. */
export interface ConversationUpdate {
  filter: Filter<ConversationDoc>;
  update: UpdateFilter<ConversationDoc>;
}

const asBulk = (updates: ConversationUpdate[]): AnyBulkWriteOperation<ConversationDoc>[] => updates.map((updateOne) => ({ updateOne }));

/**
 * Sets a conversation's last item for one audience or both, only if its recorded seq is older: a
 * late, older write matches nothing. `item` is `doc` as clients see it, made once for both. A
 * write of the public item carries the batch's change of `waitingSince` (`waiting`) along.
 */
function recordIfNewer(doc: ItemDoc, item: TimelineItem, audiences: 'all' | 'public' | 'both', waiting?: UpdateFilter<ConversationDoc>): ConversationUpdate {
  const seqField = audiences === 'public' ? 'lastSeqPublic' : 'lastSeqAll';
  const all = audiences !== 'public' ? { lastItemAll: item, lastSeqAll: item.seq, tally: doc.tally } : {};
  const pub = audiences !== 'all' ? { lastItemPublic: item, lastSeqPublic: item.seq } : {};
  // The team's `updatedAt` moves with every item, a note too; a visitor's is its `lastPublicActivityAt` (conversations.ts toConversation).
  const activity = {
    ...(audiences !== 'public' ? { lastActivityAt: item.createdAt, updatedAt: item.createdAt } : {}),
    ...(audiences !== 'all' ? { lastPublicActivityAt: item.createdAt } : {}),
  };
  return { filter: { _id: item.conversationId, [seqField]: { $lt: item.seq } }, update: { ...waiting, $set: { ...all, ...pub, ...waiting?.$set }, $max: activity } };
}

/**
 * The conditional updates that keep each conversation's newest item per audience. Since
 * lastSeqPublic ≤ lastSeqAll always, a public newest item usually needs one write for both
 * audiences; `repairs` cover the race where a newer (private) item was recorded first: they are
 * needed only when an update matched nothing (and match nothing otherwise, so are safe to run).
 */
export function lastItemUpdates(written: ItemDoc[]): { updates: ConversationUpdate[]; repairs: ConversationUpdate[] } {
  const updates: ConversationUpdate[] = [];
  const repairs: ConversationUpdate[] = [];
  for (const group of groupBy(written, (item) => item.conversationId).values()) {
    const newest = group.reduce((a, b) => (b.seq > a.seq ? b : a));
    const newestPublic = group.filter((item) => item.visibility === 'public').reduce<ItemDoc | undefined>((a, b) => (!a || b.seq > a.seq ? b : a), undefined);
    const newestItem = toItem(newest);
    // Only public items move it, so it rides on the write of the newest public one.
    const waiting = waitingUpdate(group);
    if (newestPublic === newest) {
      updates.push(recordIfNewer(newest, newestItem, 'both', waiting));
      repairs.push(recordIfNewer(newest, newestItem, 'public', waiting));
    } else {
      updates.push(recordIfNewer(newest, newestItem, 'all'));
      if (newestPublic) updates.push(recordIfNewer(newestPublic, toItem(newestPublic), 'public', waiting));
    }
  }
  return { updates, repairs };
}

/** Records the written items as their conversations' last items where they are newer. */
export async function recordLastItems(conversations: Collection<ConversationDoc>, written: ItemDoc[]): Promise<void> {
  const { updates, repairs } = lastItemUpdates(written);
  if (updates.length === 0) return;
  const result = await conversations.bulkWrite(asBulk(updates), { ordered: false });
  // Some write found a newer item already recorded: give the public copies their own chance.
  if (result.matchedCount < updates.length) await repairLastItems(conversations, repairs);
}

/** Writes the repairs of `lastItemUpdates`, after some of its updates matched nothing. */
export async function repairLastItems(conversations: Collection<ConversationDoc>, repairs: ConversationUpdate[]): Promise<void> {
  if (repairs.length > 0) await conversations.bulkWrite(asBulk(repairs), { ordered: false });
}
