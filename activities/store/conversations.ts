import type { Filter } from 'mongodb';
import { z } from 'zod';
import {
  DEFAULT_PRIORITY,
  type Conversation,
  type ConversationLifecycle,
  type ConversationListEntry,
  type ConversationSort,
  type ConversationStatus,
  type HandlerFilter,
  type Priority,
} from '../../domain/conversation';
import { AppError } from '../../domain/errors';
import type { Viewer } from '../../domain/people';
import type { Audience } from './audience';
import { checkLimit, decodeCursor, encodeCursor } from './cursor';
import { LIFECYCLE_FIELDS, PUBLIC_LIFECYCLE_FIELDS, withoutInternal, type Collections, type ConversationDoc } from './documents';
import { isDuplicateKey } from './duplicate-key';
import { listOrder, type ListOrder, type ListOrderName, type Segment } from './list-orders';
import { handlerQuery } from './handler-filter';
import { newId } from './ids';
import { canonicalJson } from './same-content';
import { SEARCHED_FIELDS, searchListing, type SearchBudget } from './conversation-search';
import { unreadCounts } from './unread';
import { scopeFilter, type ConversationScope } from './visitors';

export interface NewConversation {
  /** Client-chosen id (kept); a new `conv_…` id when absent. */
  id?: string;
  websiteId: string;
  visitorId: string;
  /** Defaults to the visitor's contact, so a linked visitor's conversations stay in the contact's scope. */
  contactId?: string;
  priority?: Priority;
  tags?: string[];
  title?: string;
  metadata?: Record<string, unknown>;
  /**
   * What is to be written into it first, as validated (defaults filled in, unknown fields dropped):
   * a retry must ask the same (not stored here).
   */
  initialItems?: unknown[];
  /**
   * The AI assistant the conversation's workflow will start with: it holds the conversation from
   * its creation (handler `ai`, the assistant its participant), as the workflow will say it does;
   * without one the conversation is `unassigned`, with nobody in it.
   */
  aiAssistantId?: string;
  /** The initial items as the request sent them: what a conversation created under a `v2` key is matched on. */
  requestedItems?: unknown[];
}

export interface ConversationFilter {
  scope: ConversationScope;
  status?: ConversationStatus;
  priority?: Priority;
  tag?: string;
  assigneeId?: string;
  handler?: HandlerFilter;
  /** A UTC ISO time as the store keeps them: only conversations whose `updatedAt` is at or after it, the oldest change first (a sync). */
  updatedSince?: string;
  /** The order (list-orders.ts; `recent` when absent); ignored with `updatedSince`, which has its own. */
  sort?: ConversationSort;
  /** Search text, trimmed and composed: only conversations that hold it (conversation-search.ts). */
  search?: string;
}

/** Who reads a listing: what it may see, and whose unread counts to give (0 without a viewer). */
export interface ConversationReader {
  audience: Audience;
  viewer?: Viewer;
}

/**
 * Creation keys that count the initial items as validated carry this prefix; `v2:` ones count them
 * as the request sent them (so a default filled in or an unknown field made a retry a conflict), and
 * older ones are bare JSON, without them.
 */
const CREATION_KEY_VERSION = 'v3';

const INTERNAL_FIELDS = [
  'creationKey',
  'stateVersion',
  'publicStateVersion',
  'lastActivityAt',
  'lastPublicActivityAt',
  'lastItemAll',
  'lastSeqAll',
  'lastItemPublic',
  'lastSeqPublic',
  'tally',
] as const;

/** Whether a stored creation key is this request's, whichever version of the key it is. */
/**
 * The metadata a request asks for, without what the widget tells of the page (`widget`): a retry
 * whose first answer was lost may come from another page or title (a single-page app moved on) and
 * is still the same request. Requests before the widget told it had none, so their keys are as they were.
 */
function withoutPageContext(metadata: Record<string, unknown>): Record<string, unknown> {
  const { widget, ...asked } = metadata;
  return widget === undefined ? metadata : asked;
}

function sameRequest(stored: string, key: string, created: object, requestedItems: unknown[] | undefined): boolean {
  if (stored.startsWith(`${CREATION_KEY_VERSION}:`)) return stored === key;
  if (stored.startsWith('v2:')) return stored === `v2:${canonicalJson({ ...created, initialItems: requestedItems })}`;
  // Created before initial items counted: matched without them.
  return stored === canonicalJson(created);
}

