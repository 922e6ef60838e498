/**
 * A visitor's downloads. A media element plays a file as a series of Range requests: `bytes=0-`,
 * then one more as it starts playing and at each seek to a part it has not read (in Chromium, a
 * ten-minute recording played with six seeks made 8, dragging through it 96 to 99 in under two
 * seconds), and it gives up for good when its first is refused (it does not read Retry-After).
 * Charged to the visitor's bucket like any call, a player ran it dry, leaving none for the page's
 * images, or was refused itself.
 *
 * So a file is granted to the visitor by a request that asks for a range of it (the player's first)
 * once the access checks let it through, and the visitor's requests for a part of a file granted
 * within the last few minutes draw on an allowance of their own, one per visitor for all its files
 * together. A request asking for a range that the allowance does not pay (a first one, one answered
 * with the whole file, or any once the allowance is spent) is charged to the visitor's bucket, and
 * borrows from it when it is empty (up to one burst): a player's first request is not refused
 * because the page or the visitor's typing spent the bucket, and the visitor's rate over time stays
 * what it was, so ranges fetch no more different files than whole downloads would (a burst more at
 * most). Whole downloads (an image, a file saved) are charged as before, without borrowing: the
 * pages retry them when told to.
 */
import type { Request, RequestHandler, Response } from 'express';
import { isOneByteRange, rangeHeadersOf, servesEveryByte, type Representation } from '../byte-ranges';
import type { TokenBuckets } from '../rate-limit';
import { TtlCache } from '../ttl-cache';
import { refused, visitorKeyOf } from './rate-limit';

/** How long after a range of it was served a file stays granted: a paused player resumed later pays one token again. */
const GRANT_MS = 5 * 60_000;
/**
 * Grants kept per instance; past it the oldest is dropped (its next range is charged as a new one).
 * As many as the visitors' buckets keep: a grant costs a caller two requests, so a smaller table
 * could be cycled through by one IP, taking every player's grant from it.
 */
const MAX_GRANTS = 100_000;

export interface DownloadLimit {
  /** After authentication: charges a visitor's download (team members' are not limited here). */
  charge: RequestHandler;
  /** Once the caller may see the file: grants it to a visitor whose request asked for a range of it. */
  grant(req: Request, res: Response, fileId: string, representation: Representation): void;
}

export function downloadLimit(visitorBuckets: TokenBuckets, rangeBuckets: TokenBuckets): DownloadLimit {
  // What the file is, so that a range answered whole can be told apart before the store is read (a file never changes).
  const grants = new TtlCache<Representation>({ ttlMs: GRANT_MS, maxEntries: MAX_GRANTS, missTtlMs: 0, maxMisses: 0 });
  const grantKey = (visitor: string, fileId: string) => `${visitor} ${fileId}`;
  const asksForRange = (req: Request) => isOneByteRange(req.get('Range'));
  return {
    charge: (req, res, next) => {
      const visitor = visitorKeyOf(res);
      if (visitor === undefined) return next();
      const grantedWithin = (ms: number) => grants.peek(grantKey(visitor, String(req.params.id)), ms);
      const ranged = asksForRange(req);
      const granted = ranged ? grantedWithin(GRANT_MS) : undefined;
      // A range answered whole (`bytes=0-`, a stale If-Range) is a whole download: the visitor's bucket pays it, as it pays a first range.
      const fromRanges = granted && !servesEveryByte(rangeHeadersOf(req), granted) ? rangeBuckets.take(visitor) : undefined;
      if (fromRanges?.ok) return next();
      const fromVisitor = ranged ? visitorBuckets.borrow(visitor) : visitorBuckets.take(visitor);
      if (fromVisitor.ok) return next();
      // The allowance's wait holds only if the grant is still there by then: a retry after it lapsed is charged to the visitor alone.
      const rangesWait = fromRanges && grantedWithin(GRANT_MS - fromRanges.retryAfterSeconds * 1000) !== undefined ? fromRanges.retryAfterSeconds : Infinity;
      next(refused(res, Math.min(fromVisitor.retryAfterSeconds, rangesWait), 'Too many requests'));
    },
    grant: (req, res, fileId, representation) => {
      const visitor = visitorKeyOf(res);
      if (visitor !== undefined && asksForRange(req)) grants.set(grantKey(visitor, fileId), representation);
    },
  };
}
