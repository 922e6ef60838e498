import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError } from '../../domain/errors';
import { errorBody, httpStatusOf, toAppError } from '../http-errors';

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('ERR_NOT_FOUND', `No route ${req.method} ${req.path}`));
};

/** The one error answer of the API: `{error: {code, message, details?}}` with the mapped status. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const appError = toAppError(err);
    const status = httpStatusOf(appError.code);
    if (status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return res.destroy();
    res.status(status).json(errorBody(appError));
  };
}
