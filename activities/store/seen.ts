import { AppError } from '../../domain/errors';
import type { Viewer, VisitorViewer } from '../../domain/people';
import { audienceOf, visibilityFilter } from './audience';
import type { Collections } from './documents';
import { UNREAD_SOURCE_FIELDS, seenByOf, seenId, unreadCounts, type UnreadSource } from './unread';
import { EMPTY_TALLY, readerBase } from './unread-tally';
import { scopeFilter } from './visitors';

/** A mark of seen: up to which seq (absent: the conversation's newest item), and when. */
export interface SeenMark {
  upToSeq?: number;
  at?: string;
}

/** Where a mark stands: an item's seq, and the reader's base of the tally there. */
interface MarkPoint {
  seq: number;
  base: number;
}

export function seenMethods(collections: Collections) {
  const { conversations, items, seen } = collections;
  const unreadSource = { projection: UNREAD_SOURCE_FIELDS } as const;
  const notFound = (conversationId: string) => new AppError('ERR_NOT_FOUND', `unknown conversation ${conversationId}`);

  /**
   * The conversation's newest item. One read: the tally is recorded with lastSeqAll, so the base is
   * the one at that seq. A visitor's mark names the newest public item (the base is the same: private
   * items are not in its part of a tally), so it is never told the seq of a private one.
   */
  async function newestPoint(conversationId: string, viewer: Viewer): Promise<MarkPoint> {
    const conversation = await conversations.findOne({ _id: conversationId }, { projection: { lastSeqAll: 1, lastSeqPublic: 1, tally: 1 } });
    if (!conversation) throw notFound(conversationId);
    const seq = audienceOf(viewer) === 'public' ? conversation.lastSeqPublic : conversation.lastSeqAll;
    return { seq, base: readerBase(conversation.tally ?? EMPTY_TALLY, seenByOf(viewer)) };
  }

  /** One indexed read (conversationId, seq) of the newest item the viewer may see at or before `upToSeq`. */
  function newestVisibleAtOrBefore(conversationId: string, upToSeq: number, viewer: Viewer) {
    return items.findOne({ conversationId, seq: { $lte: upToSeq }, ...visibilityFilter(audienceOf(viewer)) }, { projection: { seq: 1, tally: 1 }, sort: { seq: -1 } });
  }

  /**
   * Where a stored mark stands, as the viewer may be told it. A visitor's or contact's mark made by
   * an earlier version (or copied from one by identify) may stand on the seq of a private item: it
   * is told the newest public item's at or before it instead. Marks this version makes name public
   * items only, so the read is needed only when the stored mark is past the one just made.
   */
  async function toldSeq(conversationId: string, stored: number, made: number, viewer: Viewer): Promise<number> {
    if (stored === made || audienceOf(viewer) !== 'public') return stored;
    return (await newestVisibleAtOrBefore(conversationId, stored, viewer))?.seq ?? made;
  }

  /**
   * The newest item the viewer may see at or before `upToSeq`, read from the items rather than the
   * conversation's record of its newest (written after them), so an item already delivered counts.
   * Seqs have no holes and never fill in later, so the tally there is final.
   */
  async function pointAtOrBefore(conversationId: string, upToSeq: number, viewer: Viewer): Promise<MarkPoint> {
    const item = await newestVisibleAtOrBefore(conversationId, upToSeq, viewer);
    if (item) return { seq: item.seq, base: readerBase(item.tally ?? EMPTY_TALLY, seenByOf(viewer)) };
    if (!(await conversations.findOne({ _id: conversationId }, { projection: { _id: 1 } }))) throw notFound(conversationId);
    return { seq: 0, base: 0 };
  }

  return {
    /**
     * Records that the viewer has seen the conversation up to `upToSeq`, or to its newest item;
     * never beyond the newest item it may see, and never backwards: the answer is the mark as it stands.
     */
    async markSeen(conversationId: string, viewer: Viewer, { upToSeq, at = new Date().toISOString() }: SeenMark = {}): Promise<{ lastSeenAt: string; lastSeenSeq: number }> {
      const by = seenByOf(viewer);
      const { seq, base } = upToSeq === undefined ? await newestPoint(conversationId, viewer) : await pointAtOrBefore(conversationId, upToSeq, viewer);
      const doc = await seen.findOneAndUpdate(
        { _id: seenId(conversationId, by) },
        { $max: { lastSeenSeq: seq, lastSeenAt: at, base }, $setOnInsert: { conversationId, viewer: by } },
        { upsert: true, returnDocument: 'after' },
      );
      return { lastSeenAt: doc!.lastSeenAt, lastSeenSeq: await toldSeq(conversationId, doc!.lastSeenSeq, seq, viewer) };
    },

    /** How many items of the conversation the viewer has not seen (that it may see and others wrote). */
    async getUnreadCount(conversationId: string, viewer: Viewer): Promise<number> {
      const conversation = await conversations.findOne({ _id: conversationId }, unreadSource);
      if (!conversation) throw notFound(conversationId);
      return this.unreadCountAt(conversation, viewer);
    },

    /** The same, as of a copy of the conversation read before (a change's `unreadSource`): only the viewer's seen marks are read. */
    async unreadCountAt(conversation: UnreadSource, viewer: Viewer): Promise<number> {
      return (await unreadCounts(collections, [conversation], viewer)).get(conversation._id) ?? 0;
    },

    /** How many conversations in the visitor's scope have unread items for it (the widget badge). */
    async countUnreadConversations(websiteId: string, viewer: VisitorViewer): Promise<number> {
      const visitor = viewer.kind === 'contact' ? { id: viewer.visitorId, contactId: viewer.id } : { id: viewer.id };
      const inScope = await conversations.find(scopeFilter({ websiteId, visitor }), unreadSource).toArray();
      const counts = await unreadCounts(collections, inScope, viewer);
      return [...counts.values()].filter((count) => count > 0).length;
    },
  };
}
