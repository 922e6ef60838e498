/**
 * The Settings page's saved replies: the list, with a form to add one or change one. Anyone on the
 * team adds them; their author or an admin changes or deletes them, so only those see Edit and
 * Delete (the server decides all the same), and Delete asks first. Drawn again whenever the list
 * changes, here or elsewhere.
 */
import { PLACEHOLDER_NAMES } from '../../domain/saved-reply-placeholders';
import type { ApiClient } from '../shared/api-client';
import { confirmingButton } from '../shared/confirm-button';
import { focusLost, h } from '../shared/dom';
import { KeptRows } from '../shared/kept-rows';
import { errorText, showError } from '../shared/toast';
import type { SavedReply } from '../shared/wire';
import type { SavedReplies } from './saved-replies';
import { savedReplyParts } from './saved-reply-parts';

export interface SavedReplyWriter {
  me: string;
  /** May change anyone's (the secret key, an admin member token). */
  admin: boolean;
}

let sections = 0;

export function savedRepliesSection(api: ApiClient, replies: SavedReplies, writer: SavedReplyWriter): HTMLElement {
  const list = h('ul', { class: 'saved-reply-rows' });
  // `title`: what the browser says when the pattern is not met, beside its own "match the requested format".
  const shortcut = h('input', { name: 'shortcut', required: true, maxlength: '32', pattern: '[A-Za-z0-9]([A-Za-z0-9\\-]*[A-Za-z0-9])?', title: 'Letters, digits and -, not starting or ending with -, no spaces', autocomplete: 'off' });
  const title = h('input', { name: 'title', required: true, maxlength: '200', autocomplete: 'off' });
  const hintId = `saved-reply-text-hint-${++sections}`;
  const text = h('textarea', { name: 'text', required: true, rows: 3, 'aria-describedby': hintId });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Add saved reply');
  const cancel = h('button', { type: 'button', class: 'btn', hidden: true }, 'Cancel');
  const form = h(
    'form',
    { class: 'saved-reply-form', 'aria-label': 'Saved reply' },
    h('label', {}, 'Shortcut (letters, digits, -)', shortcut),
    h('label', {}, 'Title', title),
    h('label', {}, 'Text', text),
    h(
      'p',
      { class: 'settings-hint muted', id: hintId },
      `Placeholders are filled as the reply is inserted: ${PLACEHOLDER_NAMES.map((name) => `{{${name}}}`).join(', ')}. After a |, what to write when it is not known: {{visitor.firstName | there}}. Other text in double braces is sent as written.`,
    ),
    h('div', { class: 'settings-actions' }, save, cancel),
  );
  /** The reply the form changes; undefined while it adds one. */
  let editing: SavedReply | undefined;

  const edit = (reply: SavedReply | undefined) => {
    editing = reply;
    shortcut.value = reply?.shortcut ?? '';
    title.value = reply?.title ?? '';
    text.value = reply?.text ?? '';
    save.textContent = reply ? `Save /${reply.shortcut}` : 'Add saved reply';
    cancel.hidden = !reply;
    if (reply) shortcut.focus();
  };
  const mayChange = (reply: SavedReply) => writer.admin || reply.createdBy === writer.me;
  const row = (reply: SavedReply) =>
    h(
      'li',
      { class: 'saved-reply-row', data: { shortcut: reply.shortcut } },
      ...savedReplyParts(reply, reply.text),
      mayChange(reply) && h('button', { type: 'button', class: 'btn', 'aria-label': `Edit /${reply.shortcut}`, on: { click: () => edit(reply) } }, 'Edit'),
      mayChange(reply) && confirmingButton('Delete', `/${reply.shortcut}`, () => remove(reply)),
    );
  // Kept across redraws while unchanged: a colleague's change elsewhere leaves a Delete question open here.
  const rows = new KeptRows(row, ({ shortcut, title, text, createdBy }: SavedReply) => [shortcut, title, text, createdBy]);
  const draw = () => rows.place(list, replies.all, h('li', { class: 'muted' }, 'No saved replies yet.'));
  /** Sends a change, then reads the list again (the socket says so to every other inbox); whether it was made. */
  const change = async (request: () => Promise<unknown>): Promise<boolean> => {
    try {
      await request();
    } catch (error) {
      showError(new Error(`Couldn't save the saved reply: ${errorText(error)}`));
      return false;
    }
    await replies.load().catch(showError);
    return true;
  };

  const heading = h('h3', { tabindex: '-1' }, 'Saved replies');
  const remove = async (reply: SavedReply) => {
    // Deleted, its row is drawn no more, and the focus went with it (unless the reader moved on meanwhile).
    if ((await change(() => api.removeSavedReply(reply.id))) && focusLost()) heading.focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = { shortcut: shortcut.value.trim(), title: title.value.trim(), text: text.value };
    const changed = editing;
    if (await change(() => (changed ? api.changeSavedReply(changed.id, fields) : api.addSavedReply(fields)))) edit(undefined);
  });
  cancel.addEventListener('click', () => edit(undefined));

  const element = h(
    'section',
    { class: 'settings-section', data: { testid: 'saved-replies' } },
    heading,
    h('p', { class: 'muted' }, 'Type / at the start of a reply to insert one, then edit it before sending. Anyone on the team adds them; their author or an admin changes or deletes them.'),
    list,
    form,
  );
  replies.watch(element, draw);
  draw();
  return element;
}
