/**
 * A request body on a JSON route must say it is JSON: express.json() leaves any other body unread,
 * and the route would then refuse every field as missing. Answered `415` naming what is expected.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';

const hasBody = (headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!hasBody(req.headers) || req.is('application/json')) return next();
  next(new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', `Request bodies here are JSON: send Content-Type: application/json (got ${req.headers['content-type'] ?? 'none'})`));
};
