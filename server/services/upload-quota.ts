/**
 * How many bytes visitors may upload in a day, per visitor and for all the visitors of one IP
 * together. Every upload is kept in the store (the embedded one holds it all in memory), and a
 * visitor id costs nothing, so the per-IP quota is what bounds one attacker; the per-visitor one
 * keeps one visitor behind a shared address from spending it for all the others. Each is a
 * store-held bucket (shared-limits.ts, so every instance draws on the same) of a day's worth of
 * bytes, any of them at once, regained over the day. The team's uploads are not counted.
 */
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { SharedLimit, Store } from '../../activities/store';
import type { Caller } from '../caller';
import { ipLimitKey } from '../client-ip';
import { refused } from '../middleware/rate-limit';
import type { RateLimitOptions } from '../rate-limit';

/** Ends a reservation: `stored`, the bytes the upload kept (0 when it failed); the rest is given back. Never fails. */
export type SettleUpload = (stored: number) => Promise<void>;

export interface UploadQuota {
  /**
   * Takes `bytes` (what the upload says it holds, or the most it may) from the caller's quotas,
   * before its body is read; when one of them has not that many left, nothing is taken and a `429`
   * names the quota and says when the upload would fit.
   */
  reserve(req: Request, res: Response, caller: Caller, bytes: number): Promise<SettleUpload>;
}

const settled: SettleUpload = async () => {};

export function uploadQuota(store: Pick<Store, 'takeSharedLimits' | 'giveBackSharedLimits'>, limits: { visitor: RateLimitOptions; ip: RateLimitOptions }, log: Logger): UploadQuota {
  return {
    async reserve(req, res, caller, bytes) {
      if (caller.kind !== 'visitor') return settled;
      const quotas: { bucket: SharedLimit; whose: string }[] = [
        { bucket: { key: `uploads/visitor/${caller.website.id}/${caller.visitorId}`, ...limits.visitor }, whose: 'a visitor' },
        { bucket: { key: `uploads/ip/${ipLimitKey(req.ip)}`, ...limits.ip }, whose: 'the visitors of one address together' },
      ];
      const taken: SharedLimit[] = [];
      // One at a time, so that the refusal names the quota that is spent.
      for (const { bucket, whose } of quotas) {
        const wait = await store.takeSharedLimits([bucket], Date.now(), bytes);
        if (wait === undefined) {
          taken.push(bucket);
          continue;
        }
        await store.giveBackSharedLimits(taken, bytes);
        const message = `Upload quota spent: ${whose} may upload ${bucket.burst} bytes a day; this upload of ${bytes} bytes fits in ${wait}s`;
        throw refused(res, wait, message, { quotaBytesPerDay: bucket.burst });
      }
      return async (stored) => {
        if (stored >= bytes) return;
        // Failing, it leaves the visitor charged for bytes it did not store: not worth failing the answer for.
        await store.giveBackSharedLimits(taken, bytes - stored).catch((err: unknown) => log.warn({ err }, 'could not give back an upload quota reservation'));
      };
    },
  };
}
