/**
 * The messages a failed send left waiting, drawn where the reader's own would be (faded, marked
 * "Not delivered") rather than only counted: what was written stays in view until it goes or is discarded.
 */
import { h } from './dom';
import type { Draft } from './outbox';

export function renderUnsentMessages(drafts: readonly Draft[]): HTMLElement[] {
  return drafts.map((draft) =>
    h(
      'li',
      { class: `composer-unsent-message${draft.asNote ? ' composer-unsent-note' : ''}`, data: { testid: 'unsent-message' } },
      h('span', { class: 'composer-unsent-bubble' }, [draft.text, draft.file && `📎 ${draft.file.name}`].filter(Boolean).join('\n') || '📎 File'),
      h('span', { class: 'composer-unsent-label' }, 'Not delivered'),
    ),
  );
}
