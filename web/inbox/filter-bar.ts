/** The filter controls above the conversation list. */
import { PRIORITIES } from '../../domain/conversation';
import { h } from '../shared/dom';
import type { HandlerFilter, InboxFilters } from './filters';

const select = <T extends string>(name: string, label: string, value: T, options: Array<[T, string]>, onChange: (value: T) => void) =>
  h(
    'select',
    { name, 'aria-label': label, on: { change: (event) => onChange((event.target as HTMLSelectElement).value as T) } },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );

export function renderFilterBar(filters: InboxFilters, onChange: (filters: InboxFilters) => void): HTMLElement {
  const set = (patch: Partial<InboxFilters>) => onChange({ ...filters, ...patch });
  const tag = h('input', { type: 'search', name: 'tag', placeholder: 'Tag', value: filters.tag, 'aria-label': 'Tag' });
  tag.addEventListener('change', () => set({ tag: tag.value }));
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
