/**
 * The rows of a list drawn again and again (as the socket says it changed, or after a change made
 * here), each kept while what it shows is unchanged: a redraw leaves a row's open parts, a question
 * it is asking and the focus in it as they are, and redraws only what changed.
 */
import { placeChildren } from './dom';

export class KeptRows<T extends { id: string }> {
  private readonly rows = new Map<string, { shown: string; element: HTMLElement }>();

  /** `shownBy`: what of an item its row shows; a row is drawn again when that changes. */
  constructor(
    private readonly draw: (item: T) => HTMLElement,
    private readonly shownBy: (item: T) => unknown,
  ) {}

  /** Makes `list` hold the rows of `items`, in order, or `empty` when there are none. */
  place(list: Element, items: readonly T[], empty: Node): void {
    const listed = new Set(items.map(({ id }) => id));
    for (const id of this.rows.keys()) if (!listed.has(id)) this.rows.delete(id);
    placeChildren(list, items.length === 0 ? [empty] : items.map((item) => this.rowOf(item)));
  }

  /** Whether the last `place` drew a row for this id. */
  has(id: string): boolean {
    return this.rows.has(id);
  }

  private rowOf(item: T): HTMLElement {
    const shown = JSON.stringify(this.shownBy(item));
    const drawn = this.rows.get(item.id);
    if (drawn?.shown === shown) return drawn.element;
    const element = this.draw(item);
    this.rows.set(item.id, { shown, element });
    return element;
  }
}
