/** The filter controls above the conversation list. */
import { PRIORITIES } from '../../domain/conversation';
import { h } from '../shared/dom';
import type { HandlerFilter, InboxFilters } from './filters';

/** How long the tag field waits after the last key before the list follows it. */
const TAG_TYPING_PAUSE_MS = 300;

const select = <T extends string>(name: string, label: string, value: T, options: Array<[T, string]>, onChange: (value: T) => void) =>
  h(
    'select',
    { name, 'aria-label': label, on: { change: (event) => onChange((event.target as HTMLSelectElement).value as T) } },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );

/**
 * The bar keeps the filters it last gave, so it is not drawn again as they change: the tag field
 * keeps the agent's focus and caret while the list follows what they type.
 */
export function renderFilterBar(filters: InboxFilters, onChange: (filters: InboxFilters) => void): HTMLElement {
  let current = filters;
  const set = (patch: Partial<InboxFilters>) => onChange((current = { ...current, ...patch }));
  const tag = h('input', { type: 'search', name: 'tag', placeholder: 'Tag', value: filters.tag, 'aria-label': 'Tag' });
  let typing: ReturnType<typeof setTimeout> | undefined;
  const applyTag = () => {
    clearTimeout(typing);
    if (tag.value.trim() !== current.tag.trim()) set({ tag: tag.value });
  };
  tag.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(applyTag, TAG_TYPING_PAUSE_MS);
  });
  tag.addEventListener('change', applyTag); // Enter, or leaving the field: at once.
  return h(
    'div',
    { class: 'filters' },
    select('status', 'Status', filters.status, [['open', 'Open'], ['resolved', 'Resolved'], ['all', 'All statuses']], (status) => set({ status })),
    select('priority', 'Priority', filters.priority, [['all', 'Any priority'], ...PRIORITIES.map((p): [typeof p, string] => [p, p[0]!.toUpperCase() + p.slice(1)])], (priority) =>
      set({ priority }),
    ),
    select<HandlerFilter>('handler', 'Handled by', filters.handler, [['all', 'Everyone'], ['ai', 'Handled by AI'], ['waiting', 'Waiting for a human']], (handler) =>
      set({ handler }),
    ),
    tag,
    h(
      'label',
      { class: 'filters-mine' },
      h('input', { type: 'checkbox', name: 'assignedToMe', checked: filters.assignedToMe, on: { change: (e) => set({ assignedToMe: (e.target as HTMLInputElement).checked }) } }),
      'Assigned to me',
    ),
  );
}
