import type { ErrorRequestHandler, RequestHandler, Router } from 'express';
import { AppError } from '../../domain/errors';
import { allowedMethods } from '../allowed-methods';
import { ERROR_CACHE_CONTROL, errorBody, httpStatusOf, toAppError } from '../http-errors';
import { pathOf } from './access-log';

/** What a `503` tells the client to wait before trying again, unless it knows better (`details.retryAfterSeconds`). */
const UNAVAILABLE_RETRY_AFTER_S = 5;

const retryAfterOf = (error: AppError): number => (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? UNAVAILABLE_RETRY_AFTER_S;

/**
 * After every router of `app`: a path some route takes, asked with another method, is a `405`
 * naming the methods it takes in `Allow` (RFC 9110 §15.5.6); a path no route takes is a `404`.
 */
export function noRoute(app: Router): RequestHandler {
  return (req, res, next) => {
    const allowed = allowedMethods(app, req.path);
    if (allowed.length === 0) return next(new AppError('ERR_NOT_FOUND', `No route ${req.method} ${pathOf(req)}`));
    res.setHeader('Allow', allowed.join(', '));
    next(new AppError('ERR_METHOD_NOT_ALLOWED', `${pathOf(req)} does not take ${req.method}: it takes ${allowed.join(', ')}`, { allowed }));
  };
}

/** The one error answer of the API: `{error: {code, message, details?}}` with the mapped status; logged through `req.log`, with the request's id. */
export function errorHandler(): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    const status = httpStatusOf(appError.code);
    // A store that is down (or the engine restarting) fails every request alike: one short line each, not a stack trace each (on a full disk, too).
    if (appError.code === 'ERR_UNAVAILABLE') req.log.warn({ method: req.method, path: req.path, reason: err instanceof Error ? err.message : String(err) }, 'request refused: unavailable for now');
    else if (status >= 500) req.log.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return res.destroy();
    res.setHeader('Cache-Control', ERROR_CACHE_CONTROL);
    if (appError.code === 'ERR_UNAVAILABLE') res.setHeader('Retry-After', String(retryAfterOf(appError)));
    res.status(status).json(errorBody(appError));
  };
}
