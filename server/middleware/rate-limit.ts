import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../domain/errors';
import { TokenBuckets } from '../rate-limit';
import { callerOf } from './authenticate';

/** Charges one token per request to the key `keyOf` names (no key: not limited). */
export function rateLimit(buckets: TokenBuckets, keyOf: (req: Request, res: Response) => string | undefined): RequestHandler {
  return (req, res, next) => {
    const key = keyOf(req, res);
    if (key === undefined) return next();
    const taken = buckets.take(key);
    if (taken.ok) return next();
    res.setHeader('Retry-After', String(taken.retryAfterSeconds));
    next(new AppError('ERR_RATE_LIMITED', 'Too many requests', { retryAfterSeconds: taken.retryAfterSeconds }));
  };
}

/** After authentication: charges a visitor's call to that visitor, whatever its IP (team members' calls are not limited here). */
export const visitorRateLimit = (buckets: TokenBuckets): RequestHandler =>
  rateLimit(buckets, (_req, res) => {
    const caller = callerOf(res);
    return caller.kind === 'visitor' ? `${caller.website.id}/${caller.visitorId}` : undefined;
  });
