/**
 * Unread counting: the items after the viewer's last seen seq that it may see, that its own side
 * did not write, and that say something (events and AI tool-call records are bookkeeping).
 */
import type { Filter } from 'mongodb';
import type { SeenBy, Viewer } from '../../domain/people';
import { UNREAD_EXEMPT_TYPES } from '../../domain/timeline';
import { audienceOf, visibilityFilter } from './audience';
import type { Collections, ConversationDoc, ItemDoc } from './documents';

export type UnreadSource = Pick<ConversationDoc, '_id' | 'lastSeqAll' | 'lastSeqPublic'>;

/** `_id` of a seen-state document: unambiguous whatever characters the ids contain. */
export const seenId = (conversationId: string, by: SeenBy): string => JSON.stringify([conversationId, by.kind, by.id]);

/** Whose seen state the viewer's mark records: for a contact, the contact's, whichever device made it. */
export const seenByOf = (viewer: Viewer): SeenBy => ({ kind: viewer.kind, id: viewer.id });

/** Whose seen states count when the viewer reads: a contact's device also keeps what it saw before it was linked. */
const seenStatesOf = (viewer: Viewer): SeenBy[] =>
  viewer.kind === 'contact' ? [seenByOf(viewer), { kind: 'visitor', id: viewer.visitorId }] : [seenByOf(viewer)];

/**
 * Items the viewer's own side wrote. In a visitor's conversation every visitor-written item is the
 * visitor's own, from one device of its contact or another; a team member's own are its own.
 */
const ownItems = (viewer: Viewer): Filter<ItemDoc> =>
  viewer.kind === 'visitor' || viewer.kind === 'contact' ? { 'author.kind': 'visitor' } : { 'author.kind': viewer.kind, 'author.id': viewer.id };

/** Unread counts per conversation id for one viewer (one read of its seen states, then one count per conversation with news). */
export async function unreadCounts({ seen, items }: Collections, conversations: UnreadSource[], viewer: Viewer): Promise<Map<string, number>> {
  const audience = audienceOf(viewer);
  const seenBy = seenStatesOf(viewer);
  const seenDocs = await seen.find({ _id: { $in: conversations.flatMap((c) => seenBy.map((by) => seenId(c._id, by))) } }).toArray();
  const lastSeen = new Map<string, number>();
  for (const { conversationId, lastSeenSeq } of seenDocs) lastSeen.set(conversationId, Math.max(lastSeen.get(conversationId) ?? 0, lastSeenSeq));
  const counts = new Map<string, number>();
  await Promise.all(
    conversations.map(async (c) => {
      const after = lastSeen.get(c._id) ?? 0;
      const newest = audience === 'public' ? c.lastSeqPublic : c.lastSeqAll;
      const count =
        newest <= after
          ? 0
          : await items.countDocuments({
              conversationId: c._id,
              seq: { $gt: after },
              ...visibilityFilter(audience),
              type: { $nin: [...UNREAD_EXEMPT_TYPES] },
              $nor: [ownItems(viewer)],
            });
      counts.set(c._id, count);
    }),
  );
  return counts;
}
