/**
 * Gap-free, duplicate-free `resume` for one connection. While a backfill of a conversation runs,
 * live items of that conversation are held back; when it ends, the held items go out in seq order.
 * Every seq sent to the connection (live or backfilled) is remembered, as ranges, for a bounded
 * number of conversations, so an item that both arrives live and is read by a backfill goes out once.
 */
import type { Frame } from './connection';
import { SeqRanges } from './seq-ranges';

/** Ranges kept per conversation: a visitor's view has one gap per private item among the recent ones. */
const RANGES_PER_CONVERSATION = 32;
/** Conversations remembered per connection; the one first seen longest ago is forgotten first. */
const CONVERSATIONS = 4_096;

export class ResumeGate {
  private readonly held = new Map<string, { seq: number; frame: Frame }[]>();
  private readonly delivered = new Map<string, SeqRanges>();

  begin(conversationId: string): void {
    if (!this.held.has(conversationId)) this.held.set(conversationId, []);
  }

  /** A live item: true when it should be sent now (and it is then counted as sent). */
  admitLive(conversationId: string, seq: number, frame: Frame): boolean {
    const held = this.held.get(conversationId);
    if (held) {
      held.push({ seq, frame });
      return false;
    }
    return this.claim(conversationId, seq);
  }

  /** A backfilled item: true when it has not been sent yet (and it is then counted as sent). */
  admitBackfill(conversationId: string, seq: number): boolean {
    return this.claim(conversationId, seq);
  }

  /** Ends the backfill; returns the held frames still to send, in seq order. */
  finish(conversationId: string): Frame[] {
    const held = this.held.get(conversationId) ?? [];
    this.held.delete(conversationId);
    return held.sort((a, b) => a.seq - b.seq).flatMap(({ seq, frame }) => (this.claim(conversationId, seq) ? [frame] : []));
  }

  private claim(conversationId: string, seq: number): boolean {
    let sent = this.delivered.get(conversationId);
    if (!sent) {
      // First seen longest ago, not least recently active: keeping that order cost a map delete
      // and insert per frame on every socket.
      if (this.delivered.size >= CONVERSATIONS) this.delivered.delete(this.delivered.keys().next().value!);
      sent = new SeqRanges(RANGES_PER_CONVERSATION);
      this.delivered.set(conversationId, sent);
    }
    return sent.add(seq);
  }
}
