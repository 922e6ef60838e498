/**
 * Holds on a person while routing gives them a conversation, so that of the team queues offering
 * them conversations at once, on any instances, one at a time counts their load and assigns
 * (activities/ai/person-hold.ts). A hold is one document under its key, taken by one conditional
 * upsert: it matches only a hold whose time is past, and on none it inserts, which fails on the
 * `_id` while another holder's stands. A hold whose holder died stands until its `until` (by the
 * clock of whoever takes it next), then is taken over; a TTL index deletes it later (indexes.ts).
 */
import type { Collections } from './documents';
import { isDuplicateKey } from './duplicate-key';

export function routingHoldMethods({ routingHolds }: Collections) {
  return {
    /** Takes the hold under `key` for `holder` until `until`; false while someone else's stands at `now`. */
    async takeRoutingHold(key: string, holder: string, now: Date, until: Date): Promise<boolean> {
      try {
        await routingHolds.updateOne({ _id: key, until: { $lte: now } }, { $set: { holder, until } }, { upsert: true });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    },

    /** Lets go of the hold under `key`, if `holder` still has it (one taken over after its time stays). */
    async releaseRoutingHold(key: string, holder: string): Promise<void> {
      await routingHolds.deleteOne({ _id: key, holder });
    },
  };
}
