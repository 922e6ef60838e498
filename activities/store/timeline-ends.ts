/**
 * Where this appender knows each conversation's timeline to end: the newest seq it has seen
 * stored (by its own writes, a read, or the change stream), and the conversation's website.
 * Bounded: past `capacity` the conversation used longest ago is forgotten and read again when
 * next written.
 */
export interface TimelineEnd {
  websiteId: string;
  /** A seq known to be stored: every seq up to it is stored too (see append.ts). */
  lastSeq: number;
  /**
   * The item at `lastSeq` has been handed to this store's change watchers (the appender handed
   * it over itself, or the change stream brought it): the next item may then be handed over
   * directly without overtaking it (own-inserts.ts).
   */
  relayed: boolean;
}

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

  /** Records a seq this store wrote or read; an end only moves forward. */
  stored(conversationId: string, websiteId: string, seq: number, relayed: boolean): void {
    const end = this.ends.get(conversationId);
    if (!end) {
      this.ends.set(conversationId, { websiteId, lastSeq: seq, relayed });
      if (this.ends.size > this.capacity) this.ends.delete(this.ends.keys().next().value!);
    } else if (seq >= end.lastSeq) {
      Object.assign(end, { lastSeq: seq, relayed });
    }
  }

  /** The change stream brought a stored item (on its way to the watchers): moves a known end forward (an unknown one is read when needed). */
  observed(conversationId: string, seq: number): void {
    const end = this.ends.get(conversationId);
    if (end && seq >= end.lastSeq) Object.assign(end, { lastSeq: seq, relayed: true });
  }

  /** Whether a write was stored is unknown: the end is read again before the next write. */
  forget(conversationId: string): void {
    this.ends.delete(conversationId);
  }
}
