/**
 * Rate limits counted in the store, so every instance sharing it draws on one budget per key (the
 * per-second limits stay in each instance's memory: a store write per message would cost the hot
 * path). Each key is a token bucket held as one date, `fullAt`: when the bucket is full again.
 * Holding `burst` tokens regained at `perSecond`, it lacks `(fullAt - now) * perSecond` of them,
 * so it has one to give while `fullAt` is at most `burst - 1` tokens' worth ahead; a token taken
 * moves `fullAt` on by one token's worth from now or from where it was, whichever is later. A
 * bucket that is full again is no different from none, so such documents are swept.
 */
import type { Collections } from './documents';

/** A bucket of `burst` tokens, regaining `perSecond` of them every second, under `key`. */
export interface SharedLimit {
  key: string;
  perSecond: number;
  burst: number;
}

/** How often each store sweeps the buckets full again (the embedded server has no TTL indexes). */
const SWEEP_EVERY_MS = 60_000;

const tokenMs = (limit: SharedLimit): number => 1_000 / limit.perSecond;

export function sharedLimitMethods({ rateLimits }: Collections) {
  let lastSweep = 0;
  return {
    /**
     * Whether each of these buckets has a token, taking none: undefined when all do; otherwise, in
     * seconds, how long until all of them do.
     */
    async sharedLimitsWait(limits: readonly SharedLimit[], now = Date.now()): Promise<number | undefined> {
      const docs = await rateLimits.find({ _id: { $in: limits.map((limit) => limit.key) } }).toArray();
      const fullAt = new Map(docs.map((doc) => [doc._id, doc.fullAt.getTime()]));
      const waitMs = Math.max(0, ...limits.map((limit) => (fullAt.get(limit.key) ?? now) - now - (limit.burst - 1) * tokenMs(limit)));
      return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1_000)) : undefined;
    },

    /**
     * Takes a token from each bucket, each in one atomic update, so takings on any instances all
     * count. It does not refuse: callers ask `sharedLimitsWait` first, and a bucket that several
     * requests at the same moment all found with a token is left empty (it owes nothing beyond: a
     * burst of one script must not shut out everyone behind its IP for hours).
     */
    async takeSharedLimits(limits: readonly SharedLimit[], now = Date.now()): Promise<void> {
      const at = new Date(now);
      await rateLimits.bulkWrite(
        limits.map((limit) => ({
          updateOne: {
            filter: { _id: limit.key },
            // No further than empty: requests let through at once owe no more than a full bucket's worth.
            update: [{ $set: { fullAt: { $min: [{ $add: [{ $max: ['$fullAt', at] }, tokenMs(limit)] }, new Date(now + limit.burst * tokenMs(limit))] } } }],
            upsert: true,
          },
        })),
        { ordered: false },
      );
      if (now - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = now;
        rateLimits.deleteMany({ fullAt: { $lte: at } }).catch(() => {});
      }
    },
  };
}
