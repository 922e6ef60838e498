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

  /** Records a stored seq; an end only moves forward. */
  stored(conversationId: string, websiteId: string, seq: number): void {
    const end = this.ends.get(conversationId);
    if (end) {
      end.lastSeq = Math.max(end.lastSeq, seq);
      return;
    }
    this.ends.set(conversationId, { websiteId, lastSeq: seq });
    if (this.ends.size > this.capacity) this.ends.delete(this.ends.keys().next().value!);
  }

  /** Another writer's item was seen stored: moves a known end forward (an unknown one is read when needed). */
  observed(conversationId: string, seq: number): void {
    const end = this.ends.get(conversationId);
    if (end && seq > end.lastSeq) end.lastSeq = seq;
  }

  /** Whether a write was stored is unknown: the end is read again before the next write. */
  forget(conversationId: string): void {
    this.ends.delete(conversationId);
  }
}
