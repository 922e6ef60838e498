/** Unread counting: items after the viewer's last seen seq that it may see and that others wrote. */
import type { Viewer } from '../../domain/people';
import { audienceOf, visibilityFilter } from './audience';
import type { Collections, ConversationDoc } from './documents';

export type UnreadSource = Pick<ConversationDoc, '_id' | 'lastSeqAll' | 'lastSeqPublic'>;

/** `_id` of a seen-state document: unambiguous whatever characters the ids contain. */
export const seenId = (conversationId: string, viewer: Viewer): string => JSON.stringify([conversationId, viewer.kind, viewer.id]);

/** Unread counts per conversation id for one viewer (one read of its seen states, then one count per conversation with news). */
export async function unreadCounts({ seen, items }: Collections, conversations: UnreadSource[], viewer: Viewer): Promise<Map<string, number>> {
  const audience = audienceOf(viewer);
  const seenDocs = await seen.find({ _id: { $in: conversations.map((c) => seenId(c._id, viewer)) } }).toArray();
  const lastSeen = new Map(seenDocs.map((s) => [s.conversationId, s.lastSeenSeq]));
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
              $nor: [{ 'author.kind': viewer.kind, 'author.id': viewer.id }],
            });
      counts.set(c._id, count);
    }),
  );
  return counts;
}
