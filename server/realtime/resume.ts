/**
 * Gap-free, duplicate-free `resume` for one connection. From the moment a resume frame arrives
 * until its backfill ends, live items of that conversation are held back, their updates too (an
 * update must not reach a client before the item it updates); then the held items go out in seq
 * order, each item's updates after it, in the order they came. Every seq sent to the connection (live or backfilled) is remembered, as ranges,
 * for a bounded number of conversations, so an item that both arrives live and is read by a
 * backfill, or that an earlier resume sent, is not sent again (as far as the ranges reach back).
 * So are the seqs a backfill read past as not the caller's to see: a resume reads from the store
 * only from the first seq after its `afterSeq` that the connection does not hold, so resuming a
 * long conversation again and again costs a read of what is new, not of the whole tail each time.
 */
import type { Frame } from './connection';
import { SeqRanges } from './seq-ranges';

/** Ranges kept per conversation: a visitor's view has one gap per private item among the recent ones. */
const RANGES_PER_CONVERSATION = 32;
/** Conversations remembered per connection; the one first seen longest ago is forgotten first. */
const CONVERSATIONS = 4_096;

/** A timeline item's frame as the store's change stream brings it: the item made, or changed since. */
export interface LiveItem {
  conversationId: string;
  seq: number;
  change: 'created' | 'updated';
}

interface Hold {
  /** Resumes of the conversation that have arrived and not finished. */
  pending: number;
  frames: { item: LiveItem; frame: Frame }[];
}

/** Held frames in the order they go out: by seq, an item before its updates (the sort is stable: updates keep their order). */
const bySeqCreatedFirst = (a: { item: LiveItem }, b: { item: LiveItem }) =>
  a.item.seq - b.item.seq || Number(a.item.change === 'updated') - Number(b.item.change === 'updated');

export class ResumeGate {
  private readonly held = new Map<string, Hold>();
  private readonly delivered = new Map<string, SeqRanges>();
  /** Backfills under way, by conversation: the seq through which each has read. */
  private readonly reading = new Map<string, number>();

  /**
   * A resume of the conversation arrived: its live items wait until it finishes. Called once per
   * resume frame as it arrives, not when its turn comes: frames are handled one at a time, and live
   * items must not overtake a backfill queued behind another.
   */
  begin(conversationId: string): void {
    const hold = this.held.get(conversationId);
    if (hold) hold.pending += 1;
    else this.held.set(conversationId, { pending: 1, frames: [] });
  }

  /** A live item or update: true when it should be sent now (an item is then counted as sent; updates always go). */
  admitLive(item: LiveItem, frame: Frame): boolean {
    const hold = this.held.get(item.conversationId);
    if (hold) {
      hold.frames.push({ item, frame });
      return false;
    }
    return item.change === 'updated' || this.claim(item.conversationId, item.seq);
  }

  /**
   * A resume's turn has come: where its backfill starts reading, past the seqs after `afterSeq`
   * that the connection already holds. Called when it starts, not as it arrives: a backfill
   * ahead of it may be reading them.
   */
  startBackfill(conversationId: string, afterSeq: number): number {
    const from = this.delivered.get(conversationId)?.heldThrough(afterSeq) ?? afterSeq;
    this.reading.set(conversationId, from);
    return from;
  }

  /**
   * A backfilled item: true when it has not been sent yet (and it is then counted as sent). The
   * backfill read the seqs between the one before and this one too, and found none the caller may
   * see (seqs have no holes): they count as held, so no later resume reads them again.
   */
  admitBackfill(conversationId: string, seq: number): boolean {
    const readThrough = this.reading.get(conversationId);
    if (readThrough !== undefined && seq > readThrough) {
      if (seq > readThrough + 1) this.sentOf(conversationId).addRange(readThrough + 1, seq - 1);
      this.reading.set(conversationId, seq);
    }
    return this.claim(conversationId, seq);
  }

  /** Ends one resume; once none is pending, returns the held frames still to send, in seq order. */
  finish(conversationId: string): Frame[] {
    this.reading.delete(conversationId);
    const hold = this.held.get(conversationId);
    if (!hold || --hold.pending > 0) return [];
    this.held.delete(conversationId);
    return hold.frames.sort(bySeqCreatedFirst).flatMap(({ item, frame }) => (item.change === 'updated' || this.claim(conversationId, item.seq) ? [frame] : []));
  }

  /**
   * The newest seq of the conversation sent to the connection, if any: never one a backfill only
   * read past (not the caller's to know), as those are counted only below a seq it sent.
   */
  newestSent(conversationId: string): number | undefined {
    return this.delivered.get(conversationId)?.highest();
  }

  private claim(conversationId: string, seq: number): boolean {
    return this.sentOf(conversationId).add(seq);
  }

  private sentOf(conversationId: string): SeqRanges {
    let sent = this.delivered.get(conversationId);
    if (!sent) {
      // First seen longest ago, not least recently active: keeping that order cost a map delete
      // and insert per frame on every socket.
      if (this.delivered.size >= CONVERSATIONS) this.delivered.delete(this.delivered.keys().next().value!);
      sent = new SeqRanges(RANGES_PER_CONVERSATION);
      this.delivered.set(conversationId, sent);
    }
    return sent;
  }
}
