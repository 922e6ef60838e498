/**
 * The message box: Enter sends, Shift+Enter breaks the line, typing is signalled to the other side.
 * It shows a conversation's `Outbox`, which keeps what is written and sent there while the reader
 * is elsewhere: a message leaves the box when sent, the next can be written and sent meanwhile, and
 * a send that fails stops the line, showing the messages not sent (faded, "Not delivered") until
 * the writer retries or discards them, or the page sends them again once back online; one the server
 * refused shows why, with Edit and Discard, while the others go. When the line has gone, focus comes back to the box if it is still in
 * the composer (or nowhere): a reader who went on to another control is not pulled back.
 * The + button attaches one file to the next message (sent with or without text); with
 * `fileLimits`, one the server would refuse is refused when picked. With
 * `noteToggle` (agents) a switch turns the next message into a private note, which is not
 * signalled as typing. A `helper` (the inbox's saved replies) may put text in the box for the
 * writer to edit and send, and `maySend` hold a send back (a placeholder the reply left unfilled).
 */
import { focusedElementIn, h } from './dom';
import { fileLabel } from './file-label';
import { fileRefusal, type FileLimits } from './file-limits';
import type { Draft, Outbox } from './outbox';
import { showError } from './toast';
import { TypingSignal } from './typing';
import { renderUnsentMessages } from './unsent-messages';

export interface ComposerOptions {
  placeholder: string;
  /** The conversation's outbox: what is written and sent there. */
  outbox: Outbox;
  onTyping(isTyping: boolean): void;
  noteToggle?: boolean;
  /** The server's upload limits, when known. */
  fileLimits?: FileLimits;
  /**
   * Helps write in the box: given the box and a way to put text in it (as if typed, never sent by
   * itself), the element it shows in the composer. Its key handlers on the box run before the
   * composer's, so a key it takes (`preventDefault`) does not send.
   */
  helper?: (box: HTMLTextAreaElement, put: (text: string) => void) => HTMLElement;
  /** Asked before each send (by Enter or the button): false holds it back, the check having told the writer why. */
  maySend?: (box: HTMLTextAreaElement, asNote: boolean) => boolean;
}

export interface Composer {
  element: HTMLElement;
  focus(): void;
}

export function createComposer(options: ComposerOptions): Composer {
  const typing = new TypingSignal(options.onTyping);
  const input = h('textarea', { class: 'composer-input', rows: 1 });
  const note = h('input', { type: 'checkbox', class: 'composer-note-toggle' });
  const send = h('button', { type: 'submit', class: 'btn btn-primary composer-send', 'aria-label': 'Send' }, 'Send');
  const limits = options.fileLimits;
  const picker = h('input', { type: 'file', class: 'composer-file-input', hidden: true, ...(limits ? { accept: limits.mediaTypes.join(',') } : {}) });
  const attach = h('button', { type: 'button', class: 'btn composer-attach', 'aria-label': 'Attach a file', title: 'Attach a file' }, '+');
  const attached = h('div', { class: 'composer-attached', hidden: true });
  const unsentCount = h('span', { class: 'composer-unsent-count' });
  const retry = h('button', { type: 'button', class: 'btn composer-retry' }, 'Retry');
  const discard = h('button', { type: 'button', class: 'btn composer-discard' }, 'Discard');
  const unsentMessages = h('ol', { class: 'composer-unsent-messages', 'aria-label': 'Messages not delivered' });
  const unsentLine = h('div', { class: 'composer-unsent-line', role: 'status' }, unsentCount, retry, discard);
  const unsent = h('div', { class: 'composer-unsent', hidden: true });
  const put = (text: string) => {
    input.value = text;
    outbox.write({ text });
    input.focus();
    input.setSelectionRange(text.length, text.length);
    if (!isNote()) typing.input();
  };
  const helper = options.helper?.(input, put);
  const form = h(
    'form',
    { class: 'composer' },
    unsent,
    attached,
    helper,
    options.noteToggle && h('label', { class: 'composer-note', title: 'Private note: only the team sees it' }, note, 'Note'),
    attach,
    picker,
    input,
    send,
  );

  const { outbox } = options;
  const showFile = (file: File | undefined) => {
    picker.value = '';
    attached.hidden = !file;
    attached.replaceChildren(
      ...(file
        ? [
            fileLabel('composer-file-name', file.name, file.size),
            h('button', { type: 'button', class: 'composer-file-remove', 'aria-label': `Remove ${file.name}`, on: { click: () => chooseFile(undefined) } }, '×'),
          ]
        : []),
    );
  };
  const chooseFile = (file: File | undefined) => {
    outbox.write({ file });
    showFile(file);
  };

  const isNote = () => options.noteToggle === true && note.checked;
  const syncMode = () => {
    form.classList.toggle('composer-as-note', isNote());
    input.placeholder = isNote() ? 'Private note (only the team sees it)…' : options.placeholder;
    input.setAttribute('aria-label', input.placeholder); // A screen reader is told what the box is for now, as the placeholder shows.
    if (isNote()) typing.stop();
  };
  /** The box as the outbox has it: its text, its file, note or not. */
  const showWriting = () => {
    input.value = outbox.writing.text;
    note.checked = outbox.writing.asNote;
    showFile(outbox.writing.file);
    syncMode();
  };
  const unsentActions = {
    edit: (draft: Draft) => {
      outbox.edit(draft);
      input.focus();
    },
    discard: (draft: Draft) => {
      outbox.discard(draft);
      input.focus();
    },
  };
  /** The line stopped (all that waits shows), and the messages the server refused (those alone, while the others go). */
  const showLine = () => {
    const shown = outbox.waiting.filter((draft) => outbox.stalled || draft.refusal);
    unsent.hidden = shown.length === 0;
    // Out of the page rather than hidden: the stylesheet lays the line out whatever `hidden` says.
    unsent.replaceChildren(unsentMessages, ...(outbox.stalled ? [unsentLine] : []));
    unsentMessages.replaceChildren(...renderUnsentMessages(shown, unsentActions));
    const count = outbox.waiting.filter((draft) => !draft.refusal).length;
    unsentCount.textContent = `${count} ${count === 1 ? 'message' : 'messages'} not sent`;
    if (outbox.sending) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
  };
  outbox.show({
    changed: showLine,
    rewritten: showWriting,
    settled: () => {
      // Back to the box, unless the reader went on to something else while the line went (a long upload, say).
      const focused = focusedElementIn(form);
      if (form.isConnected && (!focused || focused === document.body || form.contains(focused))) input.focus();
    },
  });
  showWriting();
  showLine();

  const submit = (): void => {
    if (options.maySend?.(input, isNote()) === false) return;
    if (!outbox.send()) return;
    typing.stop();
    showWriting();
  };
  retry.addEventListener('click', () => outbox.retry());
  discard.addEventListener('click', () => {
    outbox.discard();
    input.focus();
  });

  note.addEventListener('change', () => {
    outbox.write({ asNote: note.checked });
    syncMode();
  });
  attach.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    const chosen = picker.files?.[0];
    const refusal = chosen && limits && fileRefusal(chosen, limits);
    if (refusal) {
      picker.value = '';
      showError(new Error(refusal));
    } else chooseFile(chosen);
  });
  input.addEventListener('input', () => {
    outbox.write({ text: input.value });
    if (!input.value) typing.stop();
    else if (!isNote()) typing.input();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.defaultPrevented) return;
    event.preventDefault();
    submit();
  });
  input.addEventListener('blur', () => typing.stop());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  return { element: form, focus: () => input.focus() };
}
