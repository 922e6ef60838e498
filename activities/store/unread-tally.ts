/**
 * Running tallies for unread counts, so a count reads no items however many are unread.
 *
 * Each stored item carries its conversation's tally up to and including it, made from the item
 * before it as the item is placed (append.ts); the conversation keeps its newest item's tally
 * (last-items.ts). A reader's `base` is what of a tally it has to read: for a visitor or a contact,
 * the public items the visitor side did not write; for a team member or an assistant, every item
 * but its own. Marking seen keeps the base at the newest item, and unread is the base now less the
 * base then. Only items that say something count (events and AI tool-call records do not).
 */
import type { SeenBy } from '../../domain/people';
import { UNREAD_EXEMPT_TYPES, type Author, type Visibility } from '../../domain/timeline';

/** How many countable items a team-side author (human, AI, system) wrote. */
export interface AuthorCount {
  kind: Author['kind'];
  id: string;
  n: number;
}

export interface UnreadTally {
  /** Countable public items the visitor side did not write. */
  pub: number;
  /** Countable items of any visibility. */
  all: number;
  /** Countable items per team-side author, so a team member's own can be left out of its count. */
  by: AuthorCount[];
}

export const EMPTY_TALLY: UnreadTally = { pub: 0, all: 0, by: [] };

/** What of an item a tally depends on. */
export interface TalliedFields {
  type: string;
  visibility: Visibility;
  author: Author;
}

/** The tally after `item`, given the tally before it. */
export function nextTally(before: UnreadTally, { type, visibility, author }: TalliedFields): UnreadTally {
  if (UNREAD_EXEMPT_TYPES.includes(type)) return before;
  const fromVisitor = author.kind === 'visitor';
  const pub = before.pub + (visibility === 'public' && !fromVisitor ? 1 : 0);
  if (fromVisitor) return { pub, all: before.all + 1, by: before.by };
  const mine = before.by.find((count) => count.kind === author.kind && count.id === author.id);
  const by = mine
    ? before.by.map((count) => (count === mine ? { ...count, n: count.n + 1 } : count))
    : [...before.by, { kind: author.kind, id: author.id, n: 1 }];
  return { pub, all: before.all + 1, by };
}

/** The part of a tally the reader has to read; it never decreases as items are added. */
export function readerBase(tally: UnreadTally, reader: SeenBy): number {
  if (reader.kind === 'visitor' || reader.kind === 'contact') return tally.pub;
  const own = tally.by.find((count) => count.kind === reader.kind && count.id === reader.id)?.n ?? 0;
  return tally.all - own;
}
