/**
 * A button for what cannot be undone (a delete, a new secret): its first click asks in place
 * ("Delete /refund?" Yes / No), so a slip of the mouse loses nothing. No, or Escape, puts it back.
 * Focus goes to No, which the question describes, so a screen reader reads both; after Yes it is
 * back on the button, which the caller may move on from once the action is done.
 */
import { h, mount } from './dom';

let questions = 0;

/** `verb`: what the button says (Delete); `what`: what it acts on, for the question and screen readers (/refund). */
export function confirmingButton(verb: string, what: string, act: () => unknown): HTMLElement {
  const questionId = `confirm-question-${++questions}`;
  const holder = h('span', { class: 'confirming' });
  const back = () => {
    mount(holder, button);
    button.focus();
  };
  const button = h('button', { type: 'button', class: 'btn', 'aria-label': `${verb} ${what}`, on: { click: () => ask() } }, verb);
  const yes = h('button', { type: 'button', class: 'btn btn-danger', 'aria-describedby': questionId, on: { click: () => (back(), act()) } }, `Yes, ${verb.toLowerCase()}`);
  const no = h('button', { type: 'button', class: 'btn', 'aria-describedby': questionId, on: { click: back } }, 'No');
  const ask = () => {
    mount(holder, h('span', { class: 'confirm-question', id: questionId }, `${verb} ${what}?`), yes, no);
    no.focus();
  };
  holder.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && holder.contains(no)) back();
  });
  mount(holder, button);
  return holder;
}
