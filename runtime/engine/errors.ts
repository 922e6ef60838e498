/** Errors of the workflow engines, each with a stable `code` (both engines throw the same ones). */
export abstract class EngineError extends Error {
  abstract readonly code: string;
}

export class WorkflowNotFoundError extends EngineError {
  readonly code = 'ERR_WORKFLOW_NOT_FOUND';
  constructor(readonly workflowId: string) {
    super(`No open workflow with id '${workflowId}'`);
    this.name = 'WorkflowNotFoundError';
  }
}

export class WorkflowAlreadyRunningError extends EngineError {
  readonly code = 'ERR_WORKFLOW_ALREADY_RUNNING';
  constructor(readonly workflowId: string) {
    super(`A workflow with id '${workflowId}' is already running`);
    this.name = 'WorkflowAlreadyRunningError';
  }
}

/** The update's validator rejected it, or its handler failed with a Temporal failure; `message` is theirs. */
export class UpdateRejectedError extends EngineError {
  readonly code = 'ERR_UPDATE_REJECTED';
  constructor(
    message: string,
    /** `ApplicationFailure.type` of the rejection, when there is one. */
    readonly failureType?: string,
  ) {
    super(message);
    this.name = 'UpdateRejectedError';
  }
}

export class QueryFailedError extends EngineError {
  readonly code = 'ERR_QUERY_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'QueryFailedError';
  }
}

/** The workflow code threw (or the engine could not record the task): nothing of this task was applied. */
export class WorkflowTaskFailedError extends EngineError {
  readonly code = 'ERR_WORKFLOW_TASK_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WorkflowTaskFailedError';
  }
}

/**
 * The engine could not take the call now: the embedded engine's journal in a store refusing writes
 * or out of reach (nothing of the call was applied), or a Temporal server answering gRPC
 * UNAVAILABLE (the call may have been taken and only its answer lost: a retry should carry an
 * `Idempotency-Key`, as every lifecycle retry should). `cause` is the underlying error.
 */
export class EngineUnavailableError extends EngineError {
  readonly code = 'ERR_ENGINE_UNAVAILABLE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EngineUnavailableError';
  }
}

/** The workflow run closed (completed, failed, continued as new) before the update finished. */
export class UpdateAbandonedError extends EngineError {
  readonly code = 'ERR_UPDATE_ABANDONED';
  constructor(readonly workflowId: string) {
    super(`The run of workflow '${workflowId}' closed before the update finished`);
    this.name = 'UpdateAbandonedError';
  }
}

/** The workflow's code ran without returning and stopped the engine: its calls are refused until `until` (runtime/engine-thread/set-aside.ts). */
export class WorkflowSetAsideError extends EngineError {
  readonly code = 'ERR_WORKFLOW_SET_ASIDE';
  constructor(
    readonly workflowId: string,
    readonly until: Date,
  ) {
    super(`The workflow is set aside until ${until.toISOString()}: its code ran without returning (a loop in the workflow or in a plugin hook), which stopped the workflow engine; try again later`);
    this.name = 'WorkflowSetAsideError';
  }
}

/** The engine's thread ended (a crash, or stuck in workflow code) before answering, or its successor could not start yet; a new one is being started, so a retry is served. */
export class EngineRestartingError extends EngineError {
  readonly code = 'ERR_ENGINE_RESTARTING';
  constructor(what: string, options?: ErrorOptions) {
    super(`The workflow engine ${what}; a new thread is starting: try again`, options);
    this.name = 'EngineRestartingError';
  }
}

export class EngineShutDownError extends EngineError {
  readonly code = 'ERR_ENGINE_SHUT_DOWN';
  constructor() {
    super('The workflow engine has been shut down');
    this.name = 'EngineShutDownError';
  }
}
