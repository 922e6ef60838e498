import type { AuditEntry } from './audit';

export type WorkflowStatus = 'running' | 'completed' | 'failed' | 'continued' | 'terminated' | 'not_found';

export interface UpdateRequest {
  workflowId: string;
  update: string;
  args: unknown[];
  /**
   * Temporal's update id. Within a run, an Update sent again with the id of one that already ended
   * answers that one's outcome without running again (the embedded engine keeps a run's latest
   * outcomes), and one still under way is joined. A validator's rejection leaves nothing to answer:
   * the same id may be tried again. Without it every Update is new.
   */
  updateId?: string;
  startIfMissing?: { workflowType: string; args: unknown[] };
}

/**
 * How the server talks to workflows, whichever engine runs them (embedded sandbox or real Temporal).
 *
 * Conventions: every signal and update takes ONE object argument; put `actor: { kind, id }` (or
 * `author`) in it so the audit trail can say who did what.
 */
export interface WorkflowEngine {
  readonly kind: 'embedded' | 'temporal';
  /** Starts a workflow; rejects with WorkflowAlreadyRunningError if one with this id is running. */
  start(o: { workflowType: string; workflowId: string; args: unknown[] }): Promise<{ runId: string }>;
  /** Resolves once the signal is durably recorded; rejects with WorkflowNotFoundError when no run is open. */
  signal(o: { workflowId: string; signal: string; args: unknown[] }): Promise<void>;
  /**
   * Several signals of one name, received in this order. The embedded engine records them in one
   * workflow task (all or none); Temporal records them one by one, so after a rejection the first
   * few may have been received: the caller repeats them all, and the workflow drops repeats.
   */
  signalEach(o: { workflowId: string; signal: string; argsList: unknown[][] }): Promise<void>;
  /** Signal-with-start, as Temporal has it. */
  signalWithStart(o: { workflowType: string; workflowId: string; args: unknown[]; signal: string; signalArgs: unknown[] }): Promise<void>;
  /** Runs an Update and waits for its result; a validator rejection rejects with UpdateRejectedError(message). With `startIfMissing`, update-with-start. */
  executeUpdate<R>(o: UpdateRequest): Promise<R>;
  query<R>(o: { workflowId: string; query: string; args?: unknown[] }): Promise<R>;
  /** The workflow's history (every run of this workflow id, oldest first) as audit entries. */
  history(workflowId: string): Promise<AuditEntry[]>;
  /** Whether a run of this id is open (the latest run's status otherwise). */
  describe(workflowId: string): Promise<{ status: WorkflowStatus; runId?: string }>;
  shutdown(): Promise<void>;
}
