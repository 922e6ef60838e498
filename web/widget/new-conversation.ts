/**
 * The id "New conversation" opens: the same until the conversation is created by its first
 * message, so what the visitor wrote in it, or could not send, is there again when they come back
 * to it (from the list, or after a reload: the id is kept in sessionStorage). A duplicated tab
 * copies sessionStorage, so another tab may hold the same id: once one of them has created that
 * conversation, the others start a new one.
 */
import { clientId } from '../shared/api-client';

export class NewConversation {
  private current: string | undefined;

  constructor(private readonly storageKey: string) {
    try {
      this.current = sessionStorage.getItem(storageKey) ?? undefined;
    } catch {
      // No storage: kept while the page lives.
    }
  }

  /** The id to open; `isConversation` says whether the visitor has a conversation with that id already. */
  id(isConversation: (id: string) => boolean): string {
    if (this.current && !isConversation(this.current)) return this.current;
    const id = clientId('conv');
    this.keep(id);
    return id;
  }

  /** It exists now: the next "New conversation" is another. */
  created(conversationId: string): void {
    if (conversationId === this.current) this.keep(undefined);
  }

  private keep(id: string | undefined): void {
    this.current = id;
    try {
      if (id) sessionStorage.setItem(this.storageKey, id);
      else sessionStorage.removeItem(this.storageKey);
    } catch {
      // As above.
    }
  }
}
