// MongoDB error codes and the error type commands throw to produce `{ok: 0, errmsg, code, codeName}`.

export const ErrorCodes = {
  InternalError: 1,
  BadValue: 2,
  NoSuchKey: 4,
  FailedToParse: 9,
  Unauthorized: 13,
  TypeMismatch: 14,
  InvalidLength: 16,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  MaxTimeMSExpired: 50,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  WriteConflict: 112,
  TransactionTooOld: 225,
  OperationNotSupportedInTransaction: 263,
  NoSuchTransaction: 251,
  TransactionCommitted: 256,
  ChangeStreamHistoryLost: 286,
  InvalidPipelineOperator: 168,
  Location40324: 40324,
  DuplicateKey: 11000,
} as const;

export type ErrorCodeName = keyof typeof ErrorCodes;

const NAMES_BY_CODE = new Map<number, string>(Object.entries(ErrorCodes).map(([name, code]) => [code, name]));

export function codeNameOf(code: number): string {
  return NAMES_BY_CODE.get(code) ?? 'UnknownError';
}

/** An error a command reports to the client; `extra` is merged into the reply (keyPattern, errorLabels, …). */
export class MongoCommandError extends Error {
  readonly code: number;
  readonly extra: Record<string, unknown>;

  constructor(codeName: ErrorCodeName, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.code = ErrorCodes[codeName];
    this.extra = extra;
  }

  get codeName(): string {
    return codeNameOf(this.code);
  }
}

/**
 * The label of the embedded server's refusals once it cannot write its journal (a full disk, its log
 * deleted): the API answers those `503`, as it does when a real MongoDB is out of reach.
 */
export const WRITES_REFUSED_LABEL = 'EmbeddedServerRefusesWrites';

export function transientTransactionError(codeName: ErrorCodeName, message: string): MongoCommandError {
  return new MongoCommandError(codeName, message, { errorLabels: ['TransientTransactionError'] });
}

/**
 * Maps errors thrown by mingo (which name the offending operator in their message) to the codes
 * MongoDB uses for the same mistakes, so the driver raises a MongoServerError naming the operator.
 */
export function fromMingoError(error: unknown): MongoCommandError {
  if (error instanceof MongoCommandError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const stage = /unregistered pipeline operator (\$\w+)/.exec(message);
  if (stage) return new MongoCommandError('Location40324', `Unrecognized pipeline stage name: '${stage[1]}'`);
  const queryOp = /unknown (?:query|top level) operator:? (\$\w+)/.exec(message);
  if (queryOp) return new MongoCommandError('BadValue', `unknown operator: ${queryOp[1]}`);
  const expression = /(?:accumulator|operator) '?(\$\w+)'? is not registered/.exec(message);
  if (expression) return new MongoCommandError('InvalidPipelineOperator', `Unrecognized expression '${expression[1]}'`);
  return new MongoCommandError('BadValue', message);
}
