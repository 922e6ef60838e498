/**
 * The one place where error codes become HTTP statuses and wire bodies. Everything the server
 * answers with an error goes through `toAppError` first, so routes only ever throw.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { AppError, isAppError, type ErrorCode } from '../domain/errors';
import { fieldIssuesOf as zodFieldIssues } from '../plugins/errors';
import { EngineRestartingError, EngineShutDownError, EngineUnavailableError, UpdateRejectedError, WorkflowSetAsideError } from '../runtime/engine/errors';
import { isStoreUnavailable } from '../runtime/store-unavailable';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  ERR_INVALID_INPUT: 400,
  ERR_UNKNOWN_ITEM_TYPE: 400,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_METHOD_NOT_ALLOWED: 405,
  ERR_CONFLICT: 409,
  ERR_INVALID_TRANSITION: 409,
  ERR_PRECONDITION_FAILED: 412,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_HEADERS_TOO_LARGE: 431,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_RANGE_NOT_SATISFIABLE: 416,
  ERR_EXPECTATION_FAILED: 417,
  ERR_UPGRADE_REQUIRED: 426,
  ERR_RATE_LIMITED: 429,
  // A cap, not a rate: no time to wait says when there is room (a socket must close). Close 4429.
  ERR_TOO_MANY_SOCKETS: 429,
  ERR_PLUGIN_HOOK_FAILED: 500,
  ERR_INTERNAL: 500,
  ERR_UNAVAILABLE: 503,
};

export const httpStatusOf = (code: ErrorCode): number => STATUS_BY_CODE[code];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function errorBody(err: AppError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
}

/** Every error answer says so: a refusal holds for its request only, and no cache may answer a later one with it. */
export const ERROR_CACHE_CONTROL = 'no-store';

/**
 * A whole error answer, for a socket Express does not answer (a malformed request, a refused
 * upgrade): the JSON body and headers its error answers carry, and the connection closed after it.
 */
