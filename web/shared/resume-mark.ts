/**
 * Where a page resumes one conversation after a reconnect: the seq through which it surely holds
 * every item its reader may see. Not the highest seq it holds: the REST answer of the page's own
 * post can come before the socket's items just below it (another person's message, a resume's
 * backfill still running), and a resume after it would never bring those. So the mark moves only
 * with what is known to be complete: REST pages read up to the newest item, through their last;
 * a socket's `resumeCompleted`, through its `throughSeq`; and then each item that socket sends, as
 * the server sends the conversation's items in seq order from then on.
 */
export class ResumeMark {
  private through = 0;
  /** How far the current socket's resume of the conversation has come (a new socket starts again). */
  private socketResume: 'not asked' | 'asked' | 'completed' = 'not asked';

  /** What the next resume asks `afterSeq` from. */
  get afterSeq(): number {
    return this.through;
  }

  /** Whether the current socket was asked to resume the conversation. */
  get asked(): boolean {
    return this.socketResume !== 'not asked';
  }

  /** Every item up to `seq` the reader may see is held (read from REST up to the newest). */
  heldThrough(seq: number): void {
    this.through = Math.max(this.through, seq);
  }

  /** A socket is asked to resume: from the seq returned. Until it says that is done, its items move nothing. */
  ask(): number {
    this.socketResume = 'asked';
    return this.through;
  }

  /** The socket's `resumeCompleted`: it sent every item up to `throughSeq`. Ignored unless this socket was asked. */
  completed(throughSeq: number): void {
    if (this.socketResume === 'not asked') return;
    this.socketResume = 'completed';
    this.heldThrough(throughSeq);
  }

  /** An item the socket created: the next in seq order, once its resume completed. */
  delivered(seq: number): void {
    if (this.socketResume === 'completed') this.heldThrough(seq);
  }
}
