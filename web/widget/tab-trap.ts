/**
 * Tab and Shift+Tab kept among a root's controls while `active()` says so: the widget filling a
 * phone's screen, where what Tab would reach next (the page's links) lies hidden behind it. The
 * last control leads to the first, and the first back to the last.
 */
import { focusedElementIn } from '../shared/dom';

const TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The controls Tab stops at, in order: those shown (a hidden panel's, or a `display: none` file input, are not). */
const tabStops = (root: HTMLElement): HTMLElement[] =>
  [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter((element) => element.getClientRects().length > 0);

export function keepTabIn(root: HTMLElement, active: () => boolean): void {
  root.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab' || !active()) return;
    const stops = tabStops(root);
    const [first, last] = [stops[0], stops.at(-1)];
    if (!first || !last) return;
    const focused = focusedElementIn(root);
    const to = event.shiftKey ? (focused === first ? last : undefined) : focused === last ? first : undefined;
    if (!to) return;
    event.preventDefault();
    to.focus();
  });
}
