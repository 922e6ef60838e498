/**
 * How what an entry began ended, from the later entries that point back at it (`startIndex`): an
 * activity's scheduling completed, failed or was cancelled; an update's acceptance completed or
 * was rejected; a timer's start fired or was cancelled.
 */
import type { AuditEntry } from '../shared/wire';

export type Ending = 'completed' | 'failed' | 'retrying' | 'rejected' | 'fired' | 'cancelled';

const ENDINGS: Partial<Record<AuditEntry['kind'], Ending>> = {
  activity_completed: 'completed',
  activity_failed: 'failed',
  activity_cancelled: 'cancelled',
  activity_retrying: 'retrying',
  update_completed: 'completed',
  update_rejected: 'rejected',
  timer_fired: 'fired',
  timer_cancelled: 'cancelled',
};

/** The kinds that run on past the entry, until the run ends. */
const RUN_ENDS: ReadonlySet<AuditEntry['kind']> = new Set(['continued_as_new', 'workflow_completed', 'workflow_failed']);

/** Each begun entry's index to how it ended; `pending` when nothing ended it and its run goes on; absent when its run ended first. */
export function endingsOf(entries: readonly AuditEntry[]): Map<number, Ending | 'pending'> {
  const endings = new Map<number, Ending | 'pending'>();
  const endedRuns = new Set(entries.filter((entry) => RUN_ENDS.has(entry.kind)).map((entry) => entry.runId));
  for (const entry of entries) {
    const ending = ENDINGS[entry.kind];
    if (entry.startIndex === undefined || ending === undefined) continue;
    const before = endings.get(entry.startIndex);
    // A retry is how it stands only until the attempt that ends it; a cancellation stands (the workflow dropped what came after).
    if (before === 'cancelled' || (ending === 'retrying' && before !== undefined)) continue;
    endings.set(entry.startIndex, ending);
  }
  for (const entry of entries) {
    if ((entry.kind === 'activity_scheduled' || entry.kind === 'update_accepted' || entry.kind === 'timer_started') && !endings.has(entry.index) && !endedRuns.has(entry.runId)) {
      endings.set(entry.index, 'pending');
    }
  }
  return endings;
}
