/**
 * Rate limits counted in the store, so every instance sharing it draws on one budget per key (the
 * per-second limits stay in each instance's memory: a store write per message would cost the hot
 * path). Each key is a token bucket held as one date, `fullAt`: when the bucket is full again.
 * Holding `burst` tokens regained at `perSecond`, it lacks `(fullAt - now) * perSecond` of them,
 * so it has one to give while `fullAt` is at most `burst - 1` tokens' worth ahead; a token taken
 * moves `fullAt` on by one token's worth from now or from where it was, whichever is later, in
 * one conditional update, so requests at the same moment on any instances take no more than there
 * are. A take may cost several tokens at once (an upload, counted in bytes): it needs them all
 * there, and moves `fullAt` on by all of their worth. A bucket that is full again is no different
 * from none, so a TTL index on `fullAt` deletes it (indexes.ts); until it does, a `fullAt` in the
 * past reads as a full bucket.
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
  /** Seconds until each of these buckets has `tokens`; undefined when all have them now. */
  async function waitFor(limits: readonly SharedLimit[], now: number, tokens: number): Promise<number | undefined> {
    const docs = await rateLimits.find({ _id: { $in: limits.map((limit) => limit.key) } }).toArray();
    const fullAt = new Map(docs.map((doc) => [doc._id, doc.fullAt.getTime()]));
    const waitMs = Math.max(0, ...limits.map((limit) => (fullAt.get(limit.key) ?? now) - now - (limit.burst - tokens) * tokenMs(limit)));
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1_000)) : undefined;
  }

  /** Takes `tokens` from one bucket if it has them. */
  async function takeFrom(limit: SharedLimit, now: number, tokens: number): Promise<boolean> {
    const at = new Date(now);
    // Matches only a bucket with the tokens; on none, the upsert makes the bucket (a full one, less these tokens).
    const filter = { _id: limit.key, fullAt: { $lte: new Date(now + (limit.burst - tokens) * tokenMs(limit)) } };
    const update = [{ $set: { fullAt: { $add: [{ $max: ['$fullAt', at] }, tokens * tokenMs(limit)] } } }];
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

  /** Gives `tokens` back to each bucket. */
  async function giveBack(limits: readonly SharedLimit[], tokens = 1): Promise<void> {
    if (limits.length === 0) return;
    await rateLimits.bulkWrite(
      limits.map((limit) => ({ updateOne: { filter: { _id: limit.key }, update: [{ $set: { fullAt: { $subtract: ['$fullAt', tokens * tokenMs(limit)] } } }] } })),
      { ordered: false },
    );
  }

  return {
    /**
     * Takes `tokens` (at most any bucket's burst) from each bucket, all or none: undefined when
     * taken; otherwise, in seconds, how long until all of them have that many (what was taken from
     * the others is given back).
     */
    async takeSharedLimits(limits: readonly SharedLimit[], now = Date.now(), tokens = 1): Promise<number | undefined> {
      // A bucket not made yet would be made, less more tokens than it ever holds.
      const tooFew = limits.find((limit) => tokens > limit.burst);
      if (tooFew) throw new RangeError(`${tokens} tokens asked of ${tooFew.key}, which holds ${tooFew.burst}`);
      const taken: SharedLimit[] = [];
      for (const limit of limits) {
        if (await takeFrom(limit, now, tokens)) {
          taken.push(limit);
          continue;
        }
        await giveBack(taken, tokens);
        return (await waitFor(limits, now, tokens)) ?? 1;
      }
      return undefined;
    },

    /** Gives back `tokens` (1 unless said) taken for something not done after all, or not all of it (a retry answered, a request refused, an upload shorter than reserved). */
    giveBackSharedLimits: giveBack,
  };
}
