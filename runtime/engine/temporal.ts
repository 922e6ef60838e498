import {
  isGrpcServiceError,
  QueryRejectedError,
  ServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError as TemporalWorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import { ApplicationFailure, type Workflow } from '@temporalio/common';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import type { AuditEntry } from './audit';
import { EngineUnavailableError, QueryFailedError, UpdateRejectedError, WorkflowAlreadyRunningError, WorkflowNotFoundError } from './errors';
import { connectTemporal, type TemporalConnection, type TemporalSettings } from './temporal-connection';
import { temporalAuditTrail } from './temporal-history';
import { runWorker } from './worker-run';
import type { UpdateRequest, WorkflowEngine, WorkflowStatus } from './workflow-engine';

export interface TemporalEngineOptions {
  workflowsPath: string;
  preloadModules?: readonly string[];
  activities: Record<string, (...args: any[]) => Promise<unknown>>;
  settings: TemporalSettings;
  /** The Worker's sticky cache of live workflow instances; the SDK's default (from the memory it may use) when absent. */
  maxCachedWorkflows?: number;
  /** Told when the Worker fails by itself (not at shutdown): workflows and activities no longer run here. Unhandled when absent. */
  onWorkerFailed?(err: unknown): void;
}

/** The WorkflowEngine over a real Temporal: a Client for calls, and a Worker in this process running the same workflows and activities. */
export class TemporalEngine implements WorkflowEngine {
  readonly kind = 'temporal' as const;

  private readonly workerRun: Promise<void>;
  private stopping = false;
  private stopped?: Promise<void>;

  private constructor(
    private readonly connection: TemporalConnection,
    private readonly worker: Worker,
    private readonly taskQueue: string,
    onWorkerFailed: (err: unknown) => void,
  ) {
    this.workerRun = runWorker(worker, onWorkerFailed, () => this.stopping);
  }

  static async create(options: TemporalEngineOptions): Promise<TemporalEngine> {
    const connection = await connectTemporal(options.settings);
    const taskQueue = options.settings.taskQueue ?? 'support-conversations';
    try {
      const worker = await Worker.create({
        connection: connection.nativeConnection,
        namespace: connection.namespace,
        taskQueue,
        workflowsPath: options.workflowsPath,
        bundlerOptions: { preloadModules: [...(options.preloadModules ?? [])] },
        activities: options.activities,
        ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
      });
      return new TemporalEngine(connection, worker, taskQueue, options.onWorkerFailed ?? rethrow);
    } catch (err) {
      await connection.close();
      throw err;
    }
  }

  private get workflows() {
    return this.connection.client.workflow;
  }

  async start(o: { workflowType: string; workflowId: string; args: unknown[] }): Promise<{ runId: string }> {
    try {
      const handle = await this.workflows.start(o.workflowType, { workflowId: o.workflowId, taskQueue: this.taskQueue, args: o.args, workflowIdConflictPolicy: 'FAIL' });
      return { runId: handle.firstExecutionRunId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new WorkflowAlreadyRunningError(o.workflowId);
      throw unavailableOr(err);
    }
  }

  async signal(o: { workflowId: string; signal: string; args: unknown[] }): Promise<void> {
    await this.mapNotFound(o.workflowId, () => this.workflows.getHandle(o.workflowId).signal(o.signal, ...o.args));
  }

  async signalEach(o: { workflowId: string; signal: string; argsList: unknown[][] }): Promise<void> {
    for (const args of o.argsList) await this.signal({ workflowId: o.workflowId, signal: o.signal, args });
  }

  async signalWithStart(o: { workflowType: string; workflowId: string; args: unknown[]; signal: string; signalArgs: unknown[] }): Promise<void> {
    await this.workflows
      .signalWithStart(o.workflowType, { workflowId: o.workflowId, taskQueue: this.taskQueue, args: o.args, signal: o.signal, signalArgs: o.signalArgs })
      .catch((err: unknown) => Promise.reject(unavailableOr(err)));
  }

  async executeUpdate<R>(o: UpdateRequest): Promise<R> {
    try {
      if (o.startIfMissing) {
        const startWorkflowOperation = new WithStartWorkflowOperation(o.startIfMissing.workflowType, {
          workflowId: o.workflowId,
          taskQueue: this.taskQueue,
          args: o.startIfMissing.args,
          workflowIdConflictPolicy: 'USE_EXISTING',
        });
        return await this.workflows.executeUpdateWithStart<Workflow, R, unknown[]>(o.update, { args: o.args, updateId: o.updateId, startWorkflowOperation });
      }
      return await this.mapNotFound(o.workflowId, () => this.workflows.getHandle(o.workflowId).executeUpdate<R, [unknown, ...unknown[]]>(o.update, { args: o.args as [unknown, ...unknown[]], updateId: o.updateId }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause;
        throw new UpdateRejectedError(cause?.message ?? err.message, cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined);
      }
      throw unavailableOr(err);
    }
  }

  async query<R>(o: { workflowId: string; query: string; args?: unknown[] }): Promise<R> {
    try {
      return await this.mapNotFound(o.workflowId, () => this.workflows.getHandle(o.workflowId).query<R, unknown[]>(o.query, ...(o.args ?? [])));
    } catch (err) {
      // The client refuses queries on closed runs (queryRejectCondition NOT_OPEN): for the product, no open workflow.
      if (err instanceof QueryRejectedError && err.status !== RUNNING) throw new WorkflowNotFoundError(o.workflowId);
      if (err instanceof QueryRejectedError) throw new QueryFailedError(err.message);
      throw err;
    }
  }

  history(workflowId: string): Promise<AuditEntry[]> {
    return temporalAuditTrail(this.connection.client, workflowId);
  }

  async describe(workflowId: string): Promise<{ status: WorkflowStatus; runId?: string }> {
    try {
      const description = await this.workflows.getHandle(workflowId).describe();
      return { status: STATUS[description.status.name], runId: description.runId };
    } catch (err) {
      if (err instanceof TemporalWorkflowNotFoundError) return { status: 'not_found' };
      throw err;
    }
  }

  /** Once, however often called (the app may stop by itself, then be closed). */
  shutdown(): Promise<void> {
    return (this.stopped ??= this.stop());
  }

  private async stop(): Promise<void> {
    this.stopping = true;
    // A Worker that failed, or stopped on a signal the SDK's runtime caught, refuses to be shut down again.
    if (this.worker.getState() === 'RUNNING') this.worker.shutdown();
    try {
      await this.workerRun;
    } finally {
      await this.connection.close();
    }
  }

  private async mapNotFound<T>(workflowId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof TemporalWorkflowNotFoundError) throw new WorkflowNotFoundError(workflowId);
      throw unavailableOr(err);
    }
  }
}

const GRPC_UNAVAILABLE = 14;

/**
 * The client's `ServiceError` over a gRPC UNAVAILABLE (the server out of reach after the client's own
 * retries, or its persistence down) is the engine being unavailable, as the embedded engine's store outage is.
 */
export function unavailableOr(err: unknown): unknown {
  if (!(err instanceof ServiceError) || !isGrpcServiceError(err.cause) || err.cause.code !== GRPC_UNAVAILABLE) return err;
  return new EngineUnavailableError(`${err.message}: ${err.cause.details}`, { cause: err });
}

/** Without `onWorkerFailed`, a Worker's failure stays an unhandled rejection. */
function rethrow(err: unknown): never {
  throw err;
}

// @temporalio/proto is CommonJS without statically detectable named exports, so Node's ESM loader needs the default import.
const RUNNING = proto.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;

const STATUS: Record<WorkflowExecutionStatusName, WorkflowStatus> = {
  RUNNING: 'running',
  PAUSED: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  CANCELLED: 'failed',
  TERMINATED: 'terminated',
  CONTINUED_AS_NEW: 'continued',
  UNSPECIFIED: 'not_found',
  UNKNOWN: 'not_found',
};
