/** A scrolling list of a conversation's items that stays pinned to the newest one while the reader is at the bottom. */
import { h, mount } from './dom';
import { describeItem, type ReaderContext } from './item-view';
import { renderItem, type ItemActions } from './render-item';
import type { TimelineItem } from './wire';

/** Within this many pixels of the bottom counts as "reading the newest items". */
const PINNED_SLACK_PX = 48;

export class TimelineView {
  readonly element = h('div', { class: 'tl-list', role: 'log', 'aria-live': 'polite' });

  constructor(
    private readonly context: ReaderContext,
    private readonly actions: ItemActions = {},
  ) {}

  render(items: readonly TimelineItem[], footer?: Node): void {
    const el = this.element;
    const pinned = el.scrollHeight - el.scrollTop - el.clientHeight < PINNED_SLACK_PX;
    mount(el, ...items.map((item) => renderItem(describeItem(item, this.context), this.actions)), footer);
    if (pinned) this.scrollToEnd();
  }

  scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }
}
