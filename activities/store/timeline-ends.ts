/**
 * Where each conversation's timeline ends, as this appender last knew it: the conversation's
 * website and the highest seq handed out. It is only a guess for the next seq: the unique
 * `(conversationId, seq)` index decides, and an entry proven stale is read again before its next
 * use. Bounded: the least recently used conversations drop out.
 */
export interface TimelineEnd {
  websiteId: string;
  /** The highest seq stored or handed out to a write in flight. */
  lastSeq: number;
  /** Another writer took a seq past it: read the stored end before placing more. */
  stale: boolean;
}

export class TimelineEnds {
  private readonly ends = new Map<string, TimelineEnd>();

  constructor(private readonly capacity = 50_000) {}

  get(conversationId: string): TimelineEnd | undefined {
    const end = this.ends.get(conversationId);
    if (end) {
      // Map keeps insertion order: re-inserting marks it as most recently used.
      this.ends.delete(conversationId);
      this.ends.set(conversationId, end);
    }
    return end;
  }

  set(conversationId: string, end: TimelineEnd): void {
    this.ends.delete(conversationId);
    this.ends.set(conversationId, end);
    if (this.ends.size > this.capacity) this.ends.delete(this.ends.keys().next().value!);
  }
}
