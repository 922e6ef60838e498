/** The widget's home: the visitor's conversations, newest first, and a button to start a new one. */
import { previewItemOf } from '../shared/conversation-collection';
import { h } from '../shared/dom';
import { ageLabel } from '../shared/format';
import { itemPreview, type ReaderContext } from '../shared/item-view';
import type { ConversationListEntry } from '../shared/wire';
import { written } from '../shared/written';

export interface ConversationListActions {
  open(conversationId: string): void;
  startNew(): void;
}

/** What the last item says, in its own direction (a right-to-left message reads so after "You: "). */
function preview(entry: ConversationListEntry, context: ReaderContext): Array<string | HTMLElement> {
  const last = previewItemOf(entry);
  if (!last) return ['No messages yet'];
  return [last.author.kind === 'visitor' ? 'You: ' : '', written('span', {}, itemPreview(last, context))];
}

/** `intro`: who answers now (availability-text.ts). */
export function renderConversationList(entries: readonly ConversationListEntry[], context: ReaderContext, intro: string, actions: ConversationListActions): HTMLElement {
  return h(
    'div',
    { class: 'sw-home' },
    h('p', { class: 'sw-intro' }, intro),
    h('button', { type: 'button', class: 'btn btn-primary sw-new', data: { focusKey: 'new' }, on: { click: actions.startNew } }, 'New conversation'),
    entries.length > 0 && h('h3', { class: 'sw-section' }, 'Your conversations'),
    h(
      'ul',
      { class: 'sw-conversations' },
      ...entries.map((entry) =>
        h(
          'li',
          {},
          h(
            'button',
            { type: 'button', class: 'sw-conversation', data: { conversationId: entry.id, focusKey: entry.id }, on: { click: () => actions.open(entry.id) } },
            h('span', { class: 'sw-conversation-preview' }, ...preview(entry, context)),
            h(
              'span',
              { class: 'sw-conversation-meta' },
              entry.status === 'resolved' && h('span', { class: 'pill pill-muted' }, 'Resolved'),
              entry.unreadCount > 0 && h('span', { class: 'count' }, entry.unreadCount),
              entry.lastTimelineItem && ageLabel(entry.lastTimelineItem.createdAt, 'muted'),
            ),
          ),
        ),
      ),
    ),
  );
}
