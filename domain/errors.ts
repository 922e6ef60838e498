/**
 * Every error the product reports has a stable code from this list; the server maps codes to
 * HTTP statuses in one place (server/http-errors.ts).
 */
export const ERROR_CODES = [
  'ERR_INVALID_INPUT',
  'ERR_UNAUTHENTICATED',
  'ERR_FORBIDDEN',
  'ERR_NOT_FOUND',
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_CONFLICT',
  'ERR_INVALID_TRANSITION',
  'ERR_PRECONDITION_FAILED',
  'ERR_PAYLOAD_TOO_LARGE',
  'ERR_HEADERS_TOO_LARGE',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_RANGE_NOT_SATISFIABLE',
  'ERR_EXPECTATION_FAILED',
  'ERR_UPGRADE_REQUIRED',
  'ERR_RATE_LIMITED',
  'ERR_TOO_MANY_SOCKETS',
  'ERR_UNKNOWN_ITEM_TYPE',
  'ERR_PLUGIN_HOOK_FAILED',
  'ERR_INTERNAL',
  'ERR_UNAVAILABLE',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
