/** Messages between the server and the thread running the embedded workflow engine. */
import { AppError, type ErrorCode } from '../../domain/errors';
import {
  EngineShutDownError,
  EngineUnavailableError,
  QueryFailedError,
  UpdateAbandonedError,
  UpdateRejectedError,
  WorkflowAlreadyRunningError,
  WorkflowNotFoundError,
  WorkflowSetAsideError,
  WorkflowTaskFailedError,
} from '../engine/errors';
import type { SetAsideWorkflow } from '../engine/embedded/set-aside-journal';
import type { WorkflowEngine } from '../engine/workflow-engine';

/** workerData: everything the thread needs to build the engine and its activities (plain data only). */
export interface EngineThreadOptions {
  mongoUri: string;
  dbName: string;
  /** The workflow code, bundled by the server's thread (see runtime/engine/embedded/workflow-bundle.ts). */
  workflowCode: string;
  /** Where configured plugins resolve from. */
  rootDir: string;
  plugins?: readonly string[];
  openai: { apiKey?: string; baseUrl?: string };
  /** Live workflow instances kept (the engine's default when absent). */
  cacheSize?: number;
  /** The server's pino level: the thread logs at it. */
  logLevel: string;
  /** Where the thread tells whose workflow code it runs (running-code.ts); absent, it tells nobody. */
  runningCode?: SharedArrayBuffer;
  /** Whether it marks activities' code past their first `await` too (continuation-trace.ts): only after a thread was stuck outside marked code. */
  traceContinuations?: boolean;
  /** Workflows set aside (set-aside.ts), with when each may run again and why: the thread leaves their runs alone until then. */
  setAside?: ReadonlyMap<string, SetAsideWorkflow>;
}

/** The engine calls that cross the thread boundary: every WorkflowEngine method but shutdown. */
export type EngineMethod = Exclude<keyof WorkflowEngine, 'kind' | 'shutdown'>;

export type ToEngineThread = { type: 'call'; id: number; method: EngineMethod; arg: unknown } | { type: 'shutdown' };

export type FromEngineThread =
  | { type: 'ready' }
  | { type: 'failed'; error: SerializedError }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'shut-down' }
  /** One of the thread's pino lines, written by the server's logger (see worker.ts). */
  | { type: 'log'; line: string };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  /** The fields the error's class is rebuilt from (workflowId, failureType, details, until). */
  workflowId?: string;
  failureType?: string;
  details?: unknown;
  until?: Date;
  /** What the error wraps (a store's refusal under an engine error), for the server's log. */
  cause?: SerializedError;
}

/** How deep a chain of causes crosses: the store's error under the engine's is two. */
const MAX_CAUSES = 3;

export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { workflowId, failureType, details, code, until } = error as Error & Partial<Pick<SerializedError, 'workflowId' | 'failureType' | 'details' | 'code' | 'until'>>;
  const cause = error.cause !== undefined && depth < MAX_CAUSES ? serializeError(error.cause, depth + 1) : undefined;
  return { name: error.name, message: error.message, stack: error.stack, code, workflowId, failureType, details, until, ...(cause ? { cause } : {}) };
}

/** The error as the engine threw it, same class (callers test `instanceof`), with the thread's stack and its cause. */
export function deserializeError(serialized: SerializedError): Error {
  const error = rebuild(serialized);
  if (serialized.stack) error.stack = serialized.stack;
  if (serialized.cause) error.cause = deserializeError(serialized.cause);
  return error;
}

function rebuild(s: SerializedError): Error {
  switch (s.name) {
    case 'WorkflowNotFoundError':
      return new WorkflowNotFoundError(s.workflowId ?? '');
    case 'WorkflowAlreadyRunningError':
      return new WorkflowAlreadyRunningError(s.workflowId ?? '');
    case 'UpdateRejectedError':
      return new UpdateRejectedError(s.message, s.failureType);
    case 'QueryFailedError':
      return new QueryFailedError(s.message);
    case 'WorkflowTaskFailedError':
      return new WorkflowTaskFailedError(s.message);
    case 'EngineUnavailableError':
      return new EngineUnavailableError(s.message);
    case 'WorkflowSetAsideError':
      return new WorkflowSetAsideError(s.workflowId ?? '', s.until ?? new Date());
    case 'UpdateAbandonedError':
      return new UpdateAbandonedError(s.workflowId ?? '');
    case 'EngineShutDownError':
      return new EngineShutDownError();
    case 'AppError':
      return new AppError(s.code as ErrorCode, s.message, s.details);
    default: {
      const error = new Error(s.message) as Error & { code?: string };
      error.name = s.name;
      if (s.code !== undefined) error.code = s.code;
      return error;
    }
  }
}
