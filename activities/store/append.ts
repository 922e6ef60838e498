/**
 * The timeline's write path, with group commit: appendItem calls made while a conversation's
 * previous write is under way, or in the same turn of the event loop, are written together, in one
 * ordered write (ordered-writes.ts): the workflow signals they owe, the items, then their
 * conversations' last items. So an append waits for one round trip, and 20 concurrent writers
 * share a few.
 *
 * Seqs are placed without a round trip to claim them: each item takes the next seq after where
 * this appender knows its conversation's timeline to end (timeline-ends.ts), and the unique
 * `(conversationId, seq)` index arbitrates between writers (other instances, the workflow's
 * activities). What keeps this safe is that a seq is only ever written by a writer that knows the
 * seq before it is stored:
 * - a conversation has one write under way at a time here, and the end moves only to seqs seen
 *   stored (this appender's own inserts, a read, the change stream);
 * - the write is ordered, so when one item fails the items after it are not written at all, and
 *   are placed again, after it.
 * So the stored seqs of a conversation are always 1..n with no hole, which a hole filled later
 * (below seqs clients have already received, and would resume after) would break; and the change
 * stream, in commit order, carries each conversation's items in seq order. An item that loses its
 * seq to another writer is placed again after a fresh read of the end.
 */
import { AppError } from '../../domain/errors';
import type { ItemBase, NewTimelineItem, TimelineItem } from '../../domain/timeline';
import { toItem, type Collections, type ItemDoc } from './documents';
import { groupBy } from './group-by';
import { ITEM_SEQ_INDEX } from './indexes';
import { lastItemUpdates, recordLastItems, repairLastItems } from './last-items';
import type { OrderedWrite, OrderedWriter } from './ordered-writes';
import { sameContent } from './same-content';
import { recordingOf } from './signal-outbox';
import { tallyConversation } from './tally-migration';
import type { StoredEnd, TimelineEnd, TimelineEnds } from './timeline-ends';
import { EMPTY_TALLY, nextTally } from './unread-tally';

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
  /** The assistant's message handing the visitor to the team: it ends no wait (ItemDoc's `handOff`). */
  handOff?: boolean;
  /**
   * Asked right before the item is placed after its conversation's end as this appender knows it,
   * and again if it is placed again: a reason to store nothing (the append fails with it), or
   * undefined. It reads the timeline after every item before the place is stored, and an item
   * stored in between would take that seq, so no item lands between its look and the write.
   */
  unless?: () => Promise<string | undefined>;
}

interface Request {
  item: ItemToAppend;
  owesSignal: boolean;
  handOff: boolean;
  unless?: () => Promise<string | undefined>;
  /** How many times this item has lost its seq to another writer. */
  lostRaces: number;
  resolve(result: Appended): void;
  reject(error: unknown): void;
}

interface Placed {
  request: Request;
  doc: ItemDoc;
}

/** Lost seq races before an append fails: each costs two round trips, and needs another writer to win each time. */
const MAX_LOST_RACES = 32;

/** Fields a retry may differ in: the store assigns them, the client does not. */
const ASSIGNED_FIELDS = ['seq', 'createdAt'];

const isDuplicateWrite = (failure: unknown): boolean => (failure as { code?: unknown } | undefined)?.code === 11000;
const lostSeqRace = (failure: unknown): boolean => isDuplicateWrite(failure) && String((failure as { errmsg?: unknown }).errmsg).includes(`index: ${ITEM_SEQ_INDEX} `);
const asError = (failure: unknown): Error =>
  failure instanceof Error ? failure : new AppError('ERR_INTERNAL', `item write failed: ${(failure as { errmsg?: string } | undefined)?.errmsg}`);

