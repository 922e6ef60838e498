/**
 * The message box: Enter sends, Shift+Enter breaks the line, typing is signalled to the other side.
 * With `noteToggle` (agents) a switch turns the next message into a private note, which is not
 * signalled as typing.
 */
import { h } from './dom';
import { showError } from './toast';
import { TypingSignal } from './typing';

export interface ComposerOptions {
  placeholder: string;
  onSend(text: string, asNote: boolean): Promise<void>;
  onTyping(isTyping: boolean): void;
  noteToggle?: boolean;
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
  const form = h(
    'form',
    { class: 'composer' },
    options.noteToggle && h('label', { class: 'composer-note', title: 'Private note: only the team sees it' }, note, 'Note'),
    input,
    send,
  );

  const isNote = () => options.noteToggle === true && note.checked;
  const syncMode = () => {
    form.classList.toggle('composer-as-note', isNote());
    input.placeholder = isNote() ? 'Private note (only the team sees it)…' : options.placeholder;
    if (isNote()) typing.stop();
  };

  const submit = async () => {
    const text = input.value.trim();
    if (!text) return;
    typing.stop();
    send.disabled = true;
    try {
      await options.onSend(text, isNote());
      input.value = '';
    } catch (error) {
      showError(error);
    } finally {
      send.disabled = false;
      input.focus();
    }
  };

  note.addEventListener('change', syncMode);
  input.addEventListener('input', () => {
    if (!input.value) typing.stop();
    else if (!isNote()) typing.input();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    void submit();
  });
  input.addEventListener('blur', () => typing.stop());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  return { element: form, focus: () => input.focus() };
}
