/** The round button in the corner that opens the widget, with the unread badge. */
import { h } from '../shared/dom';
import { isEscapeToClose } from './escape-to-close';

export interface Launcher {
  element: HTMLElement;
  setOpen(open: boolean): void;
  setUnread(count: number): void;
}

/** The button's name, the unread count in it: the badge is only seen, a screen reader reads the name. */
const nameOf = (open: boolean, unread: number): string =>
  `${open ? 'Close' : 'Open'} support chat${unread > 0 ? `, ${unread} unread conversation${unread === 1 ? '' : 's'}` : ''}`;

export function createLauncher(onToggle: () => void): Launcher {
  let open = false;
  let unread = 0;
  // The panel closes on Escape from inside it; the launcher is its Close button then, outside it, and closes it so too.
  const closeOnEscape = (event: KeyboardEvent) => {
    if (!open || !isEscapeToClose(event)) return;
    event.preventDefault();
    onToggle();
  };
  const badge = h('span', { class: 'sw-badge', hidden: true, 'aria-hidden': 'true', data: { testid: 'unread-badge' } });
  const button = h(
    'button',
    { type: 'button', class: 'sw-launcher', 'aria-label': 'Open support chat', 'aria-expanded': 'false', on: { click: onToggle, keydown: closeOnEscape } },
    h('span', { class: 'sw-launcher-icon', 'aria-hidden': 'true' }),
    badge,
  );
  return {
    element: button,
    setOpen(isOpen) {
      open = isOpen;
      button.classList.toggle('sw-launcher-open', open);
      button.setAttribute('aria-expanded', String(open));
      button.setAttribute('aria-label', nameOf(open, unread));
    },
    setUnread(count) {
      unread = count;
      badge.hidden = count === 0;
      badge.textContent = count > 99 ? '99+' : String(count);
      button.setAttribute('aria-label', nameOf(open, unread));
    },
  };
}
