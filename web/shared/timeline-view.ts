/**
 * A scrolling list of a conversation's items that stays pinned to the newest one while the reader
 * is at the bottom. Drawn again on every change (an item, someone typing), it replaces only the
 * items whose view changed: the others stay the same elements, so a reader's text selection, a
 * tool call they opened and the images shown are kept.
 */
import { h } from './dom';
import { describeItem, type ReaderContext } from './item-view';
import { renderItem, type ItemActions } from './render-item';
import type { TimelineItem } from './wire';

/** Within this many pixels of the bottom counts as "reading the newest items". */
const PINNED_SLACK_PX = 48;

interface Drawn {
  /** The item's view as drawn, to compare with its view now (names learnt, an item updated). */
  view: string;
  element: HTMLElement;
}

export class TimelineView {
  readonly element = h('div', { class: 'tl-list', role: 'log', 'aria-live': 'polite' });
  private drawn = new Map<number, Drawn>();

  constructor(
    private readonly context: ReaderContext,
    private readonly actions: ItemActions = {},
  ) {}

  render(items: readonly TimelineItem[], footer?: Node): void {
    const el = this.element;
    const pinned = el.scrollHeight - el.scrollTop - el.clientHeight < PINNED_SLACK_PX;
    const drawn = new Map<number, Drawn>();
    for (const item of items) {
      const described = describeItem(item, this.context);
      const view = JSON.stringify(described);
      const before = this.drawn.get(item.seq);
      drawn.set(item.seq, before?.view === view ? before : { view, element: renderItem(described, this.actions) });
    }
    this.drawn = drawn;
    this.place([...[...drawn.values()].map((d) => d.element), ...(footer ? [footer] : [])]);
    if (pinned) this.scrollToEnd();
  }

  scrollToEnd(): void {
    this.element.scrollTop = this.element.scrollHeight;
  }

  /** Makes the list's children exactly `nodes`, in order, touching only those not already in place. */
  private place(nodes: readonly Node[]): void {
    const el = this.element;
    const kept = new Set(nodes);
    for (const child of [...el.childNodes]) if (!kept.has(child)) child.remove();
    nodes.forEach((node, i) => {
      if (el.childNodes[i] !== node) el.insertBefore(node, el.childNodes[i] ?? null);
    });
  }
}
