import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../domain/errors';
import { ipLimitKey } from '../client-ip';
import type { SharedLimit, Store } from '../../activities/store';
import { TokenBuckets, type RateLimitOptions } from '../rate-limit';
import { callerOf } from './authenticate';

/** Charges one token per request to the key `keyOf` names (no key: not limited). */
export function rateLimit(buckets: TokenBuckets, keyOf: (req: Request, res: Response) => string | undefined, refusal = 'Too many requests'): RequestHandler {
  return (req, res, next) => {
    const key = keyOf(req, res);
    if (key === undefined) return next();
    const taken = buckets.take(key);
    next(taken.ok ? undefined : refused(res, taken.retryAfterSeconds, refusal));
  };
}

/** The calling visitor's key, after authentication; undefined for the team. */
export const visitorKeyOf = (res: Response): string | undefined => {
  const caller = callerOf(res);
  return caller.kind === 'visitor' ? `${caller.website.id}/${caller.visitorId}` : undefined;
};

/** After authentication: charges a visitor's call to that visitor, whatever its IP (team members' calls are not limited here). */
export const visitorRateLimit = (buckets: TokenBuckets): RequestHandler => rateLimit(buckets, (_req, res) => visitorKeyOf(res));

/** Refuses with a `429` and `Retry-After`; `details` beside `retryAfterSeconds`. */
export function refused(res: Response, retryAfterSeconds: number, message: string, details: Record<string, unknown> = {}): AppError {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  return new AppError('ERR_RATE_LIMITED', message, { retryAfterSeconds, ...details });
}

/** Where `reserve` notes the tokens it took for a request, for `release`. */
const RESERVED = 'newConversationTokens';

/**
 * Conversations visitors open, counted per visitor and per IP (a script can take a new visitor id
 * for each); the team's are not limited. Each starts a workflow that runs for days, so these
 * buckets count by the hour, in the store: every instance draws on the same ones. `reserve` takes
 * a token from both, or refuses when either is empty, so requests at the same moment get no more
 * than there are; `release` gives them back when no conversation was made after all: a request
 * refused, or a retry answered with the conversation made before, costs nothing.
 */
export function newConversationLimit(
  store: Pick<Store, 'takeSharedLimits' | 'giveBackSharedLimits' | 'getConversation'>,
  limits: { visitor: RateLimitOptions; ip: RateLimitOptions },
): { reserve: RequestHandler; release(res: Response): Promise<void> } {
  const bucketsOf = (req: Request, res: Response): SharedLimit[] | undefined => {
    const visitor = visitorKeyOf(res);
    if (visitor === undefined) return undefined;
    return [
      { key: `conversations/visitor/${visitor}`, ...limits.visitor },
      { key: `conversations/ip/${ipLimitKey(req.ip)}`, ...limits.ip },
    ];
  };
  /** Read only when refusing: whether the request names a conversation this visitor already has. */
  const isOwnRetry = async (req: Request, res: Response): Promise<boolean> => {
    const { conversationId } = (req.body ?? {}) as { conversationId?: unknown };
    const caller = callerOf(res);
    if (typeof conversationId !== 'string' || caller.kind !== 'visitor') return false;
    const existing = await store.getConversation(conversationId);
    return existing?.websiteId === caller.website.id && existing.visitorId === caller.visitorId;
  };
  return {
    reserve: async (req, res, next) => {
      const buckets = bucketsOf(req, res);
      if (!buckets) return next();
      const wait = await store.takeSharedLimits(buckets);
      if (wait === undefined) res.locals[RESERVED] = buckets;
      // A retry of a conversation the visitor made (its answer was lost) gets it, budget spent or not: it makes nothing.
      next(wait === undefined || (await isOwnRetry(req, res)) ? undefined : refused(res, wait, 'Too many new conversations'));
    },
    release: async (res) => {
      const buckets = res.locals[RESERVED] as SharedLimit[] | undefined;
      if (buckets) await store.giveBackSharedLimits(buckets);
    },
  };
}
