import type { Collection } from 'mongodb';
import { applyToSummary, type JournalRecord, type RunClosedRecord, type RunStartedRecord, type RunSummary } from './journal-store';

/**
 * The runs not closed yet, read from the runs' summaries and put right from the records first.
 *
 * A journal write is two commands, the records and then their runs' summaries: an engine thread
 * ended between them (a crash, or `terminate()` on stuck workflow code, while the store carries on)
 * leaves a closed run whose summary still says running and, after a continue-as-new, a next run with
 * no summary at all. Taken as they are, the next engine would replay the closed run as if it were
 * open, and never restore the run its workflow goes on in. So the runs said to be running are looked
 * up for a `run_closed` record, each next run they continued as gets its summary from its
 * `run_started` record and is looked up in turn, and the repaired summaries are stored, which keeps
 * `runsOf()` right too. A few queries in all, however many runs are open.
 *
 * A first run's `run_started` with no summary is left alone: that start was never acknowledged, so
 * its caller saw it fail and starts again, opening a run of its own. Finding such records would also
 * mean reading every run's start in the journal.
 */
export async function openRunsRepaired(records: Collection<JournalRecord>, runs: Collection<RunSummary>): Promise<RunSummary[]> {
  const summaries = new Map<string, RunSummary>();
  for (const run of await runs.find({ status: 'running' }, { projection: { _id: 0 } }).toArray()) summaries.set(run.runId, run);
  const repaired = new Map<string, RunSummary>();
  let unchecked = [...summaries.keys()];
  while (unchecked.length > 0) {
    // The records' { runId, seq } index gives the runs' records. `type` comes first: the embedded
    // store tests a filter's fields in order, so it turns most records away in one comparison rather
    // than after the whole list of run ids (2,000 ids: 10 times faster). In seq order, so that a
    // run's first closing counts.
    const closings = (await records.find({ type: 'run_closed', runId: { $in: unchecked } }, { projection: { _id: 0 } }).sort({ runId: 1, seq: 1 }).toArray()) as RunClosedRecord[];
    const continued: RunClosedRecord[] = [];
    for (const closing of closings) {
      const summary = summaries.get(closing.runId);
      if (summary?.status !== 'running') continue;
      const closed = applyToSummary(summary, closing)!;
      summaries.set(closing.runId, closed);
      repaired.set(closing.runId, closed);
      if (closing.status === 'continued') continued.push(closing);
    }
    unchecked = [];
    for (const start of await startsOfNextRuns(records, continued)) {
      if (summaries.has(start.runId)) continue;
      const summary = applyToSummary(undefined, start)!;
      summaries.set(start.runId, summary);
      repaired.set(start.runId, summary);
      unchecked.push(start.runId);
    }
  }
  if (repaired.size > 0) {
    await runs.bulkWrite(
      [...repaired.values()].map((summary) => ({ replaceOne: { filter: { runId: summary.runId }, replacement: summary, upsert: true } })),
      { ordered: false },
    );
  }
  return [...summaries.values()].filter((summary) => summary.status === 'running');
}

/** The `run_started` records of the runs these continued as. */
async function startsOfNextRuns(records: Collection<JournalRecord>, continued: readonly RunClosedRecord[]): Promise<RunStartedRecord[]> {
  const named = continued.flatMap((closing) => (closing.nextRunId ? [closing.nextRunId] : []));
  const unnamed = continued.filter((closing) => !closing.nextRunId).map((closing) => closing.runId);
  const starts: RunStartedRecord[] = [];
  if (named.length > 0) {
    starts.push(...((await records.find({ type: 'run_started', runId: { $in: named } }, { projection: { _id: 0 } }).toArray()) as RunStartedRecord[]));
  }
  // A closing written before it named the next run: found from the next run's link back, which no
  // index serves (a scan of the journal, once: the summaries repaired from it are stored).
  if (unnamed.length > 0) {
    starts.push(...((await records.find({ type: 'run_started', continuedFromRunId: { $in: unnamed } }, { projection: { _id: 0 } }).toArray()) as RunStartedRecord[]));
  }
  return starts;
}
