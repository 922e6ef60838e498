import { AppError } from '../../domain/errors';
import type { Viewer, VisitorViewer } from '../../domain/people';
import type { Collections } from './documents';
import { UNREAD_SOURCE_FIELDS, seenByOf, seenId, unreadCounts, type UnreadSource } from './unread';
import { EMPTY_TALLY, readerBase } from './unread-tally';
import { scopeFilter } from './visitors';

export function seenMethods(collections: Collections) {
  const { conversations, seen } = collections;
  const unreadSource = { projection: UNREAD_SOURCE_FIELDS } as const;

  return {
    /** Records that the viewer has seen the conversation up to its newest item; never moves backwards. */
    async markSeen(conversationId: string, viewer: Viewer, at: string = new Date().toISOString()): Promise<{ lastSeenAt: string; lastSeenSeq: number }> {
      // One read: the tally is recorded with lastSeqAll, so the base is the one at that seq.
      const conversation = await conversations.findOne({ _id: conversationId }, { projection: { lastSeqAll: 1, tally: 1 } });
      if (!conversation) throw new AppError('ERR_NOT_FOUND', `unknown conversation ${conversationId}`);
      const by = seenByOf(viewer);
      const base = readerBase(conversation.tally ?? EMPTY_TALLY, by);
      const doc = await seen.findOneAndUpdate(
        { _id: seenId(conversationId, by) },
        { $max: { lastSeenSeq: conversation.lastSeqAll, lastSeenAt: at, base }, $setOnInsert: { conversationId, viewer: by } },
        { upsert: true, returnDocument: 'after' },
      );
      return { lastSeenAt: doc!.lastSeenAt, lastSeenSeq: doc!.lastSeenSeq };
    },

    /** How many items of the conversation the viewer has not seen (that it may see and others wrote). */
    async getUnreadCount(conversationId: string, viewer: Viewer): Promise<number> {
      const conversation = await conversations.findOne({ _id: conversationId }, unreadSource);
      if (!conversation) throw new AppError('ERR_NOT_FOUND', `unknown conversation ${conversationId}`);
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
