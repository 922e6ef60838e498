import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../domain/errors';
import { TokenBuckets, type RateLimitOptions } from '../rate-limit';
import { callerOf } from './authenticate';

/** Charges one token per request to the key `keyOf` names (no key: not limited). */
export function rateLimit(buckets: TokenBuckets, keyOf: (req: Request, res: Response) => string | undefined, refusal = 'Too many requests'): RequestHandler {
  return (req, res, next) => {
    const key = keyOf(req, res);
    if (key === undefined) return next();
    const taken = buckets.take(key);
    if (taken.ok) return next();
    res.setHeader('Retry-After', String(taken.retryAfterSeconds));
    next(new AppError('ERR_RATE_LIMITED', refusal, { retryAfterSeconds: taken.retryAfterSeconds }));
  };
}

/** The calling visitor's key, after authentication; undefined for the team. */
const visitorKeyOf = (res: Response): string | undefined => {
  const caller = callerOf(res);
  return caller.kind === 'visitor' ? `${caller.website.id}/${caller.visitorId}` : undefined;
};

/** After authentication: charges a visitor's call to that visitor, whatever its IP (team members' calls are not limited here). */
export const visitorRateLimit = (buckets: TokenBuckets): RequestHandler => rateLimit(buckets, (_req, res) => visitorKeyOf(res));

/**
 * After authentication: a conversation a visitor opens is charged to the visitor and to its IP,
 * since a script can take a new visitor id for each (the team's are not limited). Each starts a
 * workflow that runs for days, so these buckets count by the hour.
 */
export function newConversationRateLimit(limits: { visitor: RateLimitOptions; ip: RateLimitOptions }): RequestHandler[] {
  const refusal = 'Too many new conversations';
  return [
    rateLimit(new TokenBuckets(limits.visitor), (_req, res) => visitorKeyOf(res), refusal),
    rateLimit(new TokenBuckets(limits.ip), (req, res) => (visitorKeyOf(res) === undefined ? undefined : (req.ip ?? 'unknown')), refusal),
  ];
}
