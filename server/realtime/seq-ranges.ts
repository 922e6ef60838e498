/**
 * A set of seqs kept as sorted, disjoint ranges: what one connection was sent of one conversation.
 * Seqs mostly arrive in order, so the set is one range or a few (a visitor's view skips private
 * items), whatever the number of items; past `maxRanges` the lowest range is forgotten.
 */
export class SeqRanges {
  /** [lo0, hi0, lo1, hi1, …], ascending, with a gap of at least one seq between ranges. */
  private readonly bounds: number[] = [];

  constructor(private readonly maxRanges: number) {}

  /** Adds `seq`; false when it was already in the set. */
  add(seq: number): boolean {
    const b = this.bounds;
    // Scan from the top: a new seq is almost always the highest so far.
    let i = b.length - 2;
    while (i >= 0 && seq < b[i]!) i -= 2;
    if (i >= 0 && seq <= b[i + 1]!) return false;
    // `seq` lies above range i (if any) and below range i + 2 (if any).
    const joinsBelow = i >= 0 && seq === b[i + 1]! + 1;
    const joinsAbove = i + 2 < b.length && seq === b[i + 2]! - 1;
    if (joinsBelow && joinsAbove) b.splice(i + 1, 2);
    else if (joinsBelow) b[i + 1] = seq;
    else if (joinsAbove) b[i + 2] = seq;
    else b.splice(i + 2, 0, seq, seq);
    this.forgetPastMax();
    return true;
  }

  /** Adds every seq from `lo` to `hi`, joining the ranges it meets or touches. */
  addRange(lo: number, hi: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && b[i + 1]! < lo - 1) i += 2;
    let end = i;
    for (; end < b.length && b[end]! <= hi + 1; end += 2) {
      lo = Math.min(lo, b[end]!);
      hi = Math.max(hi, b[end + 1]!);
    }
    b.splice(i, end - i, lo, hi);
    this.forgetPastMax();
  }

  /** The highest seq in the set, if any. */
  highest(): number | undefined {
    return this.bounds.at(-1);
  }

  /** The highest seq up to which every seq after `after` is in the set; `after` itself when the next one is not. */
  heldThrough(after: number): number {
    const b = this.bounds;
    for (let i = 0; i < b.length; i += 2) if (b[i]! <= after + 1 && after + 1 <= b[i + 1]!) return b[i + 1]!;
    return after;
  }

  private forgetPastMax(): void {
    if (this.bounds.length > 2 * this.maxRanges) this.bounds.splice(0, 2);
  }
}
