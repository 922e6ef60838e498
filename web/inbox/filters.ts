/**
 * The inbox's list filters. The server filters the first listing (`toQuery`); the same rules,
 * applied here (`matchesFilters`), keep the list right as live frames change conversations.
 */
import type { ConversationQuery } from '../shared/api-client';
import type { ConversationSort } from '../../domain/conversation';
import type { Conversation, Priority } from '../shared/wire';

/** Each filter's values (the bar names them, the inbox's address takes only these). */
export const STATUS_FILTERS = ['open', 'resolved', 'all'] as const;
export const HANDLER_FILTERS = ['all', 'ai', 'waiting'] as const;
export type HandlerFilter = (typeof HANDLER_FILTERS)[number];

export interface InboxFilters {
  status: (typeof STATUS_FILTERS)[number];
  priority: Priority | 'all';
  tag: string;
  assignedToMe: boolean;
  handler: HandlerFilter;
  /** Search text, as typed (the server's `q`, trimmed). */
  search: string;
  /** The list's order (list-order.ts keeps it as frames arrive). */
  sort: ConversationSort;
}

export const DEFAULT_FILTERS: InboxFilters = { status: 'open', priority: 'all', tag: '', assignedToMe: false, handler: 'all', search: '', sort: 'recent' };

/** Someone has taken the conversation: it is assigned to them, or they joined and have not left. */
const humanInCharge = (c: Conversation): string | undefined =>
  c.assigneeId ?? c.participants.find((p) => p.kind === 'human' && !p.leftAt)?.id;

/** Escalated or otherwise with the humans, but nobody has taken it yet: the server's `handler=waiting` (activities/store/handler-filter.ts) asks the same. */
export const isWaitingForHuman = (c: Conversation): boolean => c.status === 'open' && c.handler !== 'ai' && humanInCharge(c) === undefined;

export function toQuery(filters: InboxFilters, me: string): ConversationQuery {
  return {
    status: filters.status === 'all' ? undefined : filters.status,
    priority: filters.priority === 'all' ? undefined : filters.priority,
    tag: filters.tag.trim() || undefined,
    assigneeId: filters.assignedToMe ? me : undefined,
    handler: filters.handler === 'all' ? undefined : filters.handler,
    q: filters.search.trim() || undefined,
    sort: filters.sort === 'recent' ? undefined : filters.sort,
  };
}

/** The rules of the filters but the search, which asks the server (search-results.ts). */
export function matchesFilters(c: Conversation, filters: InboxFilters, me: string): boolean {
  // Composed, as the server takes the filter (`ü` typed as `u` and a combining mark lists the tag `ü`).
  const tag = filters.tag.trim().normalize('NFC');
  return (
    (filters.status === 'all' || c.status === filters.status) &&
    (filters.priority === 'all' || c.priority === filters.priority) &&
    (!tag || c.tags.includes(tag)) &&
    (!filters.assignedToMe || c.assigneeId === me) &&
    (filters.handler === 'all' || (filters.handler === 'ai' ? c.handler === 'ai' : isWaitingForHuman(c)))
  );
}
