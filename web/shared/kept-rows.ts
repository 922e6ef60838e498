/**
 * The rows of a list drawn again and again (as the socket says it changed, or after a change made
 * here), each kept while what it shows is unchanged (its `updatedAt`): a redraw leaves a row's open
 * parts, a question it is asking and the focus in it as they are, and redraws only what changed.
 */
import { placeChildren } from './dom';

export class KeptRows<T extends { id: string; updatedAt: string }> {
  private readonly rows = new Map<string, { updatedAt: string; element: HTMLElement }>();

  constructor(private readonly draw: (item: T) => HTMLElement) {}

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
    const drawn = this.rows.get(item.id);
    if (drawn?.updatedAt === item.updatedAt) return drawn.element;
    const element = this.draw(item);
    this.rows.set(item.id, { updatedAt: item.updatedAt, element });
    return element;
  }
}
