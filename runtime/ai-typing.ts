/**
 * The AI's typing indicator, relayed like a person's: an ephemeral store event that every server
 * instance turns into `conversationTyping {actorType: 'ai'}` for the conversation's sockets.
 */
import type { AiTypingEvent } from '../activities/ai';
import type { Store } from '../activities/store';
import { EphemeralPublisher } from '../server/realtime/ephemeral';

export function aiTypingRelay(store: Pick<Store, 'getConversation' | 'publishEphemeral'>): (event: AiTypingEvent) => Promise<void> {
  const publisher = new EphemeralPublisher(store);
  return async (event) => {
    const conversation = await store.getConversation(event.conversationId, 'public');
    if (conversation) await publisher.typing(conversation.websiteId, event);
  };
}
