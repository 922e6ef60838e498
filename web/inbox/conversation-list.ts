/** The inbox's conversation rows: newest activity first, with unread count and state pills. */
import { h } from '../shared/dom';
import { previewItemOf } from '../shared/conversation-collection';
import { ageLabel } from '../shared/format';
import { itemPreview, type ReaderContext } from '../shared/item-view';
import type { ConversationListEntry } from '../shared/wire';
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
  onSelect(id: string): void;
  isVisitorOnline(visitorId: string): boolean;
}

export function renderConversationList(entries: readonly ConversationListEntry[], { context, selectedId, onSelect, isVisitorOnline }: ListOptions): HTMLElement {
  if (entries.length === 0) return h('p', { class: 'list-empty muted' }, 'No conversations match these filters.');
  return h(
    'ul',
    { class: 'conversation-list' },
    ...entries.map((entry) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            class: `row${entry.id === selectedId ? ' row-selected' : ''}${entry.unreadCount > 0 ? ' row-unread' : ''}`,
            data: { conversationId: entry.id, focusKey: entry.id },
            on: { click: () => onSelect(entry.id) },
          },
          h(
            'span',
            { class: 'row-top' },
            h('strong', { class: 'row-title' }, conversationTitle(entry)),
            entry.lastTimelineItem && ageLabel(entry.lastTimelineItem.createdAt, 'row-age muted'),
          ),
          h('span', { class: 'row-preview' }, preview(entry, context)),
          h('span', { class: 'row-pills' }, ...statePills(entry, isVisitorOnline(entry.visitorId)), entry.unreadCount > 0 && h('span', { class: 'count', data: { testid: 'unread' } }, entry.unreadCount)),
        ),
      ),
    ),
  );
}
