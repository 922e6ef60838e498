/**
 * The list's order as the server gives it (`sort`, activities/store/list-orders.ts), kept here as
 * frames change conversations: one answered leaves the waiting ones at once, one raised to urgent
 * goes up, without a reload.
 */
import { PRIORITIES, type ConversationSort } from '../../domain/conversation';
import type { ConversationListEntry } from '../shared/wire';

const rank = (entry: ConversationListEntry): number => PRIORITIES.indexOf(entry.priority);

/** How two conversations compare in `sort`, 0 when it does not tell them apart. */
const COMPARE: Record<ConversationSort, (a: ConversationListEntry, b: ConversationListEntry) => number> = {
  recent: () => 0,
  // Those waiting first, the longest waiting first.
  waiting: (a, b) => (a.waitingSince === undefined ? 1 : 0) - (b.waitingSince === undefined ? 1 : 0) || (a.waitingSince ?? '').localeCompare(b.waitingSince ?? ''),
  priority: (a, b) => rank(b) - rank(a),
};

/** `entries`, newest activity first, in `sort`'s order (a stable sort keeps them newest first within it). */
export const inListOrder = (entries: ConversationListEntry[], sort: ConversationSort): ConversationListEntry[] => entries.sort(COMPARE[sort]);
