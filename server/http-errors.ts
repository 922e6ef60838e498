/**
 * The one place where error codes become HTTP statuses and wire bodies. Everything the server
 * answers with an error goes through `toAppError` first, so routes only ever throw.
 */
import { z } from 'zod';
import { AppError, isAppError, type ErrorCode } from '../domain/errors';
import { UpdateRejectedError } from '../runtime/engine/errors';

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  ERR_INVALID_INPUT: 400,
  ERR_UNKNOWN_ITEM_TYPE: 400,
  ERR_UNAUTHENTICATED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_CONFLICT: 409,
  ERR_INVALID_TRANSITION: 409,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_RATE_LIMITED: 429,
  ERR_PLUGIN_HOOK_FAILED: 500,
  ERR_INTERNAL: 500,
};

export const httpStatusOf = (code: ErrorCode): number => STATUS_BY_CODE[code];

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function errorBody(err: AppError): ErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
}

/** One failing field of a request, named by its dotted path (`item.type`, `query.limit`). */
export interface FieldIssue {
  field: string;
  message: string;
}

export function invalidInput(issues: z.core.$ZodIssue[], prefix?: string): AppError {
  const fields: FieldIssue[] = issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || (prefix ?? '(root)'),
    message: issue.message,
  }));
  const names = [...new Set(fields.map((f) => f.field))].join(', ');
  return new AppError('ERR_INVALID_INPUT', `Invalid input: ${names}`, { fields });
}

/** Errors body-parser and raw-body throw carry a `type`; map the ones a client can cause. */
function fromHttpLibraryError(err: { type?: unknown; status?: unknown; message?: unknown }): AppError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new AppError('ERR_PAYLOAD_TOO_LARGE', 'Request body is too large');
    case 'entity.parse.failed':
      return new AppError('ERR_INVALID_INPUT', 'Request body is not valid JSON', { fields: [{ field: 'body', message: 'malformed JSON' }] });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', String(err.message));
    case 'request.aborted':
      return new AppError('ERR_INVALID_INPUT', 'Request aborted');
    default:
      return undefined;
  }
}

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (err instanceof z.ZodError) return invalidInput(err.issues);
  if (err instanceof UpdateRejectedError) return new AppError('ERR_INVALID_TRANSITION', err.message);
  if (err && typeof err === 'object') {
    const mapped = fromHttpLibraryError(err as { type?: unknown });
    if (mapped) return mapped;
  }
  return new AppError('ERR_INTERNAL', 'Internal error');
}
