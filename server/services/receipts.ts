/** Typing indicators and seen receipts, from REST and sockets alike: relayed as ephemeral events. */
import type { Store } from '../../activities/store';
import { visibleConversation } from '../access';
import { authorOf, viewerOf, type Caller } from '../caller';
import type { EphemeralPublisher } from '../realtime/ephemeral';

export interface ReceiptDeps {
  store: Store;
  publisher: EphemeralPublisher;
}

export async function setTyping(deps: ReceiptDeps, caller: Caller, conversationId: string, isTyping: boolean, connectionId?: string) {
  await visibleConversation(deps.store, caller, conversationId);
  const author = authorOf(caller);
  await deps.publisher.typing(caller.website.id, {
    conversationId,
    actorType: author.kind,
    actorId: author.id,
    isTyping,
    ...(connectionId ? { connectionId } : {}),
  });
  return { conversationId, isTyping };
}

/** Marks the conversation seen up to `upToSeq` (the newest item the client shows), or up to its newest item. */
export async function markSeen(deps: ReceiptDeps, caller: Caller, conversationId: string, upToSeq?: number) {
  await visibleConversation(deps.store, caller, conversationId);
  const author = authorOf(caller);
  const { lastSeenAt, lastSeenSeq } = await deps.store.markSeen(conversationId, viewerOf(caller), { upToSeq });
  await deps.publisher.seen(caller.website.id, { conversationId, actorType: author.kind, actorId: author.id, lastSeenAt, lastSeenSeq });
  return { conversationId, lastSeenAt, lastSeenSeq };
}
