/**
 * The embedded engine's journal: per workflow run, every input it was given (activation jobs), every
 * command it answered with, and every activity attempt, with times. It is what restores open workflows
 * after a restart (by replay) and what `history()` turns into audit entries.
 */
export interface JournalStore {
  /** Appends records in order; resolves once they are durable. */
  append(records: readonly JournalRecord[]): Promise<void>;
  /** All records of one run, in `seq` order. */
  readRun(runId: string): Promise<JournalRecord[]>;
  /** Every run of a workflow id, oldest first. */
  runsOf(workflowId: string): Promise<RunSummary[]>;
  /** Runs not closed yet (to restore after a restart). */
  openRuns(): Promise<RunSummary[]>;
}

/** A protobuf message in its JSON form (`Message.toJSON()`), so records are plain JSON for any store. */
export type ProtoJson = Record<string, unknown>;

export type RunStatus = 'running' | 'completed' | 'failed' | 'continued' | 'terminated';

export interface RunSummary {
  workflowId: string;
  runId: string;
  workflowType: string;
  status: RunStatus;
  startedAt: number;
  closedAt?: number;
}

interface RecordBase {
  workflowId: string;
  runId: string;
  /** Position in the run's journal, from 1. */
  seq: number;
  /** Epoch ms, by the engine's clock. */
  time: number;
}

export interface RunStartedRecord extends RecordBase {
  type: 'run_started';
  workflowType: string;
  /** Workflow arguments as Payload JSON. */
  args: ProtoJson[];
  /** Decimal string of the 64-bit seed of the workflow's deterministic randomness. */
  randomnessSeed: string;
  firstExecutionRunId: string;
  /** When the first run of the continue-as-new chain started. */
  chainStartedAt: number;
  continuedFromRunId?: string;
}

/** One activation the workflow completed: its jobs (without the implicit initializeWorkflow) and the commands it produced. */
export interface ActivationRecord extends RecordBase {
  type: 'activation';
  /** The run's first activation, which began with initializeWorkflow. */
  initializes?: true;
  jobs: ProtoJson[];
  commands: ProtoJson[];
  /** SDK internal flags the workflow used, given back to it on replay. */
  flags: number[];
  /** The history length the activation saw (`workflowInfo().historyLength`), given again on replay; absent in older journals. */
  historyLength?: number;
}

/** The end of one activity attempt; `resolution` is set when it is final (no retry follows). */
export interface ActivityAttemptRecord extends RecordBase {
  type: 'activity_attempt';
  activitySeq: number;
  activityType: string;
  attempt: number;
  outcome: 'completed' | 'failed' | 'cancelled';
  durationMs: number;
  /** The failure of a failed attempt (Failure JSON). */
  failure?: ProtoJson;
  /** Set when a retry follows. */
  retryInMs?: number;
  /** When the retry is due (epoch ms, engine clock), honoured after a restart; absent in older journals (then `time + retryInMs`). */
  retryAt?: number;
  /** ActivityResolution JSON delivered to the workflow, when this attempt ends the activity. */
  resolution?: ProtoJson;
}

export interface RunClosedRecord extends RecordBase {
  type: 'run_closed';
  status: Exclude<RunStatus, 'running'>;
  /** The run this one continued as (status `continued`); absent in journals written before it was recorded. */
  nextRunId?: string;
}

/**
 * A workflow task that failed without leaving an activation record: its code ran without returning
 * and the engine's thread was ended (runtime/engine-thread/). Replay and restore skip it; the audit
 * trail shows it, as Temporal's history shows a WorkflowTaskFailed event.
 */
export interface TaskFailedRecord extends RecordBase {
  type: 'task_failed';
  message: string;
  /** When the workflow, set aside for it, may run again (epoch ms). */
  setAsideUntil?: number;
}

export type JournalRecord = RunStartedRecord | ActivationRecord | ActivityAttemptRecord | RunClosedRecord | TaskFailedRecord;

/** Distributes Omit over the union, so a record can be built before its place in the journal is known. */
export type JournalRecordBody = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, keyof RecordBase> : never) : never;

/** What a store learns about a run from the records appended for it. */
export function applyToSummary(summary: RunSummary | undefined, record: JournalRecord): RunSummary | undefined {
  if (record.type === 'run_started') {
    return { workflowId: record.workflowId, runId: record.runId, workflowType: record.workflowType, status: 'running', startedAt: record.time };
  }
  if (record.type === 'run_closed' && summary) return { ...summary, status: record.status, closedAt: record.time };
  return summary;
}
