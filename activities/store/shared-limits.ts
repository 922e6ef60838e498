/**
 * Rate limits counted in the store, so every instance sharing it draws on one budget per key (the
 * per-second limits stay in each instance's memory: a store write per message would cost the hot
 * path). Each key is a token bucket held as one date, `fullAt`: when the bucket is full again.
 * Holding `burst` tokens regained at `perSecond`, it lacks `(fullAt - now) * perSecond` of them,
 * so it has one to give while `fullAt` is at most `burst - 1` tokens' worth ahead; a token taken
 * moves `fullAt` on by one token's worth from now or from where it was, whichever is later, in
 * one conditional update, so requests at the same moment on any instances take no more than there
 * are. A bucket that is full again is no different from none, so a TTL index on `fullAt` deletes it
 * (indexes.ts); until it does, a `fullAt` in the past reads as a full bucket.
 */
import type { Collections } from './documents';
import { isDuplicateKey } from './duplicate-key';

/** A bucket of `burst` tokens, regaining `perSecond` of them every second, under `key`. */
export interface SharedLimit {
  key: string;
  perSecond: number;
  burst: number;
}

const tokenMs = (limit: SharedLimit): number => 1_000 / limit.perSecond;

export function sharedLimitMethods({ rateLimits }: Collections) {
  /** Seconds until each of these buckets has a token; undefined when all have one now. */
  async function waitFor(limits: readonly SharedLimit[], now: number): Promise<number | undefined> {
    const docs = await rateLimits.find({ _id: { $in: limits.map((limit) => limit.key) } }).toArray();
    const fullAt = new Map(docs.map((doc) => [doc._id, doc.fullAt.getTime()]));
    const waitMs = Math.max(0, ...limits.map((limit) => (fullAt.get(limit.key) ?? now) - now - (limit.burst - 1) * tokenMs(limit)));
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1_000)) : undefined;
  }

  /** Takes a token from one bucket if it has one. */
  async function takeOne(limit: SharedLimit, now: number): Promise<boolean> {
    const at = new Date(now);
    // Matches only a bucket with a token; on none, the upsert makes the bucket (a full one, less this token).
    const filter = { _id: limit.key, fullAt: { $lte: new Date(now + (limit.burst - 1) * tokenMs(limit)) } };
    const update = [{ $set: { fullAt: { $add: [{ $max: ['$fullAt', at] }, tokenMs(limit)] } } }];
    for (let attempt = 1; ; attempt++) {
      try {
        await rateLimits.updateOne(filter, update, { upsert: true });
        return true;
      } catch (error) {
        // The bucket is there and empty; or, once, another request made it first (try it again).
        if (!isDuplicateKey(error)) throw error;
        if (attempt === 2) return false;
      }
    }
  }

  /** Gives tokens back, one to each bucket. */
  async function giveBack(limits: readonly SharedLimit[]): Promise<void> {
    if (limits.length === 0) return;
    await rateLimits.bulkWrite(
      limits.map((limit) => ({ updateOne: { filter: { _id: limit.key }, update: [{ $set: { fullAt: { $subtract: ['$fullAt', tokenMs(limit)] } } }] } })),
      { ordered: false },
    );
  }

  return {
    /**
     * Takes a token from each bucket, all or none: undefined when taken; otherwise, in seconds, how
     * long until all of them have one (what was taken from the others is given back).
     */
    async takeSharedLimits(limits: readonly SharedLimit[], now = Date.now()): Promise<number | undefined> {
      const taken: SharedLimit[] = [];
      for (const limit of limits) {
        if (await takeOne(limit, now)) {
          taken.push(limit);
          continue;
        }
        await giveBack(taken);
        return (await waitFor(limits, now)) ?? 1;
      }
      return undefined;
    },

    /** Gives back tokens taken for something that was not done after all (a retry answered, a request refused). */
    giveBackSharedLimits: giveBack,
  };
}
