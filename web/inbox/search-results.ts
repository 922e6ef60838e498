/**
 * The inbox's search results. Only the server can say which conversations hold the search text in
 * what was said (the page holds the items of the open conversation alone), so the list shows those
 * its pages listed for that text. A conversation that changes live is added only when what the page
 * holds of it shows the text (its title, a tag, its contact, its last message): one changed live
 * that does not match is not added, and one listed stays, updated, whatever it says next.
 */
import { searchMatcher } from '../../domain/search-text';
import { previewItemOf } from '../shared/conversation-collection';
import type { ConversationListEntry } from '../shared/wire';

/** The search text as the server takes it: trimmed and composed. */
export const searchTextOf = (typed: string): string => typed.trim().normalize('NFC');

export class SearchResults {
  /** The search text the ids were listed for. */
  private text = '';
  private listed = new Set<string>();

  /** A first page read for the search `typed`: the results are these now. */
  replace(typed: string, conversations: readonly ConversationListEntry[]): void {
    this.text = searchTextOf(typed);
    this.listed = new Set(conversations.map((c) => c.id));
  }

  /** A next page of the same search. */
  add(conversations: readonly ConversationListEntry[]): void {
    for (const c of conversations) this.listed.add(c.id);
  }

  /** The conversations of `entries` that the search `typed` shows (all of them without one). */
  shown(entries: readonly ConversationListEntry[], typed: string): ConversationListEntry[] {
    const text = searchTextOf(typed);
    if (!text) return [...entries];
    // Ids listed for other text (the read for this one is under way) count for nothing.
    const listed = text === this.text ? this.listed : new Set<string>();
    const holds = searchMatcher(text);
    return entries.filter((c) => listed.has(c.id) || [c.title, ...c.tags, c.contact?.name, c.contact?.email, previewItemOf(c)?.text].some(holds));
  }
}
