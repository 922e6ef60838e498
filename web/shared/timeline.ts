/**
 * One conversation's items as a page holds them: keyed by `seq`, so an item that arrives twice
 * (REST page and socket, or a resume after reconnect) is kept once, and order is always by seq.
 */
import { ResumeMark } from './resume-mark';
import type { TimelineItem } from './wire';

export type UpsertResult = 'added' | 'updated' | 'unchanged';

export class Timeline {
  private readonly bySeq = new Map<number, TimelineItem>();
  private ordered: TimelineItem[] | undefined;
  /** Counts the changes held; `changedAt` has the count at each item's last change. */
  private changes = 0;
  private readonly changedAt = new Map<number, number>();
  /**
   * The seq REST pages have filled the timeline up to (timeline-loader.ts). Live items may be held
   * beyond it, with older ones still to load: paging on after `lastSeq` would skip those.
   */
  loadedThrough = 0;
  /** What a reconnect resumes after: not `lastSeq`, which may lie past items still on their way. */
  readonly resume = new ResumeMark();
  private olderEdge = { loadedFrom: 0, hasOlder: false };

  constructor(readonly conversationId: string) {}

  /** Adds a new item or replaces the stored one with the same seq (a `timelineItemUpdated`). */
  upsert(item: TimelineItem): UpsertResult {
    const known = this.bySeq.get(item.seq);
    if (known && JSON.stringify(known) === JSON.stringify(item)) return 'unchanged';
    this.bySeq.set(item.seq, item);
    this.ordered = undefined;
    this.changedAt.set(item.seq, ++this.changes);
    return known ? 'updated' : 'added';
  }

  /**
   * Where the REST pages read back from the newest have reached (timeline-loader.ts): the next
   * older page is read before `loadedFrom`, while `hasOlder` says items are left there.
   */
  get loadedFrom(): number {
    return this.olderEdge.loadedFrom;
  }

  get hasOlder(): boolean {
    return this.olderEdge.hasOlder;
  }

  readBackTo(loadedFrom: number, hasOlder: boolean): void {
    this.olderEdge = { loadedFrom, hasOlder };
    this.ordered = undefined;
  }

  /**
   * Whether an item of this seq is shown: not one before the pages read while older pages are left
   * (a `timelineItemUpdated` of an item in one of them). Shown now, it would sit above a gap; it is
   * kept, and shown once its page is read, so a page read as it changed cannot put it back as it was.
   */
  shows(seq: number): boolean {
    return !this.hasOlder || seq >= this.loadedFrom;
  }

  /** A mark to pass to `upsertRead` later. */
  get version(): number {
    return this.changes;
  }

  /**
   * Adds what a read started at `version` brought, except items that changed since (the socket's
   * `timelineItemUpdated` while the read was on its way is at least as new as the read); true when anything changed.
   */
  upsertRead(items: readonly TimelineItem[], version: number): boolean {
    return this.upsertAll(items.filter((item) => (this.changedAt.get(item.seq) ?? 0) <= version));
  }

  /** Adds many; true when anything changed. */
  upsertAll(items: readonly TimelineItem[]): boolean {
    let changed = false;
    for (const item of items) changed = this.upsert(item) !== 'unchanged' || changed;
    return changed;
  }

  /** The highest seq held, from the socket or from REST (the page's own post). */
  get lastSeq(): number {
    let last = 0;
    for (const seq of this.bySeq.keys()) last = Math.max(last, seq);
    return last;
  }

  /** The items shown (`shows`), in seq order. */
  items(): readonly TimelineItem[] {
    this.ordered ??= [...this.bySeq.values()].filter((item) => this.shows(item.seq)).sort((a, b) => a.seq - b.seq);
    return this.ordered;
  }
}