/** Returns `appendItem`: idempotent on the item id, batched with concurrent calls. */
export function createAppender(collections: Collections, ends: TimelineEnds, writeOrdered: OrderedWriter): (item: ItemToAppend, options?: AppendOptions) => Promise<Appended> {
  const { items, conversations, signalOutbox } = collections;
  let queue: Request[] = [];
  /** Conversations with a write under way: their new items wait for it. */
  const writing = new Set<string>();
  let scheduled = false;

  function schedule(): void {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(flush);
  }

  /**
   * Takes from the queue the requests to write now, in order: those of conversations with no write
   * under way, each conversation's up to its first request with `unless`, which goes alone, so what
   * it asks is asked once every item before it is stored.
   */
  function takeReady(): Request[] {
    const ready: Request[] = [];
    const left: Request[] = [];
    const full = new Set(writing);
    const taken = new Set<string>();
    for (const request of queue) {
      const conversationId = request.item.conversationId;
      const alone = request.unless !== undefined;
      if (full.has(conversationId) || (alone && taken.has(conversationId))) {
        full.add(conversationId);
        left.push(request);
        continue;
      }
      ready.push(request);
      taken.add(conversationId);
      if (alone) full.add(conversationId);
    }
    queue = left;
    return ready;
  }

  function flush(): void {
    scheduled = false;
    const ready = takeReady();
    // A request with `unless` is written by itself: its look (a read) holds up no other conversation's items.
    const plain = ready.filter((request) => request.unless === undefined);
    for (const batch of [plain, ...ready.filter((request) => request.unless !== undefined).map((request) => [request])]) {
      if (batch.length > 0) start(batch);
    }
  }

  /** Writes a batch, its conversations marked as writing meanwhile. */
  function start(batch: Request[]): void {
    const conversationIds = new Set(batch.map((request) => request.item.conversationId));
    for (const conversationId of conversationIds) writing.add(conversationId);
    void write(batch)
      .catch((error: unknown) => {
        for (const request of batch) {
          ends.forget(request.item.conversationId); // whether its item was written is unknown
          request.reject(error); // settled requests ignore this
        }
      })
      .finally(() => {
        for (const conversationId of conversationIds) writing.delete(conversationId);
        schedule();
      });
  }

  /** Puts requests back at the head of the queue, ahead of their conversations' newer items. */
  function placeAgain(requests: Request[]): void {
    queue = [...requests, ...queue];
  }

  /** A conversation's newest stored item (majority: an end a failover could roll back would have the next item written above a hole). */
  const readNewest = (conversationId: string) =>
    items.findOne({ conversationId }, { projection: { seq: 1, tally: 1 }, sort: { seq: -1 }, readConcern: { level: 'majority' } });

  /**
   * A conversation's end as stored. An item stored without its unread tally (by an instance of a
   * version before them, or restored from a backup of one) has its conversation tallied first.
   */
  async function readEnd(conversationId: string): Promise<StoredEnd> {
    let newest = await readNewest(conversationId);
    if (newest && !newest.tally) {
      await tallyConversation(collections, conversationId);
      newest = await readNewest(conversationId);
      if (newest && !newest.tally) throw new AppError('ERR_INTERNAL', `conversation ${conversationId} is still being written without unread tallies (an instance of an earlier version?); retry`);
    }
    return newest ? { lastSeq: newest.seq, tally: newest.tally } : { lastSeq: 0, tally: EMPTY_TALLY };
  }

  /**
   * Each conversation's website and newest stored item, read for those this appender does not
   * know: a TimelineEnd, or why it could not be read; missing conversations are absent.
   */
  async function knowEnds(conversationIds: string[]): Promise<Map<string, TimelineEnd | Error>> {
    const known = new Map<string, TimelineEnd | Error>();
    const unknown: string[] = [];
    for (const conversationId of conversationIds) {
      const end = ends.get(conversationId);
      if (end) known.set(conversationId, end);
      else unknown.push(conversationId);
    }
    if (unknown.length === 0) return known;
    const [found, stored] = await Promise.all([
      conversations.find({ _id: { $in: unknown } }, { projection: { websiteId: 1 } }).toArray(),
      Promise.allSettled(unknown.map(readEnd)),
    ]);
    const websites = new Map(found.map((doc) => [doc._id, doc.websiteId]));
    unknown.forEach((conversationId, i) => {
      const websiteId = websites.get(conversationId);
      const end = stored[i]!;
      if (!websiteId) return;
      if (end.status === 'rejected') return void known.set(conversationId, asError(end.reason));
      ends.stored(conversationId, websiteId, end.value);
      known.set(conversationId, ends.get(conversationId)!);
    });
    return known;
  }

  /**
   * Asks a request its `unless` (flush writes such a request alone), its conversation's end being
   * known; rejects it when refused, or when the question failed. Whether to place it.
   */
  async function mayPlace(request: Request, known: Map<string, TimelineEnd | Error>): Promise<boolean> {
    const end = known.get(request.item.conversationId);
    if (!request.unless || !end || end instanceof Error) return true; // placing rejects one whose end could not be known
    try {
      const reason = await request.unless();
      if (reason === undefined) return true;
      request.reject(new AppError('ERR_CONFLICT', reason));
    } catch (error) {
      request.reject(error);
    }
    return false;
  }

  /** Gives each conversation's requests the seqs after its known end, in order, each with its unread tally. */
  async function place(batch: Request[]): Promise<Placed[]> {
    const byConversation = groupBy(batch, (request) => request.item.conversationId);
    const known = await knowEnds([...byConversation.keys()]);
    // A request with `unless` is a batch of its own (flush); plain batches go straight on.
    if (batch[0]?.unless && !(await mayPlace(batch[0], known))) return [];
    const placed: Placed[] = [];
    for (const [conversationId, requests] of byConversation) {
      const end = known.get(conversationId);
      if (!end || end instanceof Error) {
        const error = end ?? new AppError('ERR_NOT_FOUND', `unknown conversation ${conversationId}`);
        for (const request of requests) request.reject(error);
        continue;
      }
      let tally = end.tally;
      requests.forEach((request, i) => {
        // Store-owned fields last, so no item field can override them (`websiteId` is reserved on items).
        const doc = { ...request.item, _id: request.item.id, websiteId: end.websiteId, seq: end.lastSeq + 1 + i, ...(request.handOff ? { handOff: true } : {}) } as ItemDoc;
        tally = doc.tally = nextTally(tally, doc);
        placed.push({ request, doc });
      });
    }
    return placed;
  }

  /**
   * Settles the requests from the one the ordered write stopped at on a taken id, and returns those
   * to place again. One read finds which of them are stored already: a retry with the same content
   * gets the stored item (its last item recorded again, in case the first attempt died before it;
   * its owed signal was recorded by this write), other content is a conflict. So a burst of retries,
   * as after clients reconnect, costs a few round trips rather than a write each.
   */
  async function settleRetries(requests: [Request, ...Request[]]): Promise<Request[]> {
    const docs = await items.find({ _id: { $in: requests.map((request) => request.item.id) } }).toArray();
    const storedItems = new Map(docs.map((doc) => [doc._id, { doc, item: toItem(doc) }]));
    const retried: Array<{ request: Request; existing: { doc: ItemDoc; item: TimelineItem } }> = [];
    const fresh: Request[] = [];
    for (const [index, request] of requests.entries()) {
      const existing = storedItems.get(request.item.id);
      if (existing && sameContent(existing.item, request.item, ASSIGNED_FIELDS)) retried.push({ request, existing });
      else if (existing) request.reject(new AppError('ERR_CONFLICT', `item ${request.item.id} already exists with other content`));
      else if (index > 0) fresh.push(request);
      else request.reject(new AppError('ERR_INTERNAL', `item ${request.item.id} was reported as a duplicate but is not stored; retry`));
    }
    await recordLastItems(conversations, retried.map(({ existing }) => existing.doc));
    for (const { request, existing } of retried) request.resolve({ item: existing.item, created: false });
    return fresh;
  }

  /**
   * Settles the requests from the one at which the ordered write stopped (the rest were not tried),
   * given why; returns those to place again, in order.
   */
  async function settleStopped(rest: [Placed, ...Placed[]], failure: unknown): Promise<Request[]> {
    const requests = rest.map((p) => p.request) as [Request, ...Request[]];
    const [stopped, ...after] = requests;
    if (lostSeqRace(failure)) {
      ends.forget(rest[0].doc.conversationId); // another writer is ahead: read where
      stopped.lostRaces += 1;
      if (stopped.lostRaces < MAX_LOST_RACES) return requests;
      stopped.reject(new AppError('ERR_INTERNAL', `item ${stopped.item.id}: lost the race for a seq ${MAX_LOST_RACES} times; retry`));
    } else if (isDuplicateWrite(failure)) return settleRetries(requests);
    else stopped.reject(asError(failure));
    return after;
  }

  /**
   * One ordered write: the signals the items owe, then the items, then their conversations' last
   * items. The repairs follow only when a last-item update matched nothing (a newer private item
   * was recorded first), which is rare: so an item is not serialized a fourth time per message.
   * Should the process die between the two, the visitors' preview stays on an older item until the
   * client's retry (settleRetries records it again) or the next public item.
   * Stopped at an item, the items before it are stored and their last items are recorded after;
   * an owed signal recorded for an item that was not stored is dropped at a later start.
   */
  async function write(batch: Request[]): Promise<void> {
    const placed = await place(batch);
    if (placed.length === 0) return;
    const owed = placed.filter((p) => p.request.owesSignal).map(({ doc }) => recordingOf({ itemId: doc._id, conversationId: doc.conversationId }));
    const { updates, repairs } = lastItemUpdates(placed.map(({ doc }) => doc));
    const outcome = await writeOrdered([
      ...owed.map(({ filter, update }): OrderedWrite => ({ kind: 'update', collection: signalOutbox, filter, update, upsert: true })),
      ...placed.map(({ doc }): OrderedWrite => ({ kind: 'insert', collection: items, document: doc })),
      ...updates.map(({ filter, update }): OrderedWrite => ({ kind: 'update', collection: conversations, filter, update })),
    ]);
    if (outcome.kind === 'unknown' || (outcome.kind === 'stopped' && outcome.applied < owed.length)) {
      const error = outcome.kind === 'unknown' ? outcome.error : asError(outcome.failed);
      for (const { request, doc } of placed) {
        if (outcome.kind === 'unknown') ends.forget(doc.conversationId);
        request.reject(error);
      }
      return;
    }
    const stored = outcome.kind === 'applied' ? placed : placed.slice(0, outcome.applied - owed.length);
    for (const { doc } of stored) ends.stored(doc.conversationId, doc.websiteId, { lastSeq: doc.seq, tally: doc.tally });
    const written = stored.map(({ request, doc }) => ({ request, item: toItem(doc) }));
    try {
      // Stopped before the last items: conditional and idempotent, so made again whole.
      if (outcome.kind === 'stopped') await recordLastItems(conversations, stored.map(({ doc }) => doc));
      else if (outcome.unmatched > 0) await repairLastItems(conversations, repairs);
      for (const { request, item } of written) request.resolve({ item, created: true });
    } catch (error) {
      for (const { request } of written) request.reject(error);
    }
    if (outcome.kind === 'applied') return;
    const rest = placed.slice(stored.length);
    // Their conversations are still marked as writing, so nothing newer of theirs is written before them.
    if (rest.length > 0) placeAgain(await settleStopped(rest as [Placed, ...Placed[]], outcome.failed));
  }

  return (item, options = {}) =>
    new Promise<Appended>((resolve, reject) => {
      queue.push({ item, owesSignal: options.owesSignal ?? false, handOff: options.handOff ?? false, unless: options.unless, lostRaces: 0, resolve, reject });
      schedule();
    });
}
