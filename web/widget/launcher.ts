/** The round button in the corner that opens the widget, with the unread badge. */
import { h } from '../shared/dom';

export interface Launcher {
  element: HTMLElement;
  setOpen(open: boolean): void;
  setUnread(count: number): void;
}

export function createLauncher(onToggle: () => void): Launcher {
  const badge = h('span', { class: 'sw-badge', hidden: true, data: { testid: 'unread-badge' } });
  const button = h(
    'button',
    { type: 'button', class: 'sw-launcher', 'aria-label': 'Open support chat', 'aria-expanded': 'false', on: { click: onToggle } },
    h('span', { class: 'sw-launcher-icon', 'aria-hidden': 'true' }),
    badge,
  );
  return {
    element: button,
    setOpen(open) {
      button.classList.toggle('sw-launcher-open', open);
      button.setAttribute('aria-expanded', String(open));
      button.setAttribute('aria-label', open ? 'Close support chat' : 'Open support chat');
    },
    setUnread(count) {
      badge.hidden = count === 0;
      badge.textContent = count > 99 ? '99+' : String(count);
    },
  };
}
