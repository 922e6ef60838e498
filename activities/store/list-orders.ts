/**
 * The orders a conversation listing comes in. Each is a row of segments read one after the other,
 * each a plain range of one field, ties broken by id the same way, so that a keyset cursor (the
 * segment, the last row's value and id) goes on exactly where a page stopped, whatever changed
 * meanwhile: a conversation that did not change is listed once, and none is skipped.
 */
import type { Filter } from 'mongodb';
import { PRIORITIES, type ConversationSort } from '../../domain/conversation';
import type { Audience } from './audience';
import type { ConversationDoc } from './documents';

type OrderField = 'lastActivityAt' | 'lastPublicActivityAt' | 'updatedAt' | 'waitingSince';

export interface Segment {
  /** What a conversation must hold to be in this segment (beside the listing's filters). */
  filter: Filter<ConversationDoc>;
  field: OrderField;
  direction: 1 | -1;
  /** Where the segment starts in its field's order, when not at its first value. */
  from?: string;
}

/** `sync`: a listing by `updatedSince`, oldest change first. */
export type ListOrderName = ConversationSort | 'sync';

export interface ListOrder {
  name: ListOrderName;
  segments: readonly Segment[];
  /** The segment a conversation read by this listing is in (its segment fields read too). */
  segmentOf(doc: ConversationDoc): number;
  /** The fields `segmentOf` reads. */
  segmentFields: readonly string[];
}

const newestFirst = (field: OrderField, filter: Filter<ConversationDoc> = {}): Segment => ({ filter, field, direction: -1 });

/** Urgent first. */
const HIGHEST_FIRST = [...PRIORITIES].reverse();

/**
 * The listing's order: by `updatedSince`, oldest change first, so a conversation changed while a
 * client pages moves ahead, to a later page, rather than behind it; otherwise by `sort` (a
 * visitor's only `recent`, by what it can see).
 */
export function listOrder(sort: ConversationSort, audience: Audience, updatedSince: string | undefined): ListOrder {
  if (updatedSince !== undefined) return single('sync', { filter: {}, field: 'updatedAt', direction: 1, from: updatedSince });
  if (sort === 'waiting') {
    return {
      name: sort,
      // Longest waiting first ('' is before every time, and after no missing field); the others by activity.
      segments: [
        { filter: {}, field: 'waitingSince', direction: 1, from: '' },
        newestFirst('lastActivityAt', { waitingSince: { $exists: false } }),
      ],
      segmentOf: (doc) => (doc.waitingSince === undefined ? 1 : 0),
      segmentFields: ['waitingSince'],
    };
  }
  if (sort === 'priority') {
    return {
      name: sort,
      segments: HIGHEST_FIRST.map((priority) => newestFirst('lastActivityAt', { priority })),
      segmentOf: (doc) => HIGHEST_FIRST.indexOf(doc.priority),
      segmentFields: ['priority'],
    };
  }
  return single('recent', newestFirst(audience === 'all' ? 'lastActivityAt' : 'lastPublicActivityAt'));
}

const single = (name: ListOrderName, segment: Segment): ListOrder => ({ name, segments: [segment], segmentOf: () => 0, segmentFields: [] });
