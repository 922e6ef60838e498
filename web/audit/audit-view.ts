/** The audit trail as a filterable timeline; each entry's raw JSON opens in place. */
import { h, mount } from '../shared/dom';
import type { AuditEntry } from '../shared/wire';
import { AUDIT_GROUPS, describeAuditEntry, reassignmentsOf, type AuditEntryView, type AuditGroup, type TrailReading } from './entry-view';
import { endingsOf } from './outcomes';
import type { AuditPeople } from './people';

const GROUP_LABELS: Record<AuditGroup, string> = {
  lifecycle: 'Lifecycle changes',
  signal: 'Signals',
  update: 'Updates',
  activity: 'Activities',
  ai: 'AI model calls',
  timer: 'Timers',
  workflow: 'Workflow',
};

function renderEntry(view: AuditEntryView, raw: AuditEntry): HTMLElement {
  return h(
    'li',
    { class: `audit-entry audit-${view.group} audit-outcome-${view.outcome}`, data: { group: view.group, kind: raw.kind, index: view.index } },
    h('span', { class: 'audit-dot', 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'audit-card' },
      h(
        'div',
        { class: 'audit-head' },
        h('span', { class: 'audit-index' }, `#${view.index}`),
        h('strong', { class: 'audit-title' }, view.title),
        view.actor && h('span', { class: 'audit-actor' }, view.actor),
        view.outcome !== 'ok' && h('span', { class: `audit-outcome` }, view.outcome),
        ...view.facts.map((fact) => h('span', { class: 'audit-fact' }, fact)),
        h('time', { class: 'audit-time', datetime: view.time, title: view.time }, view.when),
      ),
      view.summary && h('p', { class: 'audit-summary' }, view.summary),
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

export class AuditView {
  private readonly shown = new Set<AuditGroup>(AUDIT_GROUPS);
  private readonly filters = h('div', { class: 'audit-filters', role: 'group', 'aria-label': 'Show' });
  private readonly list = h('ol', { class: 'audit-list' });
  private query = '';
  /** What the whole trail tells of each entry: how it ended, who people are, whom a reassignment took the conversation from. */
  private readonly reading: TrailReading;
  readonly element: HTMLElement;

  /** `people` names the ids in the entries (people.ts). */
  constructor(
    private readonly entries: readonly AuditEntry[],
    people?: AuditPeople,
  ) {
    this.reading = { endings: endingsOf(entries), people, reassignedFrom: reassignmentsOf(entries) };
    const search = h('input', { type: 'search', placeholder: 'Search names, actors, summaries…', 'aria-label': 'Search' });
    search.addEventListener('input', () => {
      this.query = search.value.trim().toLowerCase();
      this.renderList();
    });
    this.element = h('div', { class: 'audit' }, h('div', { class: 'audit-toolbar' }, this.filters, search), this.list);
    this.renderFilters();
    this.renderList();
  }

  private renderFilters(): void {
    const counts = new Map<AuditGroup, number>();
    for (const entry of this.entries) {
      const group = describeAuditEntry(entry).group;
      counts.set(group, (counts.get(group) ?? 0) + 1);
    }
    mount(
      this.filters,
      ...AUDIT_GROUPS.map((group) =>
        h(
          'label',
          { class: `audit-chip audit-${group}` },
          h('input', {
            type: 'checkbox',
            checked: this.shown.has(group),
            data: { group },
            on: {
              change: (event) => {
                if ((event.target as HTMLInputElement).checked) this.shown.add(group);
                else this.shown.delete(group);
                this.renderList();
              },
            },
          }),
          `${GROUP_LABELS[group]} (${counts.get(group) ?? 0})`,
        ),
      ),
    );
  }

  private renderList(): void {
    const visible = this.entries
      .map((raw) => ({ raw, view: describeAuditEntry(raw, this.reading) }))
      .filter(({ raw, view }) => this.shown.has(view.group) && (!this.query || JSON.stringify(raw).toLowerCase().includes(this.query)));
    mount(this.list, ...visible.map(({ raw, view }) => renderEntry(view, raw)));
    if (visible.length === 0) this.list.append(h('li', { class: 'muted audit-none' }, 'No entries match.'));
  }
}