/** The conversation as an audience sees it (its last item is the newest that audience may see). */
export function toConversation(doc: ConversationDoc, audience: Audience): Conversation {
  const conversation = withoutInternal<Conversation>(doc, INTERNAL_FIELDS);
  if (audience === 'all') return { ...conversation, lastTimelineItem: doc.lastItemAll ?? null, stateVersion: doc.stateVersion };
  // The time and version of the last change a visitor could see, not of a team-only one (a note, a tag).
  return { ...conversation, updatedAt: doc.lastPublicActivityAt ?? doc.createdAt, lastTimelineItem: doc.lastItemPublic ?? null, stateVersion: doc.publicStateVersion ?? 0 };
}

/** A filter that holds when the document's field differs from `value` (absent when undefined). */
const differsFrom = (field: string, value: unknown): Filter<ConversationDoc> => ({ [field]: value === undefined ? { $exists: true } : { $ne: value } });

/**
 * Listing position: the segment of the listing's order (list-orders.ts) the last row is in, and
 * its value in the segment's field (an ISO time as stored; any other string would sort before or
 * after every one, and list as if from the segment's top) and id; `by` names the order, so that a
 * cursor is not read in another (absent: `recent`, as before there were others; `updatedAt`: a sync).
 */
const listCursor = z.strictObject({
  at: z.iso.datetime(),
  id: z.string().min(1).max(128),
  by: z.enum(['updatedAt', 'waiting', 'priority']).optional(),
  segment: z.number().int().min(0).optional(),
});
type ListPosition = { at: string; id: string; segment: number };

/** The cursor's `by` for each order. */
const CURSOR_ORDER_NAMES: Record<ListOrderName, z.infer<typeof listCursor>['by']> = { recent: undefined, sync: 'updatedAt', waiting: 'waiting', priority: 'priority' };

/** The cursor of a position in `order`: as before there were other orders and segments, for a listing of one. */
const cursorAt = (order: ListOrder, { at, id, segment }: ListPosition) => ({ at, id, by: CURSOR_ORDER_NAMES[order.name], ...(order.segments.length > 1 && { segment }) });

/** A cursor's position in `order`; one made for another order, or past its segments, is `ERR_INVALID_INPUT`. */
function positionIn(order: ListOrder, cursor: string): ListPosition {
  const { at, id, by, segment = 0 } = decodeCursor(cursor, listCursor);
  if (by !== CURSOR_ORDER_NAMES[order.name]) throw new AppError('ERR_INVALID_INPUT', 'invalid cursor: made for a listing in another order', { fields: ['cursor'] });
  if (segment >= order.segments.length) throw new AppError('ERR_INVALID_INPUT', 'invalid cursor', { fields: ['cursor'] });
  return { at, id, segment };
}

