/**
 * Uploads that no message named within `keepMs` of their upload (a client that uploaded and never
 * sent) are deleted, in batches, every quarter of `keepMs` (at most hourly). Every instance sweeps;
 * whichever gets to a file first deletes it.
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';

const BATCH = 100;
const MAX_INTERVAL_MS = 3_600_000;

export interface Sweeper {
  /** Stops sweeping, once a sweep under way is done. */
  stop(): Promise<void>;
}

export function sweepUnattachedFiles(store: Pick<Store, 'deleteUnattachedFiles'>, keepMs: number, log: Logger): Sweeper {
  const sweep = async (): Promise<void> => {
    try {
      let deleted = 0;
      let batch: number;
      do {
        batch = await store.deleteUnattachedFiles(new Date(Date.now() - keepMs), BATCH);
        deleted += batch;
      } while (batch === BATCH);
      if (deleted > 0) log.info({ deleted }, 'deleted uploads that no message named');
    } catch (err) {
      log.warn({ err }, 'sweeping unattached uploads failed; the next sweep tries again');
    }
  };
  let sweeping: Promise<void> | undefined;
  const timer = setInterval(() => {
    sweeping ??= sweep().finally(() => (sweeping = undefined));
  }, Math.min(keepMs / 4, MAX_INTERVAL_MS));
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
