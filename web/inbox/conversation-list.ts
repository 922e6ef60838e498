/** The inbox's conversation rows: newest activity first, with unread count and state pills. */
import { h, mount, placeChildren } from '../shared/dom';
import { HeldDraws } from '../shared/held-draws';
import { previewItemOf } from '../shared/conversation-collection';
import { ageLabel } from '../shared/format';
import { itemPreview, type ReaderContext } from '../shared/item-view';
import type { ConversationListEntry } from '../shared/wire';
import { written } from '../shared/written';
import { conversationTitle, statePills } from './labels';

function preview(entry: ConversationListEntry, context: ReaderContext): string {
  const last = previewItemOf(entry);
  if (!last) return 'No messages yet';
  const prefix = last.visibility === 'private' ? '🔒 ' : last.author.kind === 'visitor' ? '' : '↩ ';
  return prefix + itemPreview(last, context);
}

export interface ListOptions {
  context: ReaderContext;
  selectedId?: string;
  isVisitorOnline(visitorId: string): boolean;
  /** The search text the list is for, if any: an empty list names it. */
  search?: string;
  /** Pages of the search follow that the server has not looked through yet: an empty list is not its answer. */
  searching?: boolean;
  /** Rows say how long their visitor has waited for an answer (the waiting sort). */
  showWaiting?: boolean;
}

/** What the list says when it shows no conversation. */
function emptyListText({ search, searching }: ListOptions): string {
  if (!search) return 'No conversations match these filters.';
  return searching ? `Searching older conversations for “${search}”…` : `No conversations match “${search}”.`;
}

/** What a row shows of its conversation. */
function rowContent(entry: ConversationListEntry, { context, isVisitorOnline, showWaiting }: ListOptions): HTMLElement[] {
  return [
    h('span', { class: 'row-top' }, written('strong', { class: 'row-title' }, conversationTitle(entry)), entry.lastTimelineItem && ageLabel(entry.lastTimelineItem.createdAt, 'row-age muted')),
    // In the direction of what was written (a right-to-left title or message reads right to left).
    written('span', { class: 'row-preview' }, preview(entry, context)),
    // The age is kept current by the page (keepTimesCurrent), so it grows while nobody answers.
    ...(showWaiting && entry.waitingSince ? [h('span', { class: 'row-waiting', data: { testid: 'waiting' } }, 'Waiting ', ageLabel(entry.waitingSince, 'row-waiting-age'))] : []),
    h('span', { class: 'row-pills' }, ...statePills(entry, isVisitorOnline(entry.visitorId)), entry.unreadCount > 0 && h('span', { class: 'count', data: { testid: 'unread' } }, entry.unreadCount), entry.unreadCount > 0 && h('span', { class: 'sr-only' }, 'unread')),
  ];
}

/**
 * The rows, drawn again whenever a conversation changes. Each conversation keeps its row element,
 * whose content is redrawn in place and which is moved as its place changes, the focused one never
 * taken out (placeChildren): a keyboard user's focus stays on it, and is not given anew (which a
 * screen reader reads out) for every message that arrives in any conversation. Not while a row is
 * being pressed, though: moved from under the pointer, it would not be clicked (HeldDraws).
 */
export class ConversationList {
  readonly element = h('div');
  private readonly list = h('ul', { class: 'conversation-list' });
  private rows = new Map<string, HTMLLIElement>();
  private readonly draws = new HeldDraws(this.element);

  /** `onSelect`: a row was chosen, `byKeyboard` when with Enter or Space rather than a pointer. */
  constructor(private readonly onSelect: (id: string, byKeyboard: boolean) => void) {}

  render(entries: readonly ConversationListEntry[], options: ListOptions): void {
    this.draws.draw(() => this.draw(entries, options));
  }

  private draw(entries: readonly ConversationListEntry[], options: ListOptions): void {
    if (entries.length === 0) {
      this.rows.clear();
      return mount(this.element, h('p', { class: 'list-empty muted' }, emptyListText(options)));
    }
    const rows = new Map<string, HTMLLIElement>();
    for (const entry of entries) {
      const row = this.rows.get(entry.id) ?? this.newRow(entry.id);
      const button = row.firstElementChild as HTMLButtonElement;
      const selected = entry.id === options.selectedId;
      button.className = `row${selected ? ' row-selected' : ''}${entry.unreadCount > 0 ? ' row-unread' : ''}`;
      // The open one is marked by its background to the eye, and so to a screen reader.
      if (selected) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
      const content = h('span', {}, ...rowContent(entry, options));
      if (content.innerHTML !== button.innerHTML) button.replaceChildren(...content.childNodes);
      rows.set(entry.id, row);
    }
    this.rows = rows;
    placeChildren(this.list, [...rows.values()]);
    if (this.list.parentNode !== this.element) mount(this.element, this.list);
  }

  /** The row of a conversation the list shows. */
  rowOf(id: string): HTMLButtonElement | undefined {
    return (this.rows.get(id)?.firstElementChild as HTMLButtonElement | null) ?? undefined;
  }

  private newRow(id: string): HTMLLIElement {
    // A click that a key made (Enter, Space) has no pointer presses to count: detail 0.
    const choose = (event: MouseEvent) => this.onSelect(id, event.detail === 0);
    return h('li', {}, h('button', { type: 'button', data: { conversationId: id, focusKey: id }, on: { click: choose } }));
  }
}
