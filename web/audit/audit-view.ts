/**
 * The audit trail as a filterable timeline; each entry's raw JSON opens in place. Bookkeeping
 * (bookkeeping.ts) is folded away in place by default, each run of it one row that opens it.
 */
import { h, mount } from '../shared/dom';
import type { AuditEntry } from '../shared/wire';
import { wordsText } from '../shared/words';
import { AUDIT_GROUPS, describeAuditEntry, reassignmentsOf, type AuditEntryView, type AuditGroup, type TrailReading } from './entry-view';
import { renderEntry } from './entry-element';
import { foldContents, foldRuns } from './folds';
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
  bookkeeping: 'Bookkeeping',
};

/** An entry as drawn: the API's, and what the page makes of it. */
interface Described {
  raw: AuditEntry;
  view: AuditEntryView;
}

export class AuditView {
  /** Bookkeeping starts folded: most of a trail, it says again what other entries say. */
  private readonly shown = new Set<AuditGroup>(AUDIT_GROUPS.filter((group) => group !== 'bookkeeping'));
  /** Entries the reader asked to see, by index (a fold opened, an `of #N` followed): shown whatever folds or filters the rest. */
  private readonly asked = new Set<number>();
  private readonly filters = h('div', { class: 'audit-filters', role: 'group', 'aria-label': 'Show' });
  private readonly list = h('ol', { class: 'audit-list' });
  /** How many entries the search shows, read out as it changes; empty without a search. */
  private readonly matchCount = h('p', { class: 'audit-match-count muted', role: 'status' });
  private query = '';
  private readonly described: readonly Described[];
  readonly element: HTMLElement;

  /** `people` names the ids in the entries (people.ts). */
  constructor(entries: readonly AuditEntry[], people?: AuditPeople) {
    // What the whole trail tells of each entry: how it ended, who people are, whom a reassignment took the conversation from.
    const reading: TrailReading = { endings: endingsOf(entries), people, reassignedFrom: reassignmentsOf(entries) };
    this.described = entries.map((raw) => ({ raw, view: describeAuditEntry(raw, reading) }));
    const search = h('input', { type: 'search', placeholder: 'Search names, actors, summaries…', 'aria-label': 'Search' });
    search.addEventListener('input', () => {
      this.query = search.value.trim().toLowerCase();
      this.renderList();
    });
    this.element = h('div', { class: 'audit' }, h('div', { class: 'audit-toolbar' }, this.filters, search), this.matchCount, this.list);
    this.renderFilters();
    this.renderList();
  }

  private renderFilters(): void {
    const counts = new Map<AuditGroup, number>();
    for (const { view } of this.described) counts.set(view.group, (counts.get(view.group) ?? 0) + 1);
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

  /** Whether the search matches the entry, as the API gives it or as the page words it (names are the page's). */
  private matches({ raw, view }: Described): boolean {
    if (!this.query) return true;
    return [JSON.stringify(raw), wordsText(view.title), view.actor && wordsText(view.actor), view.summary].some((text) => text?.toLowerCase().includes(this.query));
  }

  private renderList(): void {
    // Bookkeeping not shown is folded, not filtered out: where it happened stays in sight.
    const listed = this.described.filter(
      (described) => this.asked.has(described.view.index) || ((this.shown.has(described.view.group) || described.view.group === 'bookkeeping') && this.matches(described)),
    );
    const folded = ({ view }: Described) => !this.shown.has(view.group) && !this.asked.has(view.index);
    const show = (index: number) => this.show([index]);
    const rows = foldRuns(listed, folded);
    mount(this.list, ...rows.map((row) => (row.kind === 'entry' ? renderEntry(row.entry.view, row.entry.raw, show) : this.renderFold(row.entries))));
    if (listed.length === 0) this.list.append(h('li', { class: 'muted audit-none' }, 'No entries match.'));
    const found = rows.filter((row) => row.kind === 'entry').length;
    this.matchCount.textContent = this.query ? `${found === 1 ? '1 entry matches' : `${found} entries match`} “${this.query}”` : '';
  }

  /** A run of bookkeeping folded away: how many entries, of which activities; a click shows them in its place. */
  private renderFold(entries: readonly Described[]): HTMLElement {
    // The button goes: the keyboard goes on from the first entry it showed.
    const unfold = () => this.show(entries.map(({ view }) => view.index));
    const count = entries.length === 1 ? '1 bookkeeping entry' : `${entries.length} bookkeeping entries`;
    return h(
      'li',
      { class: 'audit-fold', data: { count: entries.length } },
      h('button', { type: 'button', class: 'audit-fold-button', on: { click: unfold } }, `Show ${count}`),
      h('span', { class: 'muted' }, foldContents(entries.map(({ raw }) => raw.name ?? raw.kind))),
    );
  }

  /** Shows these entries in their place, unfolded and whatever the filters, and takes the reader (and the keyboard) to the first. */
  private show(indexes: readonly number[]): void {
    for (const index of indexes) this.asked.add(index);
    this.renderList();
    const first = this.list.querySelector<HTMLElement>(`.audit-entry[data-index="${indexes[0]}"]`);
    if (!first) return;
    first.tabIndex = -1;
    first.focus({ preventScroll: true });
    first.scrollIntoView({ block: 'center' });
  }
}
