/**
 * Where this appender knows each conversation's timeline to end: the newest seq it has seen
 * stored (by its own writes, a read, or the change stream) with that item's unread tally, and the
 * conversation's website.
 * Bounded: past `capacity` the conversation used longest ago is forgotten and read again when
 * next written.
 */
import type { UnreadTally } from './unread-tally';

export interface TimelineEnd {
  websiteId: string;
  /** A seq known to be stored: every seq up to it is stored too (see append.ts). */
  lastSeq: number;
  /** The unread tally of the item at `lastSeq`. */
  tally: UnreadTally;
}

/** The newest stored item of a conversation as an end records it. */
export type StoredEnd = Pick<TimelineEnd, 'lastSeq' | 'tally'>;

const DEFAULT_CAPACITY = 50_000;

export class TimelineEnds {
  /** Map iteration order is insertion order: re-inserting on use keeps it sorted by recency. */
  private readonly ends = new Map<string, TimelineEnd>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get(conversationId: string): TimelineEnd | undefined {
    const end = this.ends.get(conversationId);
    if (end) {
      this.ends.delete(conversationId);
      this.ends.set(conversationId, end);
    }
    return end;
  }

  /** Records a stored item; an end only moves forward. */
  stored(conversationId: string, websiteId: string, item: StoredEnd): void {
    if (this.observed(conversationId, item)) return;
    this.ends.set(conversationId, { websiteId, ...item });
    if (this.ends.size > this.capacity) this.ends.delete(this.ends.keys().next().value!);
  }

  /**
   * Another writer's item was seen stored: moves a known end forward (an unknown one is read when
   * needed). Says whether the end was known.
   */
  observed(conversationId: string, item: StoredEnd): boolean {
    const end = this.ends.get(conversationId);
    if (end && item.lastSeq > end.lastSeq) Object.assign(end, item);
    return end !== undefined;
  }

  /** Whether a write was stored is unknown: the end is read again before the next write. */
  forget(conversationId: string): void {
    this.ends.delete(conversationId);
  }
}
