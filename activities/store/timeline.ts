import type { Filter } from 'mongodb';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { STORE_ITEM_FIELDS, type TimelineItem } from '../../domain/timeline';
import { createAppender, type Appended, type AppendOptions, type ItemToAppend } from './append';
import { visibilityFilter, type Audience } from './audience';
import { checkLimit, decodeCursor, encodeCursor } from './cursor';
import { toItem, type Collections, type ItemDoc, type RecordedReply } from './documents';
import type { OrderedWriter } from './ordered-writes';
import type { TimelineEnds } from './timeline-ends';

/**
 * Page through a timeline from its start (`cursor`), from after a known seq (`afterSeq`, for
 * resuming), or backwards: the last items before a seq (`beforeSeq`, for opening a long timeline
 * at its end and scrolling up).
 */
export type ItemPageRequest = { audience: Audience; limit?: number } & (
  | { cursor?: string; afterSeq?: never; beforeSeq?: never }
  | { afterSeq: number; cursor?: never; beforeSeq?: never }
  | { beforeSeq: number; cursor?: never; afterSeq?: never }
);

export interface ItemPage {
  /** In timeline order, whichever way the page was read. */
  items: TimelineItem[];
  nextCursor: string | null;
  hasNextPage: boolean;
  /**
   * Read backwards (`beforeSeq`): whether older items are left (ask again before the first seq here).
   * `hasNextPage` and `nextCursor` then say whether newer ones follow, and read them forwards.
   */
  hasPreviousPage?: boolean;
}

/** Fields an answer may not change: identity, position, authorship, who may see it, and the store's own. */
const FIXED_FIELDS = new Set(['_id', 'id', 'conversationId', 'seq', 'type', 'visibility', 'author', 'createdAt', ...STORE_ITEM_FIELDS]);

const DEFAULT_PAGE_SIZE = 50;
/** Items read at a time looking for the newest one a reader may see (most hidden newest items are one). */
const NEWEST_BATCH = 10;
/** How far back that looks: a conversation ending in thousands of hidden items costs no more than this. */
const NEWEST_SCAN_LIMIT = 200;
const itemCursor = z.strictObject({ afterSeq: z.number().int().nonnegative() });

/**
 * The condition that a field still holds `value` as read: absent, or equal to it as a whole. A
 * query's `$eq` alone also accepts an array that merely holds the value among its elements.
 */
function heldAsRead(value: unknown): Filter<ItemDoc>[string] {
  if (value === undefined) return { $exists: false };
  return Array.isArray(value) ? { $eq: value, $not: { $elemMatch: { $eq: value } } } : { $eq: value, $not: { $type: 'array' } };
}

/** The public messages of the visitor (or the team's people: `human`) after `seq`. */
const messagesAfter = (conversationId: string, seq: number, kind: 'visitor' | 'human' = 'visitor') => ({ conversationId, seq: { $gt: seq }, type: 'message', visibility: 'public', 'author.kind': kind }) as const;

