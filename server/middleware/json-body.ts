/**
 * Reads a JSON body with express.json() and says what stopped it in the API's terms: `413` past the
 * limit, `415` for a Content-Encoding or charset it cannot read, and a `400` naming `body` for
 * anything else the client sent wrong (not JSON, JSON that is no object, bytes that are not what
 * their Content-Encoding says, text that is not UTF-8, a body cut short).
 */
import { isUtf8 } from 'node:buffer';
import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../../domain/errors';

/** What body-parser passes on: its own errors carry a `type`; a decompression stream's error is passed on without one. */
interface BodyParserError {
  type?: unknown;
  status?: unknown;
  message?: unknown;
  body?: unknown;
}

const invalidBody = (message: string, fieldMessage: string): AppError => new AppError('ERR_INVALID_INPUT', message, { fields: [{ path: 'body', message: fieldMessage }] });

function jsonKindOf(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value === null ? 'null' : typeof value;
  } catch {
    return undefined;
  }
}

/** body-parser's `type` for a body refused by `refuseInvalidUtf8`. */
const NOT_UTF8 = 'entity.not.utf8';

/**
 * body-parser decodes UTF-8 leniently: bytes that are not UTF-8 would become U+FFFD, stored as if
 * the client had written it. Checked on the raw bytes (after any Content-Encoding) without
 * decoding them. Other `utf-` charsets body-parser accepts are left to it.
 */
function refuseInvalidUtf8(_req: unknown, _res: unknown, bytes: Buffer, charset: string): void {
  if (charset === 'utf-8' && !isUtf8(bytes)) throw Object.assign(new Error('not UTF-8 text'), { status: 400, type: NOT_UTF8 });
}

/** Names the limit and the setting that raises it: a client cannot tell the size it may send otherwise. */
const tooLarge = (limitBytes: number): AppError =>
  new AppError('ERR_PAYLOAD_TOO_LARGE', `Request body is over the JSON body limit of ${limitBytes} bytes (the server's JSON_BODY_LIMIT_BYTES)`, {
    limitBytes,
    setting: 'JSON_BODY_LIMIT_BYTES',
  });

function bodyError(err: BodyParserError, req: Request, limitBytes: number): unknown {
  if (typeof err.status !== 'number' || err.status < 400 || err.status > 499) return err;
  const message = typeof err.message === 'string' && err.message !== '' ? err.message : 'unreadable';
  if (err.status === 413) return tooLarge(limitBytes);
  if (err.status === 415) return new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', message);
  if (err.type === 'entity.parse.failed') {
    // Strict parsing refuses a bare `null`, string or number before it parses anything.
    const kind = typeof err.body === 'string' ? jsonKindOf(err.body) : undefined;
    return kind === undefined ? invalidBody('Request body is not valid JSON', message) : invalidBody('Request body must be a JSON object', `expected a JSON object, got ${kind}`);
  }
  if (err.type === NOT_UTF8) return invalidBody('Request body is not valid UTF-8', message);
  if (err.type === undefined) {
    const encoding = req.headers['content-encoding'] ?? 'identity';
    return invalidBody(`Request body is not what its Content-Encoding (${encoding}) says`, `not ${encoding} data: ${message}`);
  }
  return invalidBody(`Request body could not be read: ${message}`, message);
}

export function readJsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, verify: refuseInvalidUtf8 });
  return (req, res, next) => parse(req, res, (err?: unknown) => next(err === undefined ? undefined : bodyError(err as BodyParserError, req, limitBytes)));
}