export function conversationMethods(collections: Collections) {
  const { conversations, visitors } = collections;

  /**
   * An identify that ran between the visitor read and the insert of a new conversation linked the
   * visitor's conversations without this one. It writes the visitor's link before it links the
   * conversations, so reading the link again after the insert catches it: an insert before the
   * identify's update is linked by it, one after it is linked here.
   */
  async function linkIfIdentifiedMeanwhile(doc: ConversationDoc): Promise<void> {
    const contactId = (await visitors.findOne({ _id: doc.visitorId, websiteId: doc.websiteId }, { projection: { contactId: 1 } }))?.contactId;
    if (contactId === undefined) return;
    await conversations.updateOne({ _id: doc._id, contactId: { $exists: false } }, { $set: { contactId } });
    doc.contactId = contactId;
  }

  /** The conversations of `docs` (read in part) read whole, in the same order. */
  async function wholeDocs(docs: readonly ConversationDoc[]): Promise<ConversationDoc[]> {
    if (docs.length === 0) return [];
    const byId = new Map((await conversations.find({ _id: { $in: docs.map((doc) => doc._id) } }).toArray()).map((doc) => [doc._id, doc]));
    return docs.flatMap((doc) => byId.get(doc._id) ?? []);
  }

  return {
    /** Creates a conversation; the same id again with the same request returns the stored one (created false), with another request ERR_CONFLICT. */
    async createConversation(input: NewConversation, audience: Audience = 'all'): Promise<{ conversation: Conversation; created: boolean }> {
      const id = input.id ?? newId('conv');
      const priority = input.priority ?? DEFAULT_PRIORITY;
      const tags = input.tags ?? [];
      const { websiteId, visitorId, title, metadata, initialItems } = input;
      const created = { websiteId, visitorId, contactId: input.contactId, priority, tags, title, metadata };
      const creationKey = `${CREATION_KEY_VERSION}:${canonicalJson({ ...created, metadata: metadata && withoutPageContext(metadata), initialItems })}`;
      const contactId = input.contactId ?? (await visitors.findOne({ _id: visitorId, websiteId }, { projection: { contactId: 1 } }))?.contactId;
      const now = new Date().toISOString();
      const doc: ConversationDoc = {
        _id: id,
        id,
        websiteId,
        visitorId,
        contactId,
        status: 'open',
        priority,
        ...(input.aiAssistantId === undefined
          ? { handler: 'unassigned', participants: [] }
          : { handler: 'ai', participants: [{ id: input.aiAssistantId, kind: 'ai', joinedAt: now }] }),
        tags,
        title,
        metadata,
        createdAt: now,
        updatedAt: now,
        creationKey,
        stateVersion: 0,
        lastActivityAt: now,
        lastPublicActivityAt: now,
        lastSeqAll: 0,
        lastSeqPublic: 0,
      };
      try {
        await conversations.insertOne(doc);
        if (contactId === undefined) await linkIfIdentifiedMeanwhile(doc);
        return { conversation: toConversation(doc, audience), created: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const existing = await conversations.findOne({ _id: id });
        if (!existing) throw error;
        if (!sameRequest(existing.creationKey, creationKey, created, input.requestedItems)) throw new AppError('ERR_CONFLICT', `conversation ${id} already exists with other content`);
        return { conversation: toConversation(existing, audience), created: false };
      }
    },

    /** The conversation as that audience sees it, or null. */
    async getConversation(id: string, audience: Audience = 'all'): Promise<Conversation | null> {
      const doc = await conversations.findOne({ _id: id });
      return doc && toConversation(doc, audience);
    },

    /**
     * Writes the workflow's lifecycle projection unless a newer stateVersion is already stored; true
     * when applied. One that changes a field visitors see also counts one more version of theirs:
     * the first write applies only then, the second (in the same command) otherwise.
     */
    async projectLifecycle(conversationId: string, lifecycle: ConversationLifecycle, stateVersion: number): Promise<boolean> {
      const set: Record<string, unknown> = { stateVersion };
      const unset: Record<string, ''> = {};
      for (const field of LIFECYCLE_FIELDS) {
        if (lifecycle[field] === undefined) unset[field] = '';
        else set[field] = lifecycle[field];
      }
      // $max: an item written meanwhile may have moved it past this write's time (last-items.ts).
      const touched = { $max: { updatedAt: new Date().toISOString() } };
      const update = Object.keys(unset).length > 0 ? { $set: set, $unset: unset, ...touched } : { $set: set, ...touched };
      const older = { _id: conversationId, stateVersion: { $lt: stateVersion } };
      const seenChange = { $or: PUBLIC_LIFECYCLE_FIELDS.map((field) => differsFrom(field, lifecycle[field])) };
      const result = await conversations.bulkWrite(
        [
          // Counted, not the workflow's version: the gap between two a visitor gets would count the team's changes between.
          { updateOne: { filter: { ...older, ...seenChange }, update: { ...update, $inc: { publicStateVersion: 1 } } } },
          { updateOne: { filter: older, update } },
        ],
        { ordered: true },
      );
      return result.matchedCount === 1;
    },

    /** Ids of the website's conversations that had activity since `since`, and with `open` those open (whenever their last activity). */
    async *conversationIdsActiveSince(websiteId: string, since: string, { open = false }: { open?: boolean } = {}): AsyncGenerator<string> {
      const recent = { lastActivityAt: { $gte: since } };
      const cursor = conversations.find({ websiteId, ...(open ? { $or: [{ status: 'open' as const }, recent] } : recent) }, { projection: { _id: 1 } });
      for await (const doc of cursor) yield doc._id;
    },

    /**
     * A page of conversations, newest activity first (ties by id), or with `updatedSince` oldest
     * change first, each with its last item for the audience and the viewer's unread count. A
     * search looks through the listing's conversations until the page is found or its budget
     * (`searchBudget`, conversation-search.ts) is spent: then the page may be short, even empty,
     * `searchIncomplete` says so, and the cursor goes on after the last conversation looked through.
     */
    async listConversations(
      filter: ConversationFilter,
      reader: ConversationReader,
      page: { limit: number; cursor?: string; searchBudget?: SearchBudget },
    ): Promise<{ conversations: ConversationListEntry[]; nextCursor: string | null; searchIncomplete?: true }> {
      const limit = checkLimit(page.limit);
      // Waiting is open by definition: asking the store for resolved ones would walk every open conversation to find none.
      if (filter.handler === 'waiting' && filter.status === 'resolved') return { conversations: [], nextCursor: null };
      const query: Filter<ConversationDoc> = {
        ...scopeFilter(filter.scope),
        ...(filter.status && { status: filter.status }),
        ...(filter.priority && { priority: filter.priority }),
        ...(filter.tag && { tags: filter.tag }),
        ...(filter.assigneeId && { assigneeId: filter.assigneeId }),
        // Under $and: `waiting` asks for a status of its own, beside the one filtered by.
        ...(filter.handler && { $and: [handlerQuery(filter.handler)] }),
      };
      const order = listOrder(filter.sort ?? 'recent', reader.audience, filter.updatedSince);
      const cursor = page.cursor === undefined ? undefined : positionIn(order, page.cursor);
      const positionOf = (doc: ConversationDoc): ListPosition => {
        const segment = order.segmentOf(doc);
        return { at: doc[order.segments[segment]!.field] ?? doc.createdAt, id: doc._id, segment };
      };
      /** One segment's next `count` conversations after `after`, or from its start. */
      const readSegment = (segment: Segment, after: ListPosition | undefined, count: number, projection: Record<string, 1> | undefined): Promise<ConversationDoc[]> => {
        const { field, direction } = segment;
        const [from, beyond] = direction === 1 ? (['$gte', '$gt'] as const) : (['$lte', '$lt'] as const);
        const filters = [...(query.$and ?? []), ...(Object.keys(segment.filter).length > 0 ? [segment.filter] : [])];
        const bounded: Filter<ConversationDoc> = { ...query, ...(filters.length > 0 && { $and: filters }) };
        let start = segment.from;
        if (after) {
          // From the position, or from where the segment starts if that lies further along the order. The $or breaks ties on id.
          const further = start === undefined || (direction === 1 ? after.at > start : after.at < start);
          if (further) start = after.at;
          bounded.$or = [{ [field]: { [beyond]: after.at } }, { _id: { [beyond]: after.id } }];
        }
        // The bound lets an index range-scan.
        if (start !== undefined) bounded[field] = { [from]: start };
        return conversations.find(bounded, { projection }).sort({ [field]: direction, _id: direction }).limit(count).toArray();
      };
      /** The listing's next `count` conversations after `after`, or from its start, segment after segment; with `fields`, those and the position's alone. */
      const read = async (after: ListPosition | undefined, count: number, fields?: Record<string, 1>): Promise<ConversationDoc[]> => {
        const found: ConversationDoc[] = [];
        for (let index = after?.segment ?? 0; index < order.segments.length && found.length < count; index++) {
          const segment = order.segments[index]!;
          const projection = fields && Object.fromEntries([...Object.keys(fields), ...order.segmentFields, segment.field, 'createdAt'].map((name) => [name, 1 as const]));
          found.push(...(await readSegment(segment, index === after?.segment ? after : undefined, count - found.length, projection)));
        }
        return found;
      };
      const { found, stoppedAfter } =
        filter.search === undefined
          ? { found: await read(cursor, limit + 1), stoppedAfter: undefined }
          : await searchListing(collections, filter.search, (last, count) => read(last ? positionOf(last) : cursor, count, SEARCHED_FIELDS), limit + 1, page.searchBudget);
      const pageDocs = filter.search === undefined ? found.slice(0, limit) : await wholeDocs(found.slice(0, limit));
      const unread = reader.viewer ? await unreadCounts(collections, pageDocs, reader.viewer) : new Map<string, number>();
      // Where the listing read it: a search's page is read whole later, by when its last may have moved.
      const next = stoppedAfter ?? (found.length > limit ? found[limit - 1] : undefined);
      return {
        conversations: pageDocs.map((doc) => ({ ...toConversation(doc, reader.audience), unreadCount: unread.get(doc._id) ?? 0 })),
        nextCursor: next ? encodeCursor(cursorAt(order, positionOf(next))) : null,
        ...(stoppedAfter && { searchIncomplete: true as const }),
      };
    },
  };
}
