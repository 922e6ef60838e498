/** A short-lived message at the bottom of the page, for failures the reader should know about. */
import { h } from './dom';

const SHOW_MS = 5_000;

export function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const toast = h('div', { class: 'toast', role: 'alert' }, message);
  document.body.append(toast);
  setTimeout(() => toast.remove(), SHOW_MS);
}
