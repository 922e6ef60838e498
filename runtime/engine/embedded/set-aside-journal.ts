/**
 * What a run's journal says of a workflow set aside (its code ran without returning and the engine's
 * thread was ended: runtime/engine-thread/set-aside.ts). The stuck task left nothing in the journal,
 * so the next engine writes a `task_failed` record into the open run, once per set-aside: the audit
 * trail shows it, and an engine started later (the server restarted) reads the set-aside back from it.
 */
import type { JournalRecord, JournalStore } from '../journal-store';

export interface SetAsideWorkflow {
  /** When it may run again: epoch ms, by the engine's clock. */
  until: number;
  /** What its code did, for the audit trail. */
  why: string;
}

/** Writes the set-aside at the end of the run's journal, unless it is there already. */
export async function journalSetAside(journal: JournalStore, workflowId: string, runId: string, entry: SetAsideWorkflow, now: number): Promise<void> {
  const last = (await journal.readRun(runId)).at(-1);
  if (!last || (last.type === 'task_failed' && last.setAsideUntil === entry.until)) return;
  const message = `${entry.why}; set aside until ${new Date(entry.until).toISOString()}`;
  await journal.append([{ type: 'task_failed', workflowId, runId, seq: last.seq + 1, time: now, message, setAsideUntil: entry.until }]);
}

/** The set-aside a run's journal ends with, while its time is still to come. */
export function setAsideIn(records: readonly JournalRecord[], now: number): SetAsideWorkflow | undefined {
  const last = records.at(-1);
  return last?.type === 'task_failed' && last.setAsideUntil !== undefined && now < last.setAsideUntil ? { until: last.setAsideUntil, why: last.message } : undefined;
}
