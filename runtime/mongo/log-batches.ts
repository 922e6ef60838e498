// The records of one log write belong together (a transaction's commit is several records): a
// write of more than one record starts with a header that counts them, so that recovery applies
// them all or none. A power loss can keep the first records of a write and tear or lose the rest;
// a write that fails part-way is cut back (persistence.ts), and this covers a failed cut too.
// Logs written before headers existed hold records alone, each applied as it comes, as before.
import type { Document } from 'bson';
import { frame } from './frames';

const BATCH = 'batch';

/** The frames of one write: the records' own, after a header counting them when there are more than one. */
export function batchFrames(frames: Buffer[]): Buffer[] {
  return frames.length > 1 ? [frame({ op: BATCH, records: frames.length }), ...frames] : frames;
}

/** Replays a log's records, holding a batch's back until its last one is read. */
export class BatchReplay {
  private held: Document[] = [];
  private missing = 0;
  private start = 0;

  constructor(private readonly apply: (record: Document) => void) {}

  take(record: Document, offset: number): void {
    if (this.missing > 0) {
      this.held.push(record);
      if (--this.missing === 0) for (const held of this.held.splice(0)) this.apply(held);
    } else if (record.op === BATCH) {
      this.missing = record.records as number;
      this.start = offset;
    } else {
      this.apply(record);
    }
  }

  /** Where the log's whole batches end, given where its intact frames do: before a batch that lacks records. */
  end(validFrames: number): number {
    return this.missing > 0 ? this.start : validFrames;
  }
}
