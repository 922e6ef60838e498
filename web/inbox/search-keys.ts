/** The inbox search's keyboard shortcut and what its results count reads. */

/** Where a key is the text being typed, not a shortcut. */
const isTypingIn = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement && (target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement);

/**
 * `/` takes focus to the search field (`field()`), unless the agent is typing elsewhere or holds a
 * modifier. Where the field is hidden (a narrow screen shows the open conversation alone),
 * `reveal()` goes back to the list first, as its Back button does.
 */
export function focusSearchOnSlash(field: () => HTMLInputElement | null, reveal: () => void): void {
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || isTypingIn(event.target)) return;
    const search = field();
    if (!search) return;
    event.preventDefault(); // The slash is not typed into the field.
    if (!search.checkVisibility()) reveal();
    search.focus();
    search.select();
  });
}

/**
 * What a search found, of the pages read (`more`: pages follow; `searching`: they follow because the
 * server stopped the last at its budget, so they may hold no more).
 */
export function searchCountText(count: number, more: boolean, searching = false): string {
  if (searching) return count === 0 ? 'Searching…' : `${count === 1 ? '1 conversation' : `${count} conversations`} found so far`;
  if (count === 0) return 'No conversations found';
  if (more) return `More than ${count} conversations found`;
  return count === 1 ? '1 conversation found' : `${count} conversations found`;
}
