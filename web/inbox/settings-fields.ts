/**
 * The fields of the Settings page's forms: each named by its key (its path in the API's body), with
 * its label, an optional hint, and a slot under it where the server's refusal of it, or word of
 * someone else's change to it, is shown (and read out with the field, `aria-describedby`).
 */
import { h, type Props } from '../shared/dom';
import type { FormValues } from './settings-values';

let drawnIds = 0;
const newId = (): string => `settings-${++drawnIds}`;

/** The slot of `path`'s messages, which the control describes itself by (after its hint, if any). */
function describe(control: HTMLElement, path: string | undefined, hint: string | undefined): { hint?: HTMLElement; message?: HTMLElement } {
  const hintElement = hint === undefined ? undefined : h('p', { class: 'settings-hint muted', id: newId() }, hint);
  const message = path === undefined ? undefined : h('p', { class: 'settings-message', id: newId(), hidden: true, data: { messageFor: path } });
  const ids = [hintElement?.id, message?.id].filter((id) => id !== undefined);
  if (ids.length > 0) control.setAttribute('aria-describedby', ids.join(' '));
  return { hint: hintElement, message };
}

export interface FieldOptions {
  hint?: string;
  /** More attributes of the control (`min`, `required` …). */
  attributes?: Props;
}

/** A text field (or `type` another input: `number`, `time`), its value as drawn being `value`. */
export function inputField(label: string, key: string, value: string, { hint, attributes = {}, type = 'text' }: FieldOptions & { type?: string } = {}): HTMLElement {
  const control = h('input', { type, name: key, id: newId(), value, ...attributes });
  const { hint: hintElement, message } = describe(control, key, hint);
  return h('div', { class: `settings-field settings-field-${type}` }, h('label', { for: control.id }, label), hintElement, control, message);
}

/** A text of several lines. */
export function textField(label: string, key: string, value: string, { hint, attributes = {} }: FieldOptions = {}): HTMLElement {
  const control = h('textarea', { name: key, id: newId(), rows: 3, ...attributes }, value);
  const { hint: hintElement, message } = describe(control, key, hint);
  return h('div', { class: 'settings-field settings-field-text' }, h('label', { for: control.id }, label), hintElement, control, message);
}

/** A switch; `slot: false` for one whose messages its group shows. */
export function switchField(label: string, key: string, checked: boolean, { hint, slot = true }: { hint?: string; slot?: boolean } = {}): HTMLElement {
  const control = h('input', { type: 'checkbox', name: key, id: newId(), checked });
  const { hint: hintElement, message } = describe(control, slot ? key : undefined, hint);
  return h('div', { class: 'settings-field settings-field-switch' }, h('label', {}, control, ` ${label}`), hintElement, message);
}

/** Fields that go together under a legend, with a slot for the messages of `path` (and its parts no field of it takes). */
export function fieldGroup(legend: string, path: string, ...fields: HTMLElement[]): HTMLElement {
  const group = h('fieldset', { class: 'settings-group' }, h('legend', {}, legend));
  const { message } = describe(group, path, undefined);
  group.append(...fields, message!);
  return group;
}

/** The controls of a form's fields. */
const controlsIn = (root: ParentNode): Array<HTMLInputElement | HTMLTextAreaElement> => [...root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[name], textarea[name]')];

/** What the fields under `root` hold now. */
export const readValues = (root: ParentNode): FormValues =>
  Object.fromEntries(controlsIn(root).map((control) => [control.name, control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value]));

/** Puts values into the fields of their keys (the reader's edits, into fields drawn anew). */
export function putValues(root: ParentNode, values: FormValues): void {
  for (const control of controlsIn(root)) {
    const value = values[control.name];
    if (value === undefined) continue;
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = value === true;
    else control.value = String(value);
  }
}

/** The paths of the message slots under `root`. */
export const slotsIn = (root: ParentNode): string[] => [...root.querySelectorAll<HTMLElement>('[data-message-for]')].map((slot) => slot.dataset.messageFor ?? '');

/**
 * Shows each slot's messages (and empties the others), marking the controls of a slot with
 * messages invalid; the first of them, for focus to go to.
 */
export function showMessages(root: ParentNode, bySlot: ReadonlyMap<string, readonly string[]>): HTMLElement | undefined {
  let first: HTMLElement | undefined;
  for (const slot of root.querySelectorAll<HTMLElement>('[data-message-for]')) {
    const text = (bySlot.get(slot.dataset.messageFor ?? '') ?? []).join(' ');
    slot.textContent = text;
    slot.hidden = text === '';
    const owner = slot.parentElement;
    if (!owner) continue;
    const controls = owner instanceof HTMLFieldSetElement ? [owner] : controlsIn(owner);
    for (const control of controls) {
      if (text === '') control.removeAttribute('aria-invalid');
      else control.setAttribute('aria-invalid', 'true');
    }
    if (text !== '') first ??= controlsIn(owner)[0];
  }
  return first;
}
