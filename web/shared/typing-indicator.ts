/** "Sarah is typing…" with animated dots, shown at the end of a timeline. */
import { h } from './dom';
import { writtenList } from './words';
import { showWords } from './written';

export function renderTypingIndicator(names: readonly string[]): HTMLElement | undefined {
  if (names.length === 0) return undefined;
  return h(
    'div',
    { class: 'typing', data: { testid: 'typing-indicator' }, 'aria-live': 'polite' },
    h('span', { class: 'typing-dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
    ...showWords([...writtenList(names, ' and '), names.length === 1 ? ' is typing…' : ' are typing…']),
  );
}
