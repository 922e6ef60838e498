/**
 * Uploads that no message named within `keepMs` of their upload (a client that uploaded and never
 * sent) are deleted, in batches, a minute after start and then every quarter of `keepMs` (at most
 * hourly). The same sweep deletes the chunks of uploads and deletions a crash interrupted, once they
 * are as old (and older than any upload lasts). Every instance sweeps; whichever gets to a file first deletes it.
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';

const BATCH = 100;
/** Batches one sweep looks at, at most: a backlog is worked off over several sweeps. */
const MAX_BATCHES = 50;
const MAX_INTERVAL_MS = 3_600_000;
const FIRST_SWEEP_MS = 60_000;
/**
 * Longer than any upload lasts (Node ends a request after 300 s): an unfinished upload noted
 * earlier is one whose process died, whatever `keepMs` is.
 */
const LONGEST_UPLOAD_MS = 600_000;

export interface Sweeper {
  /** Stops sweeping, once a sweep under way is done. */
  stop(): Promise<void>;
}

type DeleteBatch = (before: Date, limit: number) => Promise<{ examined: number; deleted: number }>;

async function deleteInBatches(deleteBatch: DeleteBatch, before: Date): Promise<number> {
  let deleted = 0;
  for (let batches = 0; batches < MAX_BATCHES; batches++) {
    const batch = await deleteBatch(before, BATCH);
    deleted += batch.deleted;
    if (batch.examined < BATCH) break;
  }
  return deleted;
}

export function sweepUnattachedFiles(store: Pick<Store, 'deleteUnattachedFiles' | 'deleteUnfinishedFiles'>, keepMs: number, log: Logger): Sweeper {
  // Each part on its own: one that keeps failing does not hold the other back.
  const sweepPart = async (deleteBatch: DeleteBatch, before: Date, what: string): Promise<void> => {
    try {
      const deleted = await deleteInBatches(deleteBatch, before);
      if (deleted > 0) log.info({ deleted }, `deleted ${what}`);
    } catch (err) {
      log.warn({ err }, `deleting ${what} failed; the next sweep tries again`);
    }
  };
  const sweep = async (): Promise<void> => {
    const now = Date.now();
    await sweepPart((before, limit) => store.deleteUnattachedFiles(before, limit), new Date(now - keepMs), 'uploads that no message named');
    const interruptedBefore = new Date(now - Math.max(keepMs, LONGEST_UPLOAD_MS));
    await sweepPart((before, limit) => store.deleteUnfinishedFiles(before, limit), interruptedBefore, 'the chunks of uploads or deletions a crash interrupted');
  };
  let sweeping: Promise<void> | undefined;
  const start = () => {
    sweeping ??= sweep().finally(() => (sweeping = undefined));
  };
  const intervalMs = Math.min(keepMs / 4, MAX_INTERVAL_MS);
  const first = setTimeout(start, Math.min(intervalMs, FIRST_SWEEP_MS));
  const timer = setInterval(start, intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await sweeping;
    },
  };
}
