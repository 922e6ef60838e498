import { z } from 'zod';
import { AppError } from '../../domain/errors';
import type { TimelineItem } from '../../domain/timeline';
import { createAppender, type Appended, type AppendOptions, type ItemToAppend } from './append';
import { visibilityFilter, type Audience } from './audience';
import { checkLimit, decodeCursor, encodeCursor } from './cursor';
import { toItem, type Collections } from './documents';
import type { OrderedWriter } from './ordered-writes';
import type { TimelineEnds } from './timeline-ends';

/** Page through a timeline from its start (`cursor`) or from after a known seq (`afterSeq`, for resuming). */
export type ItemPageRequest = { audience: Audience; limit?: number } & ({ cursor?: string; afterSeq?: never } | { afterSeq: number; cursor?: never });

export interface ItemPage {
  items: TimelineItem[];
  nextCursor: string | null;
  hasNextPage: boolean;
}

/** Fields `updateItem` may not change: identity, position, authorship and who may see it. */
const FIXED_FIELDS = new Set(['_id', 'id', 'conversationId', 'websiteId', 'seq', 'type', 'visibility', 'author', 'createdAt']);

const DEFAULT_PAGE_SIZE = 50;
const itemCursor = z.object({ afterSeq: z.number().int().nonnegative() });

export function timelineMethods(collections: Collections, ends: TimelineEnds, writeOrdered: OrderedWriter) {
  const { items, conversations } = collections;
  const append = createAppender(collections, ends, writeOrdered);
  return {
    /**
     * Appends an item with the conversation's next seq; idempotent on the item id (same content →
     * the stored item, created false; other content → ERR_CONFLICT). A conversation's seqs are
     * 1, 2, 3 … with no gap and no repeat, whoever writes them (append.ts). With `owesSignal`, the
     * item's workflow signal is recorded as owed before the append resolves (also for a retry).
     */
    appendItem: (item: ItemToAppend, options?: AppendOptions): Promise<Appended> => append(item, options),

    /** Items in seq order after the cursor (or `afterSeq`), at most `limit` (≤ 100), never a private one for the public audience. */
    async listItems(conversationId: string, request: ItemPageRequest): Promise<ItemPage> {
      const limit = checkLimit(request.limit ?? DEFAULT_PAGE_SIZE);
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

    /** The item with this id, or null. */
    async getItem(id: string): Promise<TimelineItem | null> {
      const doc = await items.findOne({ _id: id });
      return doc && toItem(doc);
    },

    /** Whether a public item of the conversation carries this file among its parts (what makes it a visitor's to see). */
    async isFileInPublicItem(conversationId: string, fileId: string): Promise<boolean> {
      return (await items.countDocuments({ conversationId, visibility: 'public', 'parts.fileId': fileId }, { limit: 1 })) > 0;
    },

    /** Changes an interactive item's own fields (not its identity, position, author or visibility); returns the new item. */
    async updateItem(id: string, patch: Record<string, unknown>): Promise<TimelineItem> {
      const bad = Object.keys(patch).filter((key) => FIXED_FIELDS.has(key) || key.startsWith('$') || key.includes('.'));
      if (bad.length > 0) throw new AppError('ERR_INVALID_INPUT', `these item fields cannot be updated: ${bad.join(', ')}`, { fields: bad });
      const doc = await items.findOneAndUpdate({ _id: id }, { $set: patch }, { returnDocument: 'after' });
      if (!doc) throw new AppError('ERR_NOT_FOUND', `unknown item ${id}`);
      const item = toItem(doc);
      // Refresh the copies kept as the conversation's last item, where this item still is the last one.
      await conversations.bulkWrite(
        [
          { updateOne: { filter: { _id: item.conversationId, 'lastItemAll.id': id }, update: { $set: { lastItemAll: item } } } },
          { updateOne: { filter: { _id: item.conversationId, 'lastItemPublic.id': id }, update: { $set: { lastItemPublic: item } } } },
        ],
        { ordered: false },
      );
      return item;
    },
  };
}
