/**
 * The presence words (announcements, restatements) this instance wrote and has not read back from
 * the store's stream yet. A word that could not be written never comes back, nor one the stream
 * lost (not back within the silence window, or written while the stream was down): its website is
 * restated at the next beat, even once nobody is left there, so the stream hears the truth after
 * all. At shutdown the instance waits for the rest (`settled`): it tells the team queues of what its
 * own words change (presence-feed.ts), so it must still be reading when they come back.
 */
import type { Logger } from 'pino';

export class OwnWords {
  /** Number → when it was written, and about which website. */
  private readonly pending = new Map<number, { at: number; websiteId: string }>();
  /** Websites with a word that could not be written, to restate at the next beat. */
  private readonly unsettled = new Set<string>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly log: Logger) {}

  /** Follows the write of word `seq` about `websiteId`. */
  wrote(seq: number, websiteId: string, write: Promise<void>, now = Date.now()): void {
    this.pending.set(seq, { at: now, websiteId });
    write.catch((err: unknown) => {
      this.log.warn({ err, websiteId }, 'publishing presence failed; the next restatement of the website repeats it');
      this.lose(seq);
    });
  }

  readBack(seq: number): void {
    this.settle(seq);
  }

  /** The websites whose words could not be written since the last call. */
  takeUnsettled(): string[] {
    const websites = [...this.unsettled];
    this.unsettled.clear();
    return websites;
  }

  /** Gives up on words written before `before` (by default, all): the stream lost them (a failed stream is logged where it fails). */
  loseOlderThan(before = Infinity): void {
    for (const [seq, { at }] of this.pending) if (at < before) this.lose(seq);
  }

  /** Resolves true once every word written so far came back or failed, false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(done);
    });
  }

  private lose(seq: number): void {
    const word = this.pending.get(seq);
    if (word) this.unsettled.add(word.websiteId);
    this.settle(seq);
  }

  private settle(seq: number): void {
    if (!this.pending.delete(seq) || this.pending.size > 0) return;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}
