/**
 * The message box: Enter sends, Shift+Enter breaks the line, typing is signalled to the other side.
 * A message leaves the box when sent; the next can be written and sent meanwhile, and goes right
 * after it. A send that fails stops the line: what is not sent waits, each message as it was
 * written (a note stays a note), until the writer retries (with the same item ids, so a message the
 * server stored although its answer was lost is not stored twice) or discards it. When the line has
 * gone, focus comes back to the box if it is still in the composer (or nowhere).
 * The + button attaches one file to the next message (sent with or without text); with
 * `fileLimits`, one the server would refuse is refused when picked. With
 * `noteToggle` (agents) a switch turns the next message into a private note, which is not
 * signalled as typing.
 */
import { clientId } from './api-client';
import { h } from './dom';
import { fileRefusal, type FileLimits } from './file-limits';
import { formatBytes } from './format';
import { showError } from './toast';
import { TypingSignal } from './typing';

/** What the composer hands over when the writer sends. */
export interface Draft {
  /** The item's id, made when it is sent: its retries carry it too. */
  id: string;
  text: string;
  asNote: boolean;
  file?: File;
}

export interface ComposerOptions {
  placeholder: string;
  onSend(draft: Draft): Promise<void>;
  onTyping(isTyping: boolean): void;
  noteToggle?: boolean;
  /** The server's upload limits, when known. */
  fileLimits?: FileLimits;
}

export interface Composer {
  element: HTMLElement;
  focus(): void;
}

export function createComposer(options: ComposerOptions): Composer {
  const typing = new TypingSignal(options.onTyping);
  const input = h('textarea', { class: 'composer-input', rows: 1, placeholder: options.placeholder, 'aria-label': options.placeholder });
  const note = h('input', { type: 'checkbox', class: 'composer-note-toggle' });
  const send = h('button', { type: 'submit', class: 'btn btn-primary composer-send', 'aria-label': 'Send' }, 'Send');
  const limits = options.fileLimits;
  const picker = h('input', { type: 'file', class: 'composer-file-input', hidden: true, ...(limits ? { accept: limits.mediaTypes.join(',') } : {}) });
  const attach = h('button', { type: 'button', class: 'btn composer-attach', 'aria-label': 'Attach a file', title: 'Attach a file' }, '+');
  const attached = h('div', { class: 'composer-attached', hidden: true });
  const unsentCount = h('span', { class: 'composer-unsent-count' });
  const retry = h('button', { type: 'button', class: 'btn composer-retry' }, 'Retry');
  const discard = h('button', { type: 'button', class: 'btn composer-discard' }, 'Discard');
  const unsent = h('div', { class: 'composer-unsent', role: 'status', hidden: true }, unsentCount, retry, discard);
  const form = h(
    'form',
    { class: 'composer' },
    unsent,
    attached,
    options.noteToggle && h('label', { class: 'composer-note', title: 'Private note: only the team sees it' }, note, 'Note'),
    attach,
    picker,
    input,
    send,
  );

  let file: File | undefined;
  const setFile = (chosen: File | undefined) => {
    file = chosen;
    picker.value = '';
    attached.hidden = !chosen;
    attached.replaceChildren(
      ...(chosen
        ? [
            h('span', { class: 'composer-file-name' }, `📎 ${chosen.name} · ${formatBytes(chosen.size)}`),
            h('button', { type: 'button', class: 'composer-file-remove', 'aria-label': `Remove ${chosen.name}`, on: { click: () => setFile(undefined) } }, '×'),
          ]
        : []),
    );
  };

  const isNote = () => options.noteToggle === true && note.checked;
  const syncMode = () => {
    form.classList.toggle('composer-as-note', isNote());
    input.placeholder = isNote() ? 'Private note (only the team sees it)…' : options.placeholder;
    if (isNote()) typing.stop();
  };

  /**
   * Messages sent and not yet stored, oldest first: each leaves the box when sent, so the next can
   * be written (an upload can take a while), and they go one after the other, in order.
   */
  const queue: Draft[] = [];
  let sending = false;
  /** A send failed: the queue waits for Retry or Discard. */
  let stalled = false;
  const showUnsent = () => {
    unsent.hidden = !stalled;
    unsentCount.textContent = `${queue.length} ${queue.length === 1 ? 'message' : 'messages'} not sent`;
  };
  const drain = async (): Promise<void> => {
    if (sending || stalled) return;
    sending = true;
    form.setAttribute('aria-busy', 'true');
    for (let draft = queue[0]; draft && !stalled; draft = queue[0]) {
      try {
        await options.onSend(draft);
        queue.shift();
      } catch (error) {
        showError(error);
        stalled = true;
      }
    }
    sending = false;
    form.removeAttribute('aria-busy');
    showUnsent();
    // Back to the box, unless the writer went on to something else while the line went (a long upload, say).
    const focused = document.activeElement;
    if (form.isConnected && (!focused || focused === document.body || form.contains(focused))) input.focus();
  };
  const submit = (): void => {
    const text = input.value.trim();
    if (!text && !file) return;
    typing.stop();
    queue.push({ id: clientId('item'), text, asNote: isNote(), ...(file ? { file } : {}) });
    input.value = '';
    setFile(undefined);
    showUnsent();
    void drain();
  };
  retry.addEventListener('click', () => {
    stalled = false;
    showUnsent();
    void drain();
  });
  discard.addEventListener('click', () => {
    queue.length = 0;
    stalled = false;
    showUnsent();
    input.focus();
  });

  note.addEventListener('change', syncMode);
  attach.addEventListener('click', () => picker.click());
  picker.addEventListener('change', () => {
    const chosen = picker.files?.[0];
    const refusal = chosen && limits && fileRefusal(chosen, limits);
    if (refusal) {
      picker.value = '';
      showError(new Error(refusal));
    } else setFile(chosen);
  });
  input.addEventListener('input', () => {
    if (!input.value) typing.stop();
    else if (!isNote()) typing.input();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
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
