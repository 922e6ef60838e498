// Monotonic cluster time (BSON Timestamp: seconds + increment) stamped on writes and replies.
import { Binary, Long, Timestamp, type Document } from 'bson';

const UNSIGNED = { hash: new Binary(Buffer.alloc(20)), keyId: Long.fromNumber(0) };

export class ClusterClock {
  private seconds = 0;
  private increment = 0;

  /** Allocates the next cluster time (one per change event / write). */
  tick(): Timestamp {
    const now = Math.floor(Date.now() / 1000);
    if (now > this.seconds) {
      this.seconds = now;
      this.increment = 0;
    }
    this.increment++;
    return this.current();
  }

  current(): Timestamp {
    if (this.seconds === 0) return this.tick();
    return new Timestamp({ t: this.seconds, i: this.increment });
  }

  /** The `$clusterTime` document the driver gossips back; unsigned (no auth here). */
  gossip(): Document {
    return { clusterTime: this.current(), signature: UNSIGNED };
  }
}
