/**
 * The timeline's write path, with group commit: appendItem calls made in the same turn of the
 * event loop are written together — one unordered insertMany of items (beside it, one insert of
 * the signals they owe), then one bulkWrite of last items — so 20 concurrent writers cost a few
 * round trips instead of a few each.
 *
 * Seqs are placed optimistically: each item takes the next seq after where this appender last saw
 * its conversation's timeline end (timeline-ends.ts), and the unique `(conversationId, seq)` index
 * arbitrates. An item that loses a race to another writer (another instance, or the workflow's
 * activities) is placed again after a fresh look at the end. So a seq never repeats, and the
 * message path pays no round trip to claim one.
 */
import { MongoBulkWriteError, type AnyBulkWriteOperation } from 'mongodb';
import { AppError } from '../../domain/errors';
import type { ItemBase, NewTimelineItem, TimelineItem } from '../../domain/timeline';
import { toItem, type Collections, type ConversationDoc, type ItemDoc } from './documents';
import { groupBy } from './group-by';
import { ITEM_SEQ_INDEX } from './indexes';
import { sameContent } from './same-content';
import { recordPendingSignals } from './signal-outbox';
import { TimelineEnds } from './timeline-ends';

/**
 * An item to append. Domain `NewTimelineItem`'s plugin arm is `Omit<PluginItem, 'seq'>`, which
 * TypeScript flattens to a bare index signature; intersecting with the base restores its fields.
 */
export type ItemToAppend = NewTimelineItem & Omit<ItemBase, 'seq'>;

export interface Appended {
  item: TimelineItem;
  created: boolean;
}

export interface AppendOptions {
  /** The item's conversation workflow is owed its `itemAdded` signal: recorded before the append resolves (signal-outbox.ts). */
  owesSignal?: boolean;
}

interface Request {
  item: ItemToAppend;
  owesSignal: boolean;
  /** How many times this item has been placed: it is placed again after losing a seq race. */
  placements: number;
  resolve(result: Appended): void;
  reject(error: unknown): void;
}

interface Placed {
  request: Request;
  doc: ItemDoc;
}

/**
 * Seq races one item may lose before its append fails. Each costs a round trip. A conversation
 * written by two writers at once (a visitor's message and the AI's reply) loses one now and then;
 * ten writers on two clients hammering one conversation lost up to 11 in a row in the tests.
 */
const MAX_PLACEMENTS = 64;
/** After this many lost races in a row, an item's conversation end is read again before it is placed. */
const READ_AFTER_LOSSES = 4;

/** Fields a retry may differ in: the store assigns them, the client does not. */
const ASSIGNED_FIELDS = ['seq', 'createdAt'];

type ConversationUpdate = AnyBulkWriteOperation<ConversationDoc>;

/** Sets a conversation's last item for one audience or both, only if its recorded seq is older: a late, older write matches nothing. */
function recordIfNewer(item: TimelineItem, audiences: 'all' | 'public' | 'both'): ConversationUpdate {
  const seqField = audiences === 'public' ? 'lastSeqPublic' : 'lastSeqAll';
  const all = audiences !== 'public' ? { lastItemAll: item, lastSeqAll: item.seq } : {};
  const pub = audiences !== 'all' ? { lastItemPublic: item, lastSeqPublic: item.seq } : {};
  const activity = audiences !== 'public' ? { $max: { lastActivityAt: item.createdAt } } : {};
  return { updateOne: { filter: { _id: item.conversationId, [seqField]: { $lt: item.seq } }, update: { $set: { ...all, ...pub }, ...activity } } };
}

/**
 * The conditional updates that keep each conversation's newest item per audience. Since
 * lastSeqPublic ≤ lastSeqAll always, a public newest item usually needs one write for both
 * audiences; `repairs` cover the race where a newer (private) item was recorded first.
 */
function lastItemUpdates(written: TimelineItem[]): { updates: ConversationUpdate[]; repairs: ConversationUpdate[] } {
  const updates: ConversationUpdate[] = [];
  const repairs: ConversationUpdate[] = [];
  for (const group of groupBy(written, (item) => item.conversationId).values()) {
    const newest = group.reduce((a, b) => (b.seq > a.seq ? b : a));
    const newestPublic = group.filter((item) => item.visibility === 'public').reduce<TimelineItem | undefined>((a, b) => (!a || b.seq > a.seq ? b : a), undefined);
    if (newestPublic === newest) {
      updates.push(recordIfNewer(newest, 'both'));
      repairs.push(recordIfNewer(newest, 'public'));
    } else {
      updates.push(recordIfNewer(newest, 'all'));
      if (newestPublic) updates.push(recordIfNewer(newestPublic, 'public'));
    }
  }
  return { updates, repairs };
}

