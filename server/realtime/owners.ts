/**
 * Who owns each conversation (visitor and contact), for routing events that only carry a
 * conversation id. Kept current from conversation change events; read from the store on a miss.
 * Changes the stream did not deliver (while it was down) leave it stale: `forgetAll` then.
 */
import type { Store } from '../../activities/store';
import type { ConversationOwners } from './events';

const MAX_ENTRIES = 50_000;

export class OwnersCache {
  private readonly owners = new Map<string, ConversationOwners>();
  /** Moves on at each `forgetAll`: a read that began before it is answered, not kept. */
  private generation = 0;

  constructor(private readonly store: Pick<Store, 'getConversation'>) {}

  set(conversationId: string, owners: ConversationOwners): void {
    this.owners.delete(conversationId);
    if (this.owners.size >= MAX_ENTRIES) {
      const oldest = this.owners.keys().next();
      if (!oldest.done) this.owners.delete(oldest.value);
    }
    this.owners.set(conversationId, owners);
  }

  /** The owners, or undefined for a conversation the store does not know. */
  async get(conversationId: string): Promise<ConversationOwners | undefined> {
    const cached = this.owners.get(conversationId);
    if (cached) return cached;
    const generation = this.generation;
    const conversation = await this.store.getConversation(conversationId, 'public');
    if (!conversation) return undefined;
    // A change event that came in during the read is as new as the read, or newer.
    const meanwhile = this.owners.get(conversationId);
    if (meanwhile) return meanwhile;
    const owners = ownersOf(conversation);
    if (generation === this.generation) this.set(conversationId, owners);
    return owners;
  }

  forgetAll(): void {
    this.owners.clear();
    this.generation += 1;
  }
}

export const ownersOf = ({ websiteId, visitorId, contactId }: { websiteId: string; visitorId: string; contactId?: string }): ConversationOwners => ({
  websiteId,
  visitorId,
  ...(contactId ? { contactId } : {}),
});
