import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../domain/errors';
import { ipLimitKey } from '../client-ip';
import { TokenBuckets, type RateLimitOptions, type TakeResult } from '../rate-limit';
import { callerOf } from './authenticate';

/** Charges one token per request to the key `keyOf` names (no key: not limited). */
export function rateLimit(buckets: TokenBuckets, keyOf: (req: Request, res: Response) => string | undefined, refusal = 'Too many requests'): RequestHandler {
  return (req, res, next) => {
    const key = keyOf(req, res);
    if (key === undefined) return next();
    const taken = buckets.take(key);
    next(taken.ok ? undefined : refused(res, taken, refusal));
  };
}

/** The calling visitor's key, after authentication; undefined for the team. */
const visitorKeyOf = (res: Response): string | undefined => {
  const caller = callerOf(res);
  return caller.kind === 'visitor' ? `${caller.website.id}/${caller.visitorId}` : undefined;
};

/** After authentication: charges a visitor's call to that visitor, whatever its IP (team members' calls are not limited here). */
export const visitorRateLimit = (buckets: TokenBuckets): RequestHandler => rateLimit(buckets, (_req, res) => visitorKeyOf(res));

/** Refuses with a `429` and `Retry-After`. */
function refused(res: Response, taken: Extract<TakeResult, { ok: false }>, message: string): AppError {
  res.setHeader('Retry-After', String(taken.retryAfterSeconds));
  return new AppError('ERR_RATE_LIMITED', message, { retryAfterSeconds: taken.retryAfterSeconds });
}

/**
 * Conversations visitors open, counted per visitor and per IP (a script can take a new visitor id
 * for each); the team's are not limited. Each starts a workflow that runs for days, so these
 * buckets count by the hour. `check` refuses when either is empty; `charge`, once a conversation
 * was made, takes from both: a request refused, or a retry answered with the conversation made
 * before, costs nothing.
 */
export function newConversationLimit(limits: { visitor: RateLimitOptions; ip: RateLimitOptions }): { check: RequestHandler; charge(req: Request, res: Response): void } {
  const visitors = new TokenBuckets(limits.visitor);
  const ips = new TokenBuckets(limits.ip);
  const keysOf = (req: Request, res: Response) => {
    const visitor = visitorKeyOf(res);
    return visitor === undefined ? undefined : { visitor, ip: ipLimitKey(req.ip) };
  };
  return {
    check: (req, res, next) => {
      const keys = keysOf(req, res);
      if (!keys) return next();
      const visitor = visitors.peek(keys.visitor);
      const ip = visitor.ok ? ips.peek(keys.ip) : visitor;
      next(ip.ok ? undefined : refused(res, ip, 'Too many new conversations'));
    },
    charge: (req, res) => {
      const keys = keysOf(req, res);
      if (!keys) return;
      visitors.take(keys.visitor);
      ips.take(keys.ip);
    },
  };
}
