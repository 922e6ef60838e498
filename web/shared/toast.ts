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
 * names the fields, `Invalid input: body.add.0`), what is wrong with each field. Other errors that
 * name a field (a `409`'s shortcut "taken") say it in their message already.
 */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ApiError) || error.code !== 'ERR_INVALID_INPUT') return message;
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

/** Each parent's stack of toasts, made with its first. */
const stacks = new WeakMap<ParentNode, HTMLElement>();

function showToast(toast: HTMLElement): void {
  const parent = toastParent ?? document.body;
  let stack = stacks.get(parent);
  if (!stack?.isConnected) {
    stack = h('div', { class: 'toasts' });
    parent.append(stack);
    stacks.set(parent, stack);
  }
  stack.append(toast);
  setTimeout(() => toast.remove(), SHOW_MS);
}
