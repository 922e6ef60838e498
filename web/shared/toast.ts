/** A short-lived message at the bottom of the page, for failures the reader should know about (and the odd calm note). */
import { ApiError } from './api-client';
import { h } from './dom';

const SHOW_MS = 5_000;

/** Where toasts go: the page's body, or the widget's shadow root, where its styles reach them. */
let toastParent: ParentNode | undefined;

export function showToastsIn(parent: ParentNode): void {
  toastParent = parent;
}

/**
 * What went wrong, in words: an API error's message and, for invalid input (whose message only
 * names the fields, `Invalid input: body.add.0`), what is wrong with each field.
 */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApiError)) return message;
  const fields = (error.details as { fields?: unknown } | undefined)?.fields;
  const reasons = Array.isArray(fields) ? fields.map((field: { message?: unknown }) => field.message).filter((reason): reason is string => typeof reason === 'string') : [];
  return reasons.length > 0 ? `${message} (${reasons.join('; ')})` : message;
}

export function showError(error: unknown): void {
  showToast(h('div', { class: 'toast', role: 'alert' }, errorText(error)));
}

/** Word of something that is not a failure (what the reader asked for was done already): read out politely, not as an alert. */
export function showNote(text: string): void {
  showToast(h('div', { class: 'toast', role: 'status' }, text));
}

function showToast(toast: HTMLElement): void {
  (toastParent ?? document.body).append(toast);
  setTimeout(() => toast.remove(), SHOW_MS);
}
