/**
 * Unread counting from the running tallies (unread-tally.ts): what the viewer has to read of its
 * conversation's tally now, less what it had to read when it last marked the conversation seen.
 * So it counts the items the viewer may see, that its own side did not write, and that say
 * something (events and AI tool-call records are bookkeeping), without reading one of them.
 */
import type { SeenBy, Viewer } from '../../domain/people';
import type { Collections, ConversationDoc } from './documents';
import { EMPTY_TALLY, readerBase } from './unread-tally';

export type UnreadSource = Pick<ConversationDoc, '_id' | 'tally'>;

/** What of a conversation `unreadCounts` reads. */
export const UNREAD_SOURCE_FIELDS = { _id: 1, tally: 1 } as const;

/** `_id` of a seen-state document: unambiguous whatever characters the ids contain. */
export const seenId = (conversationId: string, by: SeenBy): string => JSON.stringify([conversationId, by.kind, by.id]);

/** Whose seen state the viewer's mark records: for a contact, the contact's, whichever device made it. */
export const seenByOf = (viewer: Viewer): SeenBy => ({ kind: viewer.kind, id: viewer.id });

/**
 * Whose seen states count when the viewer reads: a contact's device also keeps what it saw before
 * it was linked (a visitor's base and a contact's are the same part of a tally). Identify copies
 * those marks to the contact now; a device linked by an earlier version still has only its own.
 */
const seenStatesOf = (viewer: Viewer): SeenBy[] =>
  viewer.kind === 'contact' ? [seenByOf(viewer), { kind: 'visitor', id: viewer.visitorId }] : [seenByOf(viewer)];

/** Unread counts per conversation id for one viewer: one read of its seen states. */
export async function unreadCounts({ seen }: Collections, conversations: UnreadSource[], viewer: Viewer): Promise<Map<string, number>> {
  const seenBy = seenStatesOf(viewer);
  const ids = conversations.flatMap((c) => seenBy.map((by) => seenId(c._id, by)));
  const seenDocs = await seen.find({ _id: { $in: ids } }, { projection: { conversationId: 1, base: 1 } }).toArray();
  const seenBase = new Map<string, number>();
  // A mark made by an instance of a version before the tallies has no base: as if never marked.
  for (const { conversationId, base } of seenDocs) seenBase.set(conversationId, Math.max(seenBase.get(conversationId) ?? 0, base ?? 0));
  const reader = seenByOf(viewer);
  return new Map(conversations.map((c) => [c._id, readerBase(c.tally ?? EMPTY_TALLY, reader) - (seenBase.get(c._id) ?? 0)]));
}
