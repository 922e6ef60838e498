/**
 * The drawings of a timeline's items, kept from one drawing of the timeline to the next
 * (TimelineView): each item's view (describeItem) and the element drawn from it, drawn again only
 * when its view changed. Without the DOM: the view passes how items are described and drawn.
 */
import type { ItemView, ReaderContext } from './item-view';
import type { TimelineItem } from './wire';

export interface ItemDrawing<E> {
  readonly item: TimelineItem;
  readonly view: ItemView;
  /** The view as drawn, to compare with the item's view described again. */
  readonly key: string;
  readonly element: E;
}

export interface ItemDrawer<E> {
  describe(item: TimelineItem, context: ReaderContext): ItemView;
  draw(view: ItemView): E;
}

export interface ItemDrawingsUpdate<E> {
  /** The drawing of each item, in the items' order. */
  drawings: readonly ItemDrawing<E>[];
  /** Those drawn by this update (items new to it, items whose view changed); the others are as they were. */
  drawn: ReadonlySet<ItemDrawing<E>>;
}

export class ItemDrawings<E> {
  private bySeq = new Map<number, ItemDrawing<E>>();

  constructor(
    private readonly context: ReaderContext,
    private readonly drawer: ItemDrawer<E>,
  ) {}

  /** The drawing of the item of this seq, as last updated. */
  get(seq: number): ItemDrawing<E> | undefined {
    return this.bySeq.get(seq);
  }

  /** Brings the drawings to `items`: each item's as it is now. */
  update(items: readonly TimelineItem[]): ItemDrawingsUpdate<E> {
    const bySeq = new Map<number, ItemDrawing<E>>();
    const drawings: ItemDrawing<E>[] = [];
    const drawn = new Set<ItemDrawing<E>>();
    for (const item of items) {
      const before = this.bySeq.get(item.seq);
      const view = this.drawer.describe(item, this.context);
      const key = JSON.stringify(view);
      const now = before?.key === key ? before : { item, view, key, element: this.drawer.draw(view) };
      if (now !== before) drawn.add(now);
      bySeq.set(item.seq, now);
      drawings.push(now);
    }
    this.bySeq = bySeq;
    return { drawings, drawn };
  }
}
