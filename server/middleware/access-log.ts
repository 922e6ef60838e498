/**
 * The access log: one JSON line per request at `info` once its answer is over (sent, or cut off:
 * `aborted`), with the method, the path without its query string (a download's may carry a key and
 * a visitor id), the status (none when no answer was begun), the duration, the answer's bytes (its Content-Length), the request's
 * id (request-id.ts), and where known the caller's website and the conversation (as authentication
 * and the routes left them in `res.locals`: no store read). No header is read: keys and visitor ids
 * never reach the log.
 *
 * A middleware of its own rather than pino-http: that one makes a child logger per request with the
 * request serialized and stringified into it, whatever the level, logs every header unless its
 * serializers are replaced, and counts no bytes; what is left here is a listener and a log call.
 * Mounted only when `info` is enabled, so a server logging at `warn` (the benchmark's) does no work
 * for it at all.
 */
import { performance } from 'node:perf_hooks';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Caller } from '../caller';

interface AccessLine {
  method: string;
  path: string;
  /** Absent when no answer was sent: the connection ended first (the client went away, or a shutdown cut it off). */
  status?: number;
  durationMs: number;
  bytes?: number;
  requestId: string;
  websiteId?: string;
  conversationId?: string;
  aborted?: true;
}

/** The request's path as the client sent it, without the query (which may carry a key). */
export function pathOf(req: Request): string {
  const url = req.originalUrl;
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The access log's middleware, to mount first; none when `log` would drop `info` lines. */
export function accessLog(log: Logger): RequestHandler[] {
  if (!log.isLevelEnabled('info')) return [];
  const logRequest: RequestHandler = (req, res, next) => {
    const startedAt = performance.now();
    res.once('close', () => {
      // res.statusCode is 200 until a handler sets it: for an answer never begun it names nothing the client got.
      const line: AccessLine = { method: req.method, path: pathOf(req), ...(res.headersSent ? { status: res.statusCode } : {}), durationMs: Math.round((performance.now() - startedAt) * 100) / 100, requestId: req.id };
      const length = res.getHeader('content-length');
      if (length !== undefined) line.bytes = Number(length);
      const { caller, conversationId } = res.locals as { caller?: Caller; conversationId?: string };
      if (caller) line.websiteId = caller.website.id;
      if (conversationId) line.conversationId = conversationId;
      if (!res.writableFinished) line.aborted = true;
      log.info(line, 'request');
    });
    next();
  };
  return [logRequest];
}
