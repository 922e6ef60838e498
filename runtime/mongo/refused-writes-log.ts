// Logging the commands refused once the journal refuses writes (persistence.ts). That is expected
// from then on, every write and health check meets it, and the journal logged why, once, at
// error level: an error line per command (996 in a minute on a full disk) would bury it.
import type { Document } from 'bson';
import { WRITES_REFUSED_LABEL } from './errors';
import type { Logger } from './server';

/** At most one warning per this long, counting the commands refused since the last one. */
const WARN_INTERVAL_MS = 60_000;

export const refusesWrites = (reply: Document): boolean => Array.isArray(reply.errorLabels) && reply.errorLabels.includes(WRITES_REFUSED_LABEL);

export class RefusedWritesLog {
  private lastWarned = -Infinity;
  private refused = 0;

  constructor(private readonly logger?: Logger) {}

  /** Counts a refused command; warns when the last warning is an interval old. */
  note(command: string): void {
    this.refused++;
    const now = performance.now();
    if (now - this.lastWarned < WARN_INTERVAL_MS) return;
    this.logger?.warn({ command, refused: this.refused }, 'embedded mongo: still refusing writes until restarted (the error logged when it began says why)');
    this.lastWarned = now;
    this.refused = 0;
  }
}
