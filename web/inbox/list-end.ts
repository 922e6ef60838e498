/**
 * The inbox list's last row while more conversations follow. It reads the next page by itself as it
 * comes into view (the agent scrolled or tabbed to the end of the list), saying so while it does.
 * It is a button a keyboard reaches, "Load more conversations", and the way to ask again once a
 * read failed: that is not asked again by every scroll. A keyboard user on it goes on at the first
 * conversation of the page it brought.
 */
import { h } from '../shared/dom';
import { showError } from '../shared/toast';
import type { ListPages } from './list-pages';

export class ListEnd {
  private readonly button = h('button', { type: 'button', class: 'btn list-end-button', on: { click: () => void this.readNext() } });
  readonly element = h('div', { class: 'list-end' }, this.button);
  private readonly observer = new IntersectionObserver((entries) => {
    if (entries.at(-1)?.isIntersecting && !this.pages.failed) void this.readNext();
  });

  /** `focusRow` puts focus on a conversation's row: false when the list does not show it. */
  constructor(
    private readonly pages: ListPages,
    private readonly focusRow: (id: string) => boolean,
  ) {
    this.render();
  }

  /** Draws the row as the pages are now: to be called whenever they change. */
  render(): void {
    const { hasMore, reading } = this.pages;
    this.element.hidden = !hasMore;
    this.button.textContent = reading ? 'Loading more conversations…' : 'Load more conversations';
    // Not disabled: a disabled button loses a keyboard user's focus.
    if (reading) this.button.setAttribute('aria-disabled', 'true');
    else this.button.removeAttribute('aria-disabled');
    // Observed afresh, it is told at once whether it is in view: a page that did not fill the list reads the next.
    this.observer.unobserve(this.element);
    if (hasMore && !reading) this.observer.observe(this.element);
  }

  private async readNext(): Promise<void> {
    try {
      const added = await this.pages.readNext();
      // On the row when the page came (tabbed to it, which read the page, or there while it was read).
      // After the last page the row is hidden, but the page is not drawn yet: focus is still on it.
      if (added && document.activeElement === this.button) added.some((conversation) => this.focusRow(conversation.id));
    } catch (error) {
      showError(error);
    }
  }
}
