/** "Sarah is typing…" with animated dots, shown at the end of a timeline. */
import { h } from './dom';

export function renderTypingIndicator(names: readonly string[]): HTMLElement | undefined {
  if (names.length === 0) return undefined;
  const who = names.length === 1 ? `${names[0]} is` : `${names.join(' and ')} are`;
  return h(
    'div',
    { class: 'typing', data: { testid: 'typing-indicator' }, 'aria-live': 'polite' },
    h('span', { class: 'typing-dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
    `${who} typing…`,
  );
}
