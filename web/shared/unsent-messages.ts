/**
 * The messages a failed send left waiting, drawn where the reader's own would be (faded, marked
 * "Not delivered") rather than only counted: what was written stays in view until it goes or is
 * discarded. One the server refused says why, with Edit (back in the box, to put right) and Discard.
 */
import { h } from './dom';
import type { Draft } from './outbox';
import { written } from './written';

export interface UnsentActions {
  edit(draft: Draft): void;
  discard(draft: Draft): void;
}

export function renderUnsentMessages(drafts: readonly Draft[], actions: UnsentActions): HTMLElement[] {
  return drafts.map((draft) =>
    h(
      'li',
      { class: `composer-unsent-message${draft.asNote ? ' composer-unsent-note' : ''}`, data: { testid: 'unsent-message' } },
      written('span', { class: 'composer-unsent-bubble' }, [draft.text, draft.file && `📎 ${draft.file.name}`].filter(Boolean).join('\n') || '📎 File'),
      ...(draft.refusal
        ? [
            h('span', { class: 'composer-unsent-label' }, `Not sent: ${draft.refusal}`),
            h('button', { type: 'button', class: 'btn composer-unsent-edit', on: { click: () => actions.edit(draft) } }, 'Edit'),
            h('button', { type: 'button', class: 'btn composer-unsent-discard', on: { click: () => actions.discard(draft) } }, 'Discard'),
          ]
        : [h('span', { class: 'composer-unsent-label' }, 'Not delivered')]),
    ),
  );
}
