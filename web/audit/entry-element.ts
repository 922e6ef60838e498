/** One audit entry as the page draws it: its head (what, who, how it ended, when), its summary, the tools a model call asked for, its raw JSON. */
import { h } from '../shared/dom';
import type { AuditEntry } from '../shared/wire';
import { showWords, written } from '../shared/written';
import type { AuditEntryView } from './entry-view';

/** A link to the entry this one continues or ends, which may be folded away or filtered out: following it shows it. */
function ofLink(index: number, show: (index: number) => void): HTMLElement {
  const follow = (event: Event) => {
    event.preventDefault();
    show(index);
  };
  return h('a', { class: 'audit-fact audit-of', href: `#entry-${index}`, on: { click: follow } }, `of #${index}`);
}

/** `show` takes the reader to another entry: the one this continues or ends (`of #N`). */
export function renderEntry(view: AuditEntryView, raw: AuditEntry, show: (index: number) => void): HTMLElement {
  return h(
    'li',
    { class: `audit-entry audit-${view.group} audit-outcome-${view.outcome}`, id: `entry-${view.index}`, data: { group: view.group, kind: raw.kind, index: view.index } },
    h('span', { class: 'audit-dot', 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'audit-card' },
      h(
        'div',
        { class: 'audit-head' },
        h('span', { class: 'audit-index' }, `#${view.index}`),
        h('strong', { class: 'audit-title' }, ...showWords(view.title)),
        view.actor && h('span', { class: 'audit-actor' }, ...showWords(view.actor)),
        view.outcome !== 'ok' && h('span', { class: `audit-outcome` }, view.outcome),
        view.of !== undefined && ofLink(view.of, show),
        ...view.facts.map((fact) => h('span', { class: 'audit-fact' }, fact)),
        h('time', { class: 'audit-time', datetime: view.time, title: view.time }, view.when),
      ),
      // A reason a person gave, or the server's summary of what was sent, which may quote what someone wrote.
      view.summary && written('p', { class: 'audit-summary' }, view.summary),
      view.toolCalls.length > 0 &&
        h(
          'ul',
          { class: 'audit-tools' },
          ...view.toolCalls.map((call) => h('li', {}, h('code', {}, call.toolName), ' ', h('span', { class: 'muted' }, JSON.stringify(call.input)))),
        ),
      h('details', { class: 'audit-raw' }, h('summary', {}, 'Raw JSON'), h('pre', {}, JSON.stringify(raw, null, 2))),
    ),
  );
}