/** Index in the batch → why that insert failed (all of them when the whole command failed). */
async function insertAll(collections: Collections, docs: ItemDoc[]): Promise<Map<number, unknown>> {
  try {
    await collections.items.insertMany(docs, { ordered: false });
    return new Map();
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError) || error.writeConcernError || !Array.isArray(error.writeErrors) || error.writeErrors.length === 0) {
      return new Map(docs.map((_, index) => [index, error]));
    }
    return new Map(error.writeErrors.map((writeError) => [writeError.index, writeError]));
  }
}

const isDuplicateWrite = (failure: unknown): boolean => (failure as { code?: unknown } | undefined)?.code === 11000;

/** The item lost its seq to another writer (MongoDB and the embedded server both name the index in the message). */
const lostSeqRace = (failure: unknown): boolean => isDuplicateWrite(failure) && String((failure as { errmsg?: unknown }).errmsg).includes(`index: ${ITEM_SEQ_INDEX} `);

/** Returns `appendItem`: idempotent on the item id, batched with concurrent calls. */
export function createAppender(collections: Collections): (item: ItemToAppend, options?: AppendOptions) => Promise<Appended> {
  const { items, conversations } = collections;
  const ends = new TimelineEnds();
  /** Reads of timeline ends in flight, so that concurrent batches share them. */
  const reading = new Map<string, Promise<Set<string>>>();
  let queue: Request[] = [];

  function enqueue(request: Request): void {
    queue.push(request);
    if (queue.length > 1) return;
    setImmediate(() => {
      const batch = queue;
      queue = [];
      void write(batch).catch((error: unknown) => {
        for (const request of batch) {
          const end = ends.get(request.item.conversationId);
          if (end) end.stale = true; // whether its item was written is unknown
          request.reject(error); // settled requests ignore this
        }
      });
    });
  }

  async function recordLastItems(written: TimelineItem[]): Promise<void> {
    const { updates, repairs } = lastItemUpdates(written);
    if (updates.length === 0) return;
    const result = await conversations.bulkWrite(updates, { ordered: false });
    // Some write found a newer item already recorded: give the public copies their own chance.
    if (result.matchedCount < updates.length && repairs.length > 0) await conversations.bulkWrite(repairs, { ordered: false });
  }

  /** A retried id: the same content is the stored item (its last-item step repeated, in case the first attempt died before it); other content a conflict. */
  async function settleDuplicate(item: ItemToAppend, failure: unknown): Promise<Appended> {
    const doc = await items.findOne({ _id: item.id });
    if (!doc) throw failure;
    const existing = toItem(doc);
    if (!sameContent(existing, item, ASSIGNED_FIELDS)) throw new AppError('ERR_CONFLICT', `item ${item.id} already exists with other content`);
    await recordLastItems([existing]);
    return { item: existing, created: false };
  }

  /**
   * Reads each conversation's website and newest stored seq; returns the conversations that do not
   * exist. A known end only moves forward: seqs this appender has in flight stay reserved.
   */
  async function readEnds(conversationIds: string[]): Promise<Set<string>> {
    const [found, newest] = await Promise.all([
      conversations.find({ _id: { $in: conversationIds } }, { projection: { websiteId: 1 } }).toArray(),
      Promise.all(conversationIds.map((conversationId) => items.findOne({ conversationId }, { projection: { seq: 1 }, sort: { seq: -1 } }))),
    ]);
    const websites = new Map(found.map((doc) => [doc._id, doc.websiteId]));
    const missing = new Set<string>();
    conversationIds.forEach((conversationId, i) => {
      const websiteId = websites.get(conversationId);
      const stored = newest[i]?.seq ?? 0;
      const known = ends.get(conversationId);
      if (!websiteId) missing.add(conversationId);
      else if (!known) ends.set(conversationId, { websiteId, lastSeq: stored, stale: false });
      else Object.assign(known, { lastSeq: Math.max(known.lastSeq, stored), stale: false });
    });
    return missing;
  }

  /** Makes sure the ends of these conversations are known and fresh (sharing reads already under way); returns those that do not exist. */
  async function knowEnds(conversationIds: Iterable<string>): Promise<Set<string>> {
    const waits = new Set<Promise<Set<string>>>();
    const unknown: string[] = [];
    for (const conversationId of conversationIds) {
      const inFlight = reading.get(conversationId);
      if (inFlight) waits.add(inFlight);
      else if (!ends.get(conversationId) || ends.get(conversationId)!.stale) unknown.push(conversationId);
    }
    if (unknown.length > 0) {
      const read = readEnds(unknown).finally(() => unknown.forEach((conversationId) => reading.delete(conversationId)));
      for (const conversationId of unknown) reading.set(conversationId, read);
      waits.add(read);
    }
    return new Set((await Promise.all(waits)).flatMap((missing) => [...missing]));
  }

  /** Gives each request the next seq after its conversation's known end, and builds its document. */
  async function place(batch: Request[]): Promise<Placed[]> {
    const missing = await knowEnds(new Set(batch.map((request) => request.item.conversationId)));
    const placed: Placed[] = [];
    for (const request of batch) {
      const { conversationId } = request.item;
      const end = ends.get(conversationId);
      if (missing.has(conversationId)) request.reject(new AppError('ERR_NOT_FOUND', `unknown conversation ${conversationId}`));
      // Dropped from the cache meanwhile: placed with the next batch, after a fresh read.
      else if (!end) enqueue(request);
      else {
        end.lastSeq += 1;
        request.placements += 1;
        // Store-owned fields last, so no item field can override them (`websiteId` is reserved on items).
        placed.push({ request, doc: { ...request.item, _id: request.item.id, websiteId: end.websiteId, seq: end.lastSeq } as ItemDoc });
      }
    }
    return placed;
  }

  /** After a lost seq race: place the item anew (after a fresh look at its conversation's end). */
  function placeAgain(request: Request, failure: unknown): void {
    if (request.placements < MAX_PLACEMENTS) enqueue(request);
    else request.reject(new AppError('ERR_INTERNAL', `item ${request.item.id}: lost the race for a seq ${MAX_PLACEMENTS} times (${(failure as { errmsg?: string }).errmsg})`));
  }

  async function write(batch: Request[]): Promise<void> {
    const placed = await place(batch);
    if (placed.length === 0) return;
    const owed = placed.filter((p) => p.request.owesSignal).map(({ doc }) => ({ itemId: doc._id, conversationId: doc.conversationId }));
    // The owed signals are written beside the items: a crash between the two leaves either an
    // owed signal for an item that never came (skipped at start-up) or an unanswered append.
    const [failures] = await Promise.all([insertAll(collections, placed.map((p) => p.doc)), owed.length > 0 && recordPendingSignals(collections, owed)]);
    const written = placed.filter((_, index) => !failures.has(index)).map(({ request, doc }) => ({ request, item: toItem(doc) }));
    try {
      await recordLastItems(written.map((w) => w.item));
      for (const { request, item } of written) request.resolve({ item, created: true });
    } catch (error) {
      for (const { request } of written) request.reject(error);
    }
    // Latest seq first, so that an unused seq at the end of a conversation is handed back.
    for (const [index, failure] of [...failures].sort(([a], [b]) => placed[b]!.doc.seq - placed[a]!.doc.seq)) {
      const { request, doc } = placed[index]!;
      const end = ends.get(doc.conversationId);
      if (lostSeqRace(failure)) {
        // Its seq is taken: the item goes after the seqs this appender holds, at once. A read of the
        // stored end would cost a round trip the winning writer does not pay, so only every few
        // losses (to catch up with a writer far ahead).
        if (end && request.placements % READ_AFTER_LOSSES === 0) end.stale = true;
        placeAgain(request, failure);
        continue;
      }
      if (end?.lastSeq === doc.seq) end.lastSeq -= 1;
      if (isDuplicateWrite(failure)) settleDuplicate(request.item, failure).then(request.resolve, request.reject);
      else {
        if (end) end.stale = true; // whether it was written is unknown
        request.reject(failure instanceof Error ? failure : new AppError('ERR_INTERNAL', `item write failed: ${(failure as { errmsg?: string }).errmsg}`));
      }
    }
  }

  return (item, options = {}) =>
    new Promise<Appended>((resolve, reject) => enqueue({ item, owesSignal: options.owesSignal ?? false, placements: 0, resolve, reject }));
}
