/**
 * The website's saved replies as the inbox holds them: read when the inbox starts and again
 * whenever the socket says they changed (`savedRepliesUpdated`), so the composer's list and the
 * Settings page have a reply a colleague just wrote without a reload.
 */
import { NewestAnswer } from '../../domain/newest-answer';
import { searchMatcher } from '../../domain/search-text';
import type { ApiClient } from '../shared/api-client';
import type { SavedReply } from '../shared/wire';

export class SavedReplies {
  private replies: readonly SavedReply[] = [];
  private readonly watchers = new Map<Element, () => void>();
  /** Reads may overlap (a frame, a reconnect, a save). */
  private readonly reads = new NewestAnswer();

  constructor(private readonly api: ApiClient) {}

  /** Every saved reply, by shortcut. */
  get all(): readonly SavedReply[] {
    return this.replies;
  }

  /** Those whose shortcut, title or text holds `query`, as the server's `?q=` finds them (case and accents aside). */
  matching(query: string): SavedReply[] {
    if (query === '') return [...this.replies];
    const holds = searchMatcher(query);
    return this.replies.filter((reply) => holds(reply.shortcut) || holds(reply.title) || holds(reply.text));
  }

  /** Reads them again and tells the watchers; rejects when the read failed (what was held stays). */
  async load(): Promise<void> {
    const take = this.reads.ask();
    const { savedReplies } = await this.api.savedReplies();
    if (!take()) return;
    this.replies = savedReplies;
    for (const [element, changed] of this.watchers) {
      if (element.isConnected) changed();
      else this.watchers.delete(element);
    }
  }

  /** Calls `changed` after each read while `element` is on the page (a page section drawn anew when they change). */
  watch(element: Element, changed: () => void): void {
    this.watchers.set(element, changed);
  }
}
