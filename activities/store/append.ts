/**
 * The timeline's write path, with group commit: appendItem calls made in the same turn of the
 * event loop are written together — one counter claim (`$inc` by the batch size) per
 * conversation, one unordered insertMany, one bulkWrite of last items — so 20 concurrent writers
 * cost a handful of round trips instead of three each. Each item's seq still comes from the
 * atomic per-conversation counter: seqs never repeat, and a batch's seqs are contiguous.
 */
import { MongoBulkWriteError, type AnyBulkWriteOperation } from 'mongodb';
import { AppError } from '../../domain/errors';
import type { ItemBase, NewTimelineItem, TimelineItem } from '../../domain/timeline';
import { toItem, type Collections, type ConversationDoc, type ItemDoc } from './documents';
import { groupBy } from './group-by';
import { sameContent } from './same-content';

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
  /** The item's conversation workflow is owed its `itemAdded` signal: recorded with the seq claim (signal-outbox.ts). */
  owesSignal?: boolean;
}

interface Request {
  item: ItemToAppend;
  owesSignal: boolean;
  resolve(result: Appended): void;
  reject(error: unknown): void;
}

interface Placed {
  request: Request;
  doc: ItemDoc;
}

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
    // A write concern error rides on `result`, beside any write errors: then no insert counts as durable.
    const concern = error instanceof MongoBulkWriteError ? error.result?.getWriteConcernError() : undefined;
    if (concern) {
      const failure = new AppError('ERR_INTERNAL', `items not durably written (${concern.errmsg ?? 'write concern error'}); retry`);
      return new Map(docs.map((_, index) => [index, failure]));
    }
    if (!(error instanceof MongoBulkWriteError) || !Array.isArray(error.writeErrors) || error.writeErrors.length === 0) {
      return new Map(docs.map((_, index) => [index, error]));
    }
    return new Map(error.writeErrors.map((writeError) => [writeError.index, writeError]));
  }
}

const isDuplicateWrite = (failure: unknown): boolean => (failure as { code?: unknown } | undefined)?.code === 11000;

/** Returns `appendItem`: idempotent on the item id, batched with concurrent calls. */
export function createAppender(collections: Collections): (item: ItemToAppend, options?: AppendOptions) => Promise<Appended> {
  const { counters, items, conversations } = collections;
  let queue: Request[] = [];

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

  /** Claims a contiguous run of seqs for each conversation's requests and builds their documents. */
  async function place(batch: Request[]): Promise<Placed[]> {
    const placed: Placed[] = [];
    await Promise.all(
      [...groupBy(batch, (request) => request.item.conversationId)].map(async ([conversationId, requests]) => {
        try {
          const owing = requests.filter((request) => request.owesSignal).map((request) => request.item.id);
          const claim = { $inc: { seq: requests.length }, ...(owing.length > 0 ? { $push: { pendingSignals: { $each: owing } } } : {}) };
          const counter = await counters.findOneAndUpdate({ _id: conversationId }, claim, { returnDocument: 'after', projection: { websiteId: 1, seq: 1 } });
          if (!counter) throw new AppError('ERR_NOT_FOUND', `unknown conversation ${conversationId}`);
          const first = counter.seq - requests.length + 1;
          requests.forEach((request, i) => {
            // Store-owned fields last, so no item field can override them (`websiteId` is reserved on items).
            placed.push({ request, doc: { ...request.item, _id: request.item.id, websiteId: counter.websiteId, seq: first + i } as ItemDoc });
          });
        } catch (error) {
          for (const request of requests) request.reject(error);
        }
      }),
    );
    return placed;
  }

  async function write(batch: Request[]): Promise<void> {
    const placed = await place(batch);
    if (placed.length === 0) return;
    const failures = await insertAll(collections, placed.map((p) => p.doc));
    const written = placed.filter((_, index) => !failures.has(index)).map(({ request, doc }) => ({ request, item: toItem(doc) }));
    try {
      await recordLastItems(written.map((w) => w.item));
      for (const { request, item } of written) request.resolve({ item, created: true });
    } catch (error) {
      for (const { request } of written) request.reject(error);
    }
    for (const [index, failure] of failures) {
      const { request } = placed[index]!;
      if (isDuplicateWrite(failure)) settleDuplicate(request.item, failure).then(request.resolve, request.reject);
      else request.reject(failure instanceof Error ? failure : new AppError('ERR_INTERNAL', `item write failed: ${(failure as { errmsg?: string }).errmsg}`));
    }
  }

  return (item, options = {}) =>
    new Promise<Appended>((resolve, reject) => {
      queue.push({ item, owesSignal: options.owesSignal ?? false, resolve, reject });
      if (queue.length > 1) return;
      setImmediate(() => {
        const batch = queue;
        queue = [];
        void write(batch).catch((error: unknown) => {
          for (const request of batch) request.reject(error); // settled requests ignore this
        });
      });
    });
}
