/**
 * The composer's list of saved replies: typing `/` at the start of the box (then some of a
 * shortcut, title or text to narrow it), or the button beside the box, opens it. Arrow keys move
 * through it, Enter puts the reply's text in the box for the agent to edit and send (it is never
 * sent by itself), its placeholders filled for the open conversation and the first one left
 * unfilled selected, to be typed over; Escape closes it and keeps what was typed. The box stays focused throughout:
 * the list is a listbox it points at with `aria-activedescendant`.
 */
import { fillPlaceholders, unfilledIn, type PlaceholderValues } from '../../domain/saved-reply-placeholders';
import { h } from '../shared/dom';
import type { SavedReply } from '../shared/wire';
import type { SavedReplies } from './saved-replies';
import { savedReplyParts } from './saved-reply-parts';

/** The box holding only `/` and what narrows the list. */
const SLASH_QUERY = /^\/(\S*)$/;
/** How much of a reply's text its option shows. */
const PREVIEW_LENGTH = 80;

let pickers = 0;

/** The composer's helper (composer.ts `helper`) offering `replies`, their placeholders filled with `values()` as one is picked. */
export function savedReplyPicker(replies: SavedReplies, values: () => PlaceholderValues) {
  return (box: HTMLTextAreaElement, put: (text: string) => void): HTMLElement => {
    const listId = `saved-replies-${++pickers}`;
    const list = h('ul', { class: 'saved-reply-list', id: listId, role: 'listbox', 'aria-label': 'Saved replies' });
    const none = h('p', { class: 'saved-reply-none muted' });
    const popup = h('div', { class: 'saved-reply-picker', hidden: true }, list, none);
    const button = h('button', { type: 'button', class: 'btn composer-saved-replies', 'aria-label': 'Insert a saved reply', title: 'Saved replies (type / in the box)', 'aria-haspopup': 'listbox', 'aria-expanded': 'false' }, '/');
    let shown: SavedReply[] = [];
    let active = 0;
    let open = false;
    /** Escape closed the list for what the box holds: typing on reopens it only once the box leaves slash mode. */
    let dismissed = false;

    const optionId = (reply: SavedReply) => `${listId}-${reply.id}`;
    const close = () => {
      open = false;
      popup.hidden = true;
      button.setAttribute('aria-expanded', 'false');
      box.removeAttribute('aria-controls');
      box.removeAttribute('aria-activedescendant');
    };
    const markActive = () => {
      for (const [index, option] of [...list.children].entries()) option.setAttribute('aria-selected', String(index === active));
      const reply = shown[active];
      if (reply) {
        box.setAttribute('aria-activedescendant', optionId(reply));
        list.children[active]?.scrollIntoView({ block: 'nearest' });
      } else box.removeAttribute('aria-activedescendant');
    };
    const insert = (reply: SavedReply) => {
      close();
      // Line breaks as a text box holds them, so offsets in the text are offsets in the box.
      const text = fillPlaceholders(reply.text.replace(/\r\n?/g, '\n'), values());
      // By `/`, the reply takes the box; opened by the button over text already written, it goes where the caret is.
      const slash = SLASH_QUERY.test(box.value);
      const start = slash ? 0 : box.selectionStart;
      put(slash ? text : box.value.slice(0, start) + text + box.value.slice(box.selectionEnd));
      // The first placeholder left to fill selected; else the caret after the reply, where the agent goes on writing.
      const first = unfilledIn(text)[0];
      if (first) box.setSelectionRange(start + first.start, start + first.end);
      else box.setSelectionRange(start + text.length, start + text.length);
    };
    const show = (query: string) => {
      shown = replies.matching(query);
      active = 0;
      open = true;
      popup.hidden = false;
      button.setAttribute('aria-expanded', 'true');
      box.setAttribute('aria-controls', listId);
      list.replaceChildren(
        ...shown.map((reply) =>
          h(
            'li',
            // Pressed without taking focus from the box, so the caret stays where the text goes.
            { id: optionId(reply), role: 'option', class: 'saved-reply-option', on: { mousedown: (event: Event) => event.preventDefault(), click: () => insert(reply) } },
            ...savedReplyParts(reply, reply.text.length > PREVIEW_LENGTH ? `${reply.text.slice(0, PREVIEW_LENGTH)}…` : reply.text),
          ),
        ),
      );
      none.hidden = shown.length > 0;
      none.textContent = replies.all.length === 0 ? 'No saved replies yet: add them on the Settings page.' : `No saved reply matches “${query}”.`;
      markActive();
    };

    box.addEventListener('input', () => {
      const slash = SLASH_QUERY.exec(box.value);
      if (!slash) dismissed = false;
      if (slash && !dismissed) show(slash[1]!);
      else if (open) close();
    });
    box.addEventListener('keydown', (event) => {
      if (!open || event.isComposing) return;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        if (shown.length === 0) return;
        active = (active + (event.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
        markActive();
      } else if (event.key === 'Enter' && !event.shiftKey && shown[active]) {
        event.preventDefault();
        insert(shown[active]!);
      } else if (event.key === 'Escape') {
        event.preventDefault();
        dismissed = SLASH_QUERY.test(box.value);
        close();
      }
    });
    box.addEventListener('blur', close);
    // Pressing it takes focus from the box, which closes an open list: it opens it again, for the box.
    button.addEventListener('click', () => {
      box.focus();
      show(SLASH_QUERY.exec(box.value)?.[1] ?? '');
    });
    return h('div', { class: 'composer-saved' }, popup, button);
  };
}
