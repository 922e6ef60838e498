import { applyToSummary, type JournalRecord, type JournalStore, type RunSummary } from './journal-store';

/** A journal kept in process memory: for tests, and for restarting an engine within one process. */
export class MemoryJournalStore implements JournalStore {
  private readonly records = new Map<string, JournalRecord[]>();
  private readonly runs = new Map<string, RunSummary>();
  private readonly runIdsByWorkflow = new Map<string, string[]>();

  async append(records: readonly JournalRecord[]): Promise<void> {
    for (const record of records) {
      const copy = structuredClone(record);
      const list = this.records.get(record.runId);
      if (list) insertInSeqOrder(list, copy);
      else this.records.set(record.runId, [copy]);
      this.updateSummary(record);
    }
  }

  async readRun(runId: string): Promise<JournalRecord[]> {
    return structuredClone(this.records.get(runId) ?? []);
  }

  async runsOf(workflowId: string): Promise<RunSummary[]> {
    return (this.runIdsByWorkflow.get(workflowId) ?? []).map((runId) => ({ ...this.runs.get(runId)! }));
  }

  async openRuns(): Promise<RunSummary[]> {
    return [...this.runs.values()].filter((run) => run.status === 'running').map((run) => ({ ...run }));
  }

  private updateSummary(record: JournalRecord): void {
    const summary = applyToSummary(this.runs.get(record.runId), record);
    if (!summary) return;
    if (!this.runs.has(record.runId)) {
      const runIds = this.runIdsByWorkflow.get(record.workflowId);
      if (runIds) runIds.push(record.runId);
      else this.runIdsByWorkflow.set(record.workflowId, [record.runId]);
    }
    this.runs.set(record.runId, summary);
  }
}

/** Records come in `seq` order but for an activation's, appended after the activity attempts that ended while it ran. */
function insertInSeqOrder(list: JournalRecord[], record: JournalRecord): void {
  let at = list.length;
  while (at > 0 && list[at - 1]!.seq > record.seq) at--;
  list.splice(at, 0, record);
}
