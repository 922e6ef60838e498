import type { temporal } from '@temporalio/proto';
import type { TimerHandle } from '../clock';
import type { JournalRecord, JournalRecordBody, RunStatus } from '../journal-store';
import type { RunningActivity } from './activity-runner';
import type { EvictableSandbox } from './sandbox-cache';
import type { RunIdentity } from './sandbox-factory';
import type { SandboxWorkflow } from './sdk-internals';
import { UpdateOutcomes } from './update-outcomes';

export interface Waiter<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

/**
 * One run of a workflow id: its live sandbox instance (absent while evicted) and everything the engine
 * tracks for it outside the sandbox (timers, activities, callers waiting on updates, journal position).
 */
export class WorkflowRun implements EvictableSandbox {
  status: RunStatus = 'running';
  sandbox?: SandboxWorkflow;
  /** True while the sandbox is in an activation: the cache must not evict it then. */
  busy = false;
  readonly timers = new Map<number, TimerHandle>();
  readonly activities = new Map<number, RunningActivity>();
  /** Callers of executeUpdate, by update id, until the workflow completes or rejects the update. */
  readonly updates = new Map<string, Waiter<unknown>>();
  /** Records built but not yet handed to the journal; they go with the next append. */
  private unjournaled: JournalRecord[] = [];

  constructor(
    readonly identity: RunIdentity,
    /** Arguments for initializeWorkflow, kept until the first activation is journaled. */
    public initArgs: temporal.api.common.v1.IPayload[] | undefined,
    public initialized: boolean,
    private nextSeq: number,
    /** Temporal's history length after the last journaled workflow task (see history-length.ts). */
    public historyLength: number,
    /** How its recent Updates ended, for a repeated update id (read back from the journal for a restored run). */
    readonly updateOutcomes = new UpdateOutcomes(),
  ) {}

  get runId(): string {
    return this.identity.runId;
  }

  /** Builds the run's next journal record. */
  record(body: JournalRecordBody, time: number): JournalRecord {
    return this.reserve(time)(body);
  }

  /**
   * Takes the run's next place in the journal now, at `time`, for a record whose body is known later: an
   * activation's, once it ends. Records that others build meanwhile (an activity ending) come after it, so
   * times never go back along the journal.
   */
  reserve(time: number): (body: JournalRecordBody) => JournalRecord {
    const seq = this.nextSeq++;
    return (body) => ({ ...body, workflowId: this.identity.workflowId, runId: this.identity.runId, seq, time }) as JournalRecord;
  }

  /** Keeps a record to be appended with the run's next journal write. */
  defer(record: JournalRecord): void {
    this.unjournaled.push(record);
  }

  takeDeferred(): JournalRecord[] {
    const records = this.unjournaled;
    this.unjournaled = [];
    return records;
  }

  tryEvict(): boolean {
    if (this.busy) return false;
    this.dropSandbox();
    return true;
  }

  dropSandbox(): void {
    const sandbox = this.sandbox;
    this.sandbox = undefined;
    sandbox?.dispose().catch(() => undefined);
  }
}
