// A sorted sequence kept in bounded blocks (a flat, one-level B-tree): inserts and removals move at
// most one block's worth of elements instead of the whole array.

const MAX_BLOCK = 512;

export interface Position {
  block: number;
  offset: number;
}

export class SortedBlockList<T> {
  private blocks: T[][] = [];
  private count = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  /** Replaces the content with `items` (need not be sorted). */
  load(items: T[]): void {
    items.sort(this.compare);
    this.blocks = [];
    for (let i = 0; i < items.length; i += MAX_BLOCK / 2) this.blocks.push(items.slice(i, i + MAX_BLOCK / 2));
    this.count = items.length;
  }

  insert(item: T): void {
    if (this.blocks.length === 0) {
      this.blocks.push([item]);
      this.count = 1;
      return;
    }
    const { block, offset } = this.lowerBound((x) => this.compare(x, item));
    const target = Math.min(block, this.blocks.length - 1);
    const items = this.blocks[target]!;
    items.splice(block === target ? offset : items.length, 0, item);
    this.count++;
    if (items.length > MAX_BLOCK) this.blocks.splice(target, 1, items.slice(0, MAX_BLOCK / 2), items.slice(MAX_BLOCK / 2));
  }

  /** Removes the element comparing equal to `item`; returns whether one was found. */
  remove(item: T): boolean {
    const { block, offset } = this.lowerBound((x) => this.compare(x, item));
    const items = this.blocks[block];
    if (!items || offset >= items.length || this.compare(items[offset]!, item) !== 0) return false;
    items.splice(offset, 1);
    if (items.length === 0) this.blocks.splice(block, 1);
    this.count--;
    return true;
  }

  /**
   * First position whose element is not below the target: `probe(x)` answers <0 when x sorts before
   * the target. Returns {block: blocks.length, offset: 0} when there is none.
   */
  lowerBound(probe: (x: T) => number): Position {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const items = this.blocks[mid]!;
      if (probe(items[items.length - 1]!) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.blocks.length) return { block: lo, offset: 0 };
    const items = this.blocks[lo]!;
    let a = 0;
    let b = items.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (probe(items[mid]!) < 0) a = mid + 1;
      else b = mid;
    }
    return { block: lo, offset: a };
  }

  /** Iterates forward from `from` (inclusive). */
  *forward(from: Position): Generator<T> {
    for (let b = from.block, o = from.offset; b < this.blocks.length; b++, o = 0) {
      const items = this.blocks[b]!;
      for (; o < items.length; o++) yield items[o]!;
    }
  }

  /** Iterates backward from the element just before `before`. */
  *backward(before: Position): Generator<T> {
    let b = before.block;
    let o = before.offset - 1;
    if (b >= this.blocks.length) {
      b = this.blocks.length - 1;
      o = (this.blocks[b]?.length ?? 0) - 1;
    }
    for (; b >= 0; b--, o = (this.blocks[b]?.length ?? 0) - 1) {
      const items = this.blocks[b]!;
      for (; o >= 0; o--) yield items[o]!;
    }
  }
}
