// Messages between startEmbeddedMongo (parent thread) and the worker thread hosting the server.
import type { HostOptions } from './host';

/** workerData: the start options, minus the logger (functions cannot cross threads). */
export type WorkerOptions = Omit<HostOptions, 'logger'> & { forwardLogs: boolean };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: unknown;
}

export type ToWorker = { type: 'close' };

export type FromWorker =
  | { type: 'listening'; uri: string; socketPath: string }
  | { type: 'failed'; error: SerializedError }
  | { type: 'closed'; error?: SerializedError }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; obj: object; msg?: string };

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return { name: error.name, message: error.message, stack: error.stack, code: (error as { code?: unknown }).code };
}

/** Rebuilds an error in the parent: same name, message and code, with the worker's stack. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message) as Error & { code?: unknown };
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  if (serialized.code !== undefined) error.code = serialized.code;
  return error;
}
