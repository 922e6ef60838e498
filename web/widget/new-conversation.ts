/**
 * The id "New conversation" opens: the same until the conversation is created by its first
 * message, so what the visitor wrote in it, or could not send, is there again when they come back
 * to it (from the list, or after a reload: the id is kept in sessionStorage).
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

  id(): string {
    if (this.current) return this.current;
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
