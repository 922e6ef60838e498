/**
 * The drawings of a timeline's items, kept from one drawing of the timeline to the next
 * (TimelineView): each item's view (describeItem) and the element drawn from it. An item is
 * described again only when the timeline holds another copy of it (Timeline.upsert keeps the copy
 * it has unless the item changed) or when the reader's context would answer otherwise a question
 * asked in describing it (a name learnt, a day passed, an earlier assignment read: ContextAnswers);
 * it is drawn again only when its view changed. So an item arriving in a long timeline costs one
 * description and one element, not a description of every item held. Without the DOM: the view
 * passes how items are described and drawn.
 */
import { ContextAnswers } from './context-answers';
import type { ItemView, ReaderContext } from './item-view';
import { previousAssignees } from './previous-assignees';
import type { TimelineEvent, TimelineItem } from './wire';

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
  private readonly answers: ContextAnswers;
  /** The seq of each reassignment among the items held, to whom it took the conversation from. */
  private reassignedFrom = new Map<number, string>();

  constructor(
    context: ReaderContext,
    private readonly drawer: ItemDrawer<E>,
  ) {
    this.answers = new ContextAnswers({ ...context, assigneeBefore: (seq) => this.reassignedFrom.get(seq) });
  }

  /** The drawing of the item of this seq, as last updated. */
  get(seq: number): ItemDrawing<E> | undefined {
    return this.bySeq.get(seq);
  }

  /** Brings the drawings to `items`: each item's as it is now. */
  update(items: readonly TimelineItem[]): ItemDrawingsUpdate<E> {
    // Earlier items read may tell whom an assignment drawn before took the conversation from.
    this.reassignedFrom = previousAssignees(items.flatMap((item) => (item.type === 'event' ? [[item.seq, item.event as TimelineEvent] as const] : [])));
    // Any item may read otherwise now: all are described again, the answers noted afresh.
    const describeAll = !this.answers.unchanged();
    if (describeAll) this.answers.forget();
    const bySeq = new Map<number, ItemDrawing<E>>();
    const drawings: ItemDrawing<E>[] = [];
    const drawn = new Set<ItemDrawing<E>>();
    for (const item of items) {
      const before = this.bySeq.get(item.seq);
      const now = before?.item === item && !describeAll ? before : this.describe(item, before);
      if (now.element !== before?.element) drawn.add(now);
      bySeq.set(item.seq, now);
      drawings.push(now);
    }
    this.bySeq = bySeq;
    return { drawings, drawn };
  }

  /** The item's drawing now: the one `before` (its element kept) if its view is the same. */
  private describe(item: TimelineItem, before: ItemDrawing<E> | undefined): ItemDrawing<E> {
    const view = this.drawer.describe(item, this.answers.context);
    const key = JSON.stringify(view);
    return before?.key === key ? { ...before, item } : { item, view, key, element: this.drawer.draw(view) };
  }
}
