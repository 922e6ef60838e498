/** The filter controls above the conversation list. */
import { PRIORITIES, type ConversationSort } from '../../domain/conversation';
import { MAX_SEARCH_LENGTH } from '../../domain/search-text';
import { h } from '../shared/dom';
import type { HandlerFilter, InboxFilters } from './filters';

/** How long the tag field waits after the last key before the list follows it. */
const TAG_TYPING_PAUSE_MS = 300;
/** How long the search field waits after the last key: each search asks the server. */
const SEARCH_TYPING_PAUSE_MS = 250;

const select = <T extends string>(name: string, label: string, value: T, options: Array<[T, string]>, onChange: (value: T) => void) =>
  h(
    'select',
    { name, 'aria-label': label, on: { change: (event) => onChange((event.target as HTMLSelectElement).value as T) } },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );

/** A field whose text the list follows once the agent pauses typing (Enter, or leaving it: at once); `apply` is told when it differs from `current`. */
function typedFilter(field: HTMLInputElement, pauseMs: number, current: () => string, apply: (value: string) => void): HTMLInputElement {
  let typing: ReturnType<typeof setTimeout> | undefined;
  const applyNow = () => {
    clearTimeout(typing);
    if (field.value.trim() !== current().trim()) apply(field.value);
  };
  field.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(applyNow, pauseMs);
  });
  field.addEventListener('change', applyNow);
  return field;
}

/**
 * The bar keeps the filters it last gave, so it is not drawn again as they change: the search and
 * tag fields keep the agent's focus and caret while the list follows what they type.
 */
export function renderFilterBar(filters: InboxFilters, onChange: (filters: InboxFilters) => void): HTMLElement {
  let current = filters;
  const set = (patch: Partial<InboxFilters>) => onChange((current = { ...current, ...patch }));
  const tag = typedFilter(h('input', { type: 'search', name: 'tag', placeholder: 'Tag', value: filters.tag, 'aria-label': 'Tag' }), TAG_TYPING_PAUSE_MS, () => current.tag, (tag) => set({ tag }));
  const search = typedFilter(
    h('input', { type: 'search', name: 'search', class: 'filters-search', placeholder: 'Search (press /)', value: filters.search, maxLength: MAX_SEARCH_LENGTH, 'aria-label': 'Search conversations', 'aria-keyshortcuts': '/' }),
    SEARCH_TYPING_PAUSE_MS,
    () => current.search,
    (search) => set({ search }),
  );
  search.addEventListener('keydown', (event) => {
    // Not while an input method composes (Japanese, Chinese …): there Escape cancels the composition.
    if (event.key !== 'Escape' || event.isComposing || search.value === '') return;
    // Escape clears the search at once (and goes no further: nothing else closes with it).
    event.preventDefault();
    event.stopPropagation();
    search.value = '';
    search.dispatchEvent(new Event('change'));
  });
  return h(
    'div',
    { class: 'filters' },
    search,
    select('status', 'Status', filters.status, [['open', 'Open'], ['resolved', 'Resolved'], ['all', 'All statuses']], (status) => set({ status })),
    select('priority', 'Priority', filters.priority, [['all', 'Any priority'], ...PRIORITIES.map((p): [typeof p, string] => [p, p[0]!.toUpperCase() + p.slice(1)])], (priority) =>
      set({ priority }),
    ),
    select<HandlerFilter>('handler', 'Handled by', filters.handler, [['all', 'Everyone'], ['ai', 'Handled by AI'], ['waiting', 'Waiting for a human']], (handler) =>
      set({ handler }),
    ),
    tag,
    select<ConversationSort>('sort', 'Sort by', filters.sort, [['recent', 'Recent'], ['waiting', 'Waiting longest'], ['priority', 'Priority']], (sort) => set({ sort })),
    h(
      'label',
      { class: 'filters-mine' },
      h('input', { type: 'checkbox', name: 'assignedToMe', checked: filters.assignedToMe, on: { change: (e) => set({ assignedToMe: (e.target as HTMLInputElement).checked }) } }),
      'Assigned to me',
    ),
  );
}
