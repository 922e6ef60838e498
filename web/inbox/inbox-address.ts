/**
 * The inbox's address names where the agent is: the conversation open and the list's filters, as a
 * query (`/inbox?conversation=conv_…&status=all&tag=vip`), so a reload, a bookmark or a link sent
 * to a colleague opens the same place. Nothing written here is a secret: the sign-in's
 * `#secretKey=` is taken off the address before the inbox starts (config.ts), and stays off.
 */
import { CONVERSATION_SORTS, PRIORITIES } from '../../domain/conversation';
import { MAX_SEARCH_LENGTH } from '../../domain/search-text';
import { DEFAULT_FILTERS, HANDLER_FILTERS, STATUS_FILTERS, type InboxFilters } from './filters';

export interface InboxPlace {
  conversationId?: string;
  filters: InboxFilters;
}

const PRIORITY_FILTERS: ReadonlyArray<InboxFilters['priority']> = ['all', ...PRIORITIES];
const FILTER_NAMES = Object.keys(DEFAULT_FILTERS) as Array<keyof InboxFilters>;

const oneOf = <T extends string>(allowed: readonly T[], given: string | null, otherwise: T): T => allowed.find((value) => value === given) ?? otherwise;

/** The place a query names; a filter it leaves out, or gives a value the inbox does not know, is the default. */
export function placeIn(search: string): InboxPlace {
  const query = new URLSearchParams(search);
  const filters: InboxFilters = {
    status: oneOf(STATUS_FILTERS, query.get('status'), DEFAULT_FILTERS.status),
    priority: oneOf(PRIORITY_FILTERS, query.get('priority'), DEFAULT_FILTERS.priority),
    tag: query.get('tag') ?? DEFAULT_FILTERS.tag,
    assignedToMe: query.get('assignedToMe') === 'true',
    handler: oneOf(HANDLER_FILTERS, query.get('handler'), DEFAULT_FILTERS.handler),
    // As much of it as the server takes: a longer one in a link would be refused (400) as the inbox opens.
    search: Array.from(query.get('search') ?? DEFAULT_FILTERS.search).slice(0, MAX_SEARCH_LENGTH).join(''),
    sort: oneOf(CONVERSATION_SORTS, query.get('sort'), DEFAULT_FILTERS.sort),
  };
  const conversationId = query.get('conversation');
  return conversationId ? { conversationId, filters } : { filters };
}

/** The query naming a place: the conversation, then the filters that are not the defaults (`''` for the list as it first opens). */
export function queryOf({ conversationId, filters }: InboxPlace): string {
  const query = new URLSearchParams();
  if (conversationId) query.set('conversation', conversationId);
  for (const name of FILTER_NAMES) if (filters[name] !== DEFAULT_FILTERS[name]) query.set(name, String(filters[name]));
  return query.size > 0 ? `?${query}` : '';
}

export const sameFilters = (a: InboxFilters, b: InboxFilters): boolean => FILTER_NAMES.every((name) => a[name] === b[name]);

/** Where the agent is, as this page's address says. */
export const addressedPlace = (): InboxPlace => placeIn(location.search);

/**
 * Writes a place into the address: `push` as a new entry (another conversation, or the list,
 * opened: Back returns to the one before), `replace` over this one (the filters changed). Nothing
 * when the address says so already (the inbox following Back, or opening the address it loaded with).
 */
export function showPlace(place: InboxPlace, how: 'push' | 'replace'): void {
  const address = location.pathname + queryOf(place);
  if (address === location.pathname + location.search + location.hash) return;
  if (how === 'push') history.pushState(null, '', address);
  else history.replaceState(null, '', address);
}