export function rawErrorAnswer(err: AppError, headers: Record<string, string> = {}): string {
  const status = httpStatusOf(err.code);
  const body = JSON.stringify(errorBody(err));
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Cache-Control: ${ERROR_CACHE_CONTROL}\r\n${extra}Connection: close\r\n\r\n${body}`
  );
}

/**
 * One failing field of a request, named by its dotted path (`body.item.type`, `query.limit`).
 * Every 400 answers `details: {fields: FieldIssue[]}`, whichever module rejected the input.
 */
export interface FieldIssue {
  path: string;
  message: string;
}

const joinPath = (...parts: Array<string | undefined>): string => parts.filter((p) => p !== undefined && p !== '').join('.');

function invalidFields(message: string, fields: FieldIssue[]): AppError {
  return new AppError('ERR_INVALID_INPUT', message, { fields });
}

/** A `400` naming one failing field; `summary` is the error's message (the field's own by default). */
export const invalidField = (path: string, message: string, summary = message): AppError => invalidFields(summary, [{ path, message }]);

export function invalidInput(issues: z.core.$ZodIssue[], prefix?: string): AppError {
  const fields = zodFieldIssues(issues, prefix === undefined ? [] : [prefix]).map(({ path, message }) => ({ path: path || '(root)', message }));
  return invalidFields(`Invalid input: ${[...new Set(fields.map((f) => f.path))].join(', ')}`, fields);
}

const isFieldIssue = (value: unknown): value is FieldIssue =>
  typeof value === 'object' && value !== null && typeof (value as FieldIssue).path === 'string' && typeof (value as FieldIssue).message === 'string';

/**
 * The failing fields of a 400 from any module: the server's own `{fields: FieldIssue[]}`, the
 * plugin registry's bare `[{path, message}]`, the store's `{fields: string[]}` (names only, the
 * error message says why) and an unknown item type (its `type` field).
 */
function fieldIssuesOf(err: AppError): FieldIssue[] {
  const { details } = err;
  const list: unknown = Array.isArray(details) ? details : (details as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(list)) return err.code === 'ERR_UNKNOWN_ITEM_TYPE' ? [{ path: 'type', message: err.message }] : [];
  return list.flatMap((entry: unknown) => (isFieldIssue(entry) ? [entry] : typeof entry === 'string' ? [{ path: entry, message: err.message }] : []));
}

/**
 * A 400 with its details in the one shape; other errors as they are. A 400 that names no field
 * (an upload cut short, a static path refused) blames the request as a whole, so that every 400
 * names at least one.
 */
function withFieldDetails(err: AppError): AppError {
  if (httpStatusOf(err.code) !== 400) return err;
  const fields = fieldIssuesOf(err);
  return new AppError(err.code, err.message, { fields: fields.length > 0 ? fields : [{ path: 'request', message: err.message }] });
}

/**
 * Runs `validate` (a plugin registry or store call, its promise too) and places the fields a
 * rejection names in the request, e.g. `text` → `body.item.text`; `prefix` may map each path itself.
 */
export function inRequest<T>(prefix: string | ((path: string) => string), validate: () => T): T {
  const placed = (err: unknown): never => {
    if (!isAppError(err) || httpStatusOf(err.code) !== 400) throw err;
    const place = typeof prefix === 'string' ? (path: string) => joinPath(prefix, path) : prefix;
    throw new AppError(err.code, err.message, { fields: fieldIssuesOf(err).map(({ path, message }) => ({ path: place(path), message })) });
  };
  try {
    const result = validate();
    return result instanceof Promise ? (result.catch(placed) as T) : result;
  } catch (err) {
    return placed(err);
  }
}

/**
 * Errors of the HTTP libraries that blame the request carry a 4xx `status`: a static path the file
 * server refuses, a pages' path parameter the router cannot decode. (The JSON body's are told by
 * `readJsonBody`, and the API's undecodable path parameters by their routes: see `escapeUndecodablePath`.)
 */
function fromClientErrorStatus({ status, message, syscall }: { status?: unknown; message?: unknown; syscall?: unknown }): AppError | undefined {
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  // The file server's 404 for a missing asset is the file system's error, whose message names the
  // server's own path (`ENOENT: …, stat '/srv/…/assets/x.js'`): the client is told only what the status says.
  const fromFileSystem = typeof syscall === 'string';
  const text = fromFileSystem ? (status === 404 ? 'Not found' : 'Bad request') : typeof message === 'string' && message !== '' ? message : 'Bad request';
  switch (status) {
    case 403:
      return new AppError('ERR_FORBIDDEN', text);
    case 404:
      return new AppError('ERR_NOT_FOUND', text);
    case 413:
      return new AppError('ERR_PAYLOAD_TOO_LARGE', text);
    case 415:
      return new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', text);
    default:
      return new AppError('ERR_INVALID_INPUT', text);
  }
}

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return withFieldDetails(err);
  // The engine's own store (its journal; Temporal's persistence) is the store too, for the caller.
  if (isStoreUnavailable(err) || err instanceof EngineUnavailableError) return new AppError('ERR_UNAVAILABLE', 'The store cannot take this request now; try again later');
  if (err instanceof z.ZodError) return invalidInput(err.issues);
  if (err instanceof UpdateRejectedError) return new AppError('ERR_INVALID_TRANSITION', err.message);
  if (err instanceof WorkflowSetAsideError) return new AppError('ERR_UNAVAILABLE', err.message, { retryAfterSeconds: Math.max(1, Math.ceil((err.until.getTime() - Date.now()) / 1000)) });
  if (err instanceof EngineRestartingError) return new AppError('ERR_UNAVAILABLE', err.message);
  // A call the engine took, or was given, as this instance stops: another instance (or this one, restarted) serves its retry.
  if (err instanceof EngineShutDownError) return new AppError('ERR_UNAVAILABLE', 'The server is shutting down; try again');
  if (err && typeof err === 'object') {
    const mapped = fromClientErrorStatus(err as { status?: unknown; message?: unknown; syscall?: unknown });
    if (mapped) return withFieldDetails(mapped);
  }
  return new AppError('ERR_INTERNAL', 'Internal error');
}