export function timelineMethods(collections: Collections, ends: TimelineEnds, writeOrdered: OrderedWriter) {
  const { items, conversations } = collections;
  const append = createAppender(collections, ends, writeOrdered);

  /** Sets the patch (and internal fields) on the item `filter` finds, refreshing the conversation's copies of it; null when none matches. */
  async function patchItem(filter: Filter<ItemDoc>, patch: Record<string, unknown>, internal: Partial<ItemDoc>): Promise<TimelineItem | null> {
    const bad = Object.keys(patch).filter((key) => FIXED_FIELDS.has(key) || key.startsWith('$') || key.includes('.'));
    if (bad.length > 0) throw new AppError('ERR_INVALID_INPUT', `these item fields cannot be updated: ${bad.join(', ')}`, { fields: bad });
    const doc = await items.findOneAndUpdate(filter, { $set: { ...patch, ...internal } }, { returnDocument: 'after' });
    if (!doc) return null;
    const item = toItem(doc);
    // Refresh the copies kept as the conversation's last item, where this item still is the last one.
    await conversations.bulkWrite(
      [
        { updateOne: { filter: { _id: item.conversationId, 'lastItemAll.id': item.id }, update: { $set: { lastItemAll: item } } } },
        { updateOne: { filter: { _id: item.conversationId, 'lastItemPublic.id': item.id }, update: { $set: { lastItemPublic: item } } } },
      ],
      { ordered: false },
    );
    return item;
  }

  /** The last `limit` (≤ 100) items of the audience before `beforeSeq`, in timeline order, and whether older ones are left. */
  async function itemsBefore(conversationId: string, request: { audience: Audience; beforeSeq: number; limit: number }): Promise<{ items: TimelineItem[]; hasPreviousPage: boolean }> {
    const limit = checkLimit(request.limit);
    const newestFirst = await items
      .find({ conversationId, seq: { $lt: request.beforeSeq }, ...visibilityFilter(request.audience) })
      .sort({ seq: -1 })
      .limit(limit + 1)
      .toArray();
    return { items: newestFirst.slice(0, limit).reverse().map(toItem), hasPreviousPage: newestFirst.length > limit };
  }

  return {
    /**
     * Appends an item with the conversation's next seq; idempotent on the item id (same content →
     * the stored item, created false; other content → ERR_CONFLICT). A conversation's seqs are
     * 1, 2, 3 … with no gap and no repeat, whoever writes them (append.ts). With `owesSignal`, the
     * item's workflow signal is recorded as owed before the append resolves (also for a retry).
     */
    appendItem: (item: ItemToAppend, options?: AppendOptions): Promise<Appended> => append(item, options),

    /** Items in seq order after the cursor (or `afterSeq`), or the last ones before `beforeSeq`, at most `limit` (≤ 100), never a private one for the public audience. */
    async listItems(conversationId: string, request: ItemPageRequest): Promise<ItemPage> {
      const limit = checkLimit(request.limit ?? DEFAULT_PAGE_SIZE);
      if (request.beforeSeq !== undefined) {
        const page = await itemsBefore(conversationId, { audience: request.audience, beforeSeq: request.beforeSeq, limit });
        // Newer items are those from beforeSeq on; the cursor reads them forwards from this page's end.
        const newer = await items.countDocuments({ conversationId, seq: { $gte: request.beforeSeq }, ...visibilityFilter(request.audience) }, { limit: 1 });
        const after = page.items.at(-1)?.seq ?? request.beforeSeq - 1;
        return { ...page, hasNextPage: newer > 0, nextCursor: newer > 0 ? encodeCursor({ afterSeq: after }) : null };
      }
      const afterSeq = request.cursor !== undefined ? decodeCursor(request.cursor, itemCursor).afterSeq : (request.afterSeq ?? 0);
      const docs = await items
        .find({ conversationId, seq: { $gt: afterSeq }, ...visibilityFilter(request.audience) })
        .sort({ seq: 1 })
        .limit(limit + 1)
        .toArray();
      const page = docs.slice(0, limit).map(toItem);
      const hasNextPage = docs.length > limit;
      const last = page.at(-1);
      return { items: page, hasNextPage, nextCursor: hasNextPage && last ? encodeCursor({ afterSeq: last.seq }) : null };
    },

    /** For readers that only scroll back (the assistant's context): a `beforeSeq` page without asking whether newer items follow. */
    itemsBefore,

    /**
     * The newest item of the audience before `beforeSeq` that `pick` takes (it gives the item as its
     * reader sees it, or undefined to pass over it), read newest first a few at a time; null when
     * none among the NEWEST_SCAN_LIMIT newest (of `types`, when given). For a preview whose stored
     * item its reader may no longer see, or that is not a message.
     */
    async newestItemPicked(
      conversationId: string,
      request: { audience: Audience; beforeSeq: number; types?: readonly string[] },
      pick: (item: TimelineItem) => TimelineItem | undefined,
    ): Promise<TimelineItem | null> {
      const cursor = items
        .find({ conversationId, seq: { $lt: request.beforeSeq }, ...visibilityFilter(request.audience), ...(request.types ? { type: { $in: [...request.types] } } : {}) })
        .sort({ seq: -1 })
        .limit(NEWEST_SCAN_LIMIT)
        .batchSize(NEWEST_BATCH);
      try {
        for await (const doc of cursor) {
          const picked = pick(toItem(doc));
          if (picked) return picked;
        }
        return null;
      } finally {
        await cursor.close();
      }
    },

    /** The item with this id, or null. */
    async getItem(id: string): Promise<TimelineItem | null> {
      const doc = await items.findOne({ _id: id });
      return doc && toItem(doc);
    },

    /** Whether the visitor wrote a public message into the conversation after `seq` (what starts a newer AI turn). */
    async hasVisitorMessageAfter(conversationId: string, seq: number): Promise<boolean> {
      return (await items.countDocuments(messagesAfter(conversationId, seq), { limit: 1 })) > 0;
    },

    /**
     * Whether a person of the team has written to the visitor since the visitor last wrote: the
     * newest public message of either is the team's (what makes "someone will reply" moot).
     */
    async teamAnsweredLast(conversationId: string): Promise<boolean> {
      const filter = { conversationId, type: 'message', visibility: 'public', 'author.kind': { $in: ['visitor', 'human'] } } as const;
      const newest = await items.findOne(filter, { sort: { seq: -1 }, projection: { author: 1 } });
      return newest?.author.kind === 'human';
    },

    /** Whether a person of the team wrote a public message into the conversation after `seq` (what holds back an AI reply the workflow has not stopped yet). */
    async hasTeamMessageAfter(conversationId: string, seq: number): Promise<boolean> {
      return (await items.countDocuments(messagesAfter(conversationId, seq, 'human'), { limit: 1 })) > 0;
    },

    /** The seq of the visitor's first public message after `seq`, or null (what a resolve must not pass over unread). */
    async firstVisitorMessageAfter(conversationId: string, seq: number): Promise<number | null> {
      const first = await items.findOne(messagesAfter(conversationId, seq), { sort: { seq: 1 }, projection: { seq: 1 } });
      return first ? first.seq : null;
    },

    /** Whether a public item of the conversation carries this file among its parts (what makes it a visitor's to see). */
    async isFileInPublicItem(conversationId: string, fileId: string): Promise<boolean> {
      return (await items.countDocuments({ conversationId, visibility: 'public', 'parts.fileId': fileId }, { limit: 1 })) > 0;
    },

    /**
     * Applies an answer's change to an interactive item's own fields, only while the fields it
     * changes still hold what the answer was worked out from (`read`), and records the answer's
     * reply with it; null when they changed meanwhile (another answer came first) or the item is
     * gone. The reply is posted after this, so a retry of the answer finds it recorded
     * (`recordedReply`) even if posting it never happened.
     */
    async answerItem<Item extends object>(read: TimelineItem, patch: Record<string, unknown>, reply: RecordedReply<Item>): Promise<TimelineItem | null> {
      const unchanged: Filter<ItemDoc> = { _id: read.id };
      for (const field of Object.keys(patch)) unchanged[field] = heldAsRead((read as Record<string, unknown>)[field]);
      return patchItem(unchanged, patch, { answerReply: reply });
    },

    /** The reply recorded with the answer that last changed this interactive item (as `answerItem` was given it), if any. */
    async recordedReply<Item extends object>(itemId: string): Promise<RecordedReply<Item> | undefined> {
      const doc = await items.findOne({ _id: itemId }, { projection: { answerReply: 1 } });
      return doc?.answerReply as RecordedReply<Item> | undefined;
    },
  };
}
