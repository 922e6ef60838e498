/**
 * A listing's search (`q`): the listing's conversations, under its other filters, in its order and
 * from its cursor, looked through a few at a time until a page is found. Each is matched by its
 * title or a tag (here, with the same pattern), its contact's name or email (one read of those
 * contacts) and the `text` of its items or of a message's text parts (reads of its items by the
 * conversation's index). No regex that is not anchored is served by an index, so it is the reads
 * of items that cost: bounded per read, so that the store (the embedded one answers one command at
 * a time) is never held long, and per page, so that a rare text over a large inbox comes back in
 * pages that go on from where the last stopped, rather than in one long scan.
 */
import type { Filter } from 'mongodb';
import { searchPattern } from '../../domain/search-text';
import type { Collections, ConversationDoc, ItemDoc } from './documents';

/** How much a search reads: items, and conversations (each counted as one item). */
export interface SearchBudget {
  /** What one page looks through at most (at least one conversation): then it ends, short, its cursor going on from there. */
  perPage: number;
  /** Items one read looks through at most; a conversation with more is read in parts, newest first, until one matches. */
  perRead: number;
}

/** About 40 ms of the embedded store's time per page, in reads of about 4 ms (bench/search.ts). */
export const SEARCH_BUDGET: SearchBudget = { perPage: 50_000, perRead: 5_000 };

/** Conversations read at a time, in the listing's order. */
const CONVERSATIONS_PER_READ = 200;

/** What the search reads of the conversations it looks through (besides what the listing's order needs). */
export const SEARCHED_FIELDS = { title: 1, tags: 1, contactId: 1, lastSeqAll: 1 } as const;

/** The listing's next `limit` conversations after `last` (from the page's cursor without one), `SEARCHED_FIELDS` of them at least. */
export type ListingReader = (last: ConversationDoc | undefined, limit: number) => Promise<ConversationDoc[]>;

export interface SearchPage {
  /** The conversations found, in the listing's order: `wanted` of them, or fewer. */
  found: ConversationDoc[];
  /** Set when the budget ran out before `wanted` were found: the last conversation looked through. */
  stoppedAfter?: ConversationDoc;
}

/** The store's form of the pattern: a string with $options rather than a RegExp, so the same source reaches MongoDB's engine as written. */
type StoreRegex = { $regex: string; $options: 'i' };

/** Ids of the conversations among `docs` whose contact's name or email matches. */
async function byContact({ contacts }: Collections, docs: readonly ConversationDoc[], matches: StoreRegex): Promise<Set<string>> {
  const contactIds = [...new Set(docs.flatMap((doc) => (doc.contactId === undefined ? [] : [doc.contactId])))];
  if (contactIds.length === 0) return new Set();
  const found = await contacts.find({ _id: { $in: contactIds }, $or: [{ name: matches }, { email: matches }] }, { projection: { _id: 1 } }).toArray();
  const matched = new Set(found.map((contact) => contact._id));
  return new Set(docs.filter((doc) => doc.contactId !== undefined && matched.has(doc.contactId)).map((doc) => doc._id));
}

/**
 * Ids of the conversations among `docs` (items at most `perRead` together, or one conversation)
 * that hold the text in an item, and how many items were looked through. One conversation with
 * more is read in parts of `perRead` items by seq, the newest part (open-ended: its last items may
 * be stored before its last seq is) first, until a part matches.
 */
async function byItems({ items }: Collections, docs: readonly ConversationDoc[], matches: StoreRegex, perRead: number): Promise<{ ids: Set<string>; read: number }> {
  const text: Filter<ItemDoc> = { $or: [{ text: matches }, { 'parts.text': matches }] };
  const [only] = docs;
  if (docs.length === 1 && only && only.lastSeqAll > perRead) {
    const newest = only.lastSeqAll - perRead;
    let read = 0;
    for (let above = newest; above > -perRead; above -= perRead) {
      const seq = above === newest ? { $gt: above } : { $gt: above, $lte: above + perRead };
      read += above + perRead - Math.max(above, 0);
      if (await items.findOne({ conversationId: only._id, seq, ...text }, { projection: { _id: 1 } })) return { ids: new Set([only._id]), read };
    }
    return { ids: new Set(), read };
  }
  // Two stages: the embedded server matches the ids on their own without mingo, whose $in hashes
  // every id for every item, and the pattern on those items alone. MongoDB joins the two.
  const found = await items
    .aggregate<{ _id: string }>([{ $match: { conversationId: { $in: docs.map((doc) => doc._id) } } }, { $match: text }, { $group: { _id: '$conversationId' } }])
    .toArray();
  return { ids: new Set(found.map((doc) => doc._id)), read: docs.reduce((sum, doc) => sum + doc.lastSeqAll, 0) };
}

/** What reading `doc`'s items costs: nothing once it matched otherwise. */
const itemCost = (doc: ConversationDoc, matched: ReadonlySet<string>): number => (matched.has(doc._id) ? 0 : doc.lastSeqAll);

/** How many of `docs`, from `start`, one read of items takes: at most `most` conversations and `perRead` items, one conversation at least. */
function chunkLength(docs: readonly ConversationDoc[], start: number, most: number, perRead: number, matched: ReadonlySet<string>): number {
  let length = 1;
  let items = itemCost(docs[start]!, matched);
  for (; length < most && start + length < docs.length; length++) {
    const cost = itemCost(docs[start + length]!, matched);
    if (items + cost > perRead) break;
    items += cost;
  }
  return length;
}

/** The first `wanted` conversations of the listing that hold `text` (trimmed and composed), or as many as the budget finds. */
export async function searchListing(collections: Collections, text: string, read: ListingReader, wanted: number, budget: SearchBudget = SEARCH_BUDGET): Promise<SearchPage> {
  const source = searchPattern(text);
  const matches: StoreRegex = { $regex: source, $options: 'i' };
  const pattern = new RegExp(source, 'i');
  const holds = (value: string | undefined) => value !== undefined && pattern.test(value);
  const found: ConversationDoc[] = [];
  let spent = 0;
  let reads = 0;
  let last: ConversationDoc | undefined;
  for (;;) {
    const batch = await read(last, CONVERSATIONS_PER_READ);
    const matched = await byContact(collections, batch, matches);
    for (const doc of batch) if (holds(doc.title) || doc.tags.some(holds)) matched.add(doc._id);
    // In the listing's order, a few at a time, so that reading stops once the page is found.
    for (let start = 0; start < batch.length; ) {
      // Every page looks through one conversation at least, so that paging moves on.
      if (last !== undefined && spent >= budget.perPage) return { found, stoppedAfter: last };
      // As many conversations as the page lacks at first (a common text fills it), twice as many at each read after (a rare one reads fewer, larger).
      const chunk = batch.slice(start, start + chunkLength(batch, start, (wanted - found.length) * 2 ** reads, budget.perRead, matched));
      const unmatched = chunk.filter((doc) => !matched.has(doc._id));
      if (unmatched.length > 0) {
        const { ids, read: itemsRead } = await byItems(collections, unmatched, matches, budget.perRead);
        for (const id of ids) matched.add(id);
        spent += itemsRead;
        reads++;
      }
      spent += chunk.length;
      for (const doc of chunk) {
        last = doc;
        if (!matched.has(doc._id)) continue;
        found.push(doc);
        if (found.length === wanted) return { found };
      }
      start += chunk.length;
    }
    if (batch.length < CONVERSATIONS_PER_READ) return { found };
  }
}
