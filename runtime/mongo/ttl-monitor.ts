// The TTL monitor: as MongoDB's background TTLMonitor, it wakes every so often (MongoDB: every 60 s)
// and deletes, for each TTL index, the documents whose indexed field holds a date (or an array
// holding one: the earliest counts) older than now minus the index's expireAfterSeconds. Documents
// whose field is missing or holds no date never expire. Each deletion is an ordinary delete
// statement, so it is journaled, leaves the indexes in step and reaches change streams.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Collection } from './collection';
import { deleteStatement } from './commands/write-statements';
import type { Engine } from './engine';
import type { Index } from './indexes';
import type { Logger } from './server';

/** MongoDB's default (its ttlMonitorSleepSecs). */
export const TTL_MONITOR_INTERVAL_MS = 60_000;

/**
 * A pass deletes in slices: each is one write (one journal sync, one publication to change
 * streams) of at most this many documents, and at most TTL_SLICE_MS of deleting; the thread then
 * answers the commands waiting before the next slice. As MongoDB's TTL deletes yield to other
 * operations, a backlog (after a downtime, or a burst of ephemeral events) never holds the store's
 * thread, which every read and write of the product waits on, for longer than one slice.
 */
export const TTL_SLICE_DOCS = 500;
/** A slice on a busy machine (or in a collection with many indexes) ends by this time instead. */
export const TTL_SLICE_MS = 2;
/** Deletions between two looks at the clock: some 0.1 ms of work. */
export const TTL_STEP_DOCS = 50;

export interface TtlMonitorOptions {
  intervalMs: number;
  logger?: Logger;
  /** Milliseconds, for a slice's time (tests step it). */
  clock?: () => number;
}

export interface TtlMonitor {
  /** Stops waking, and waits for a pass under way to end (it ends after its current slice). */
  stop(): Promise<void>;
}

export function startTtlMonitor(engine: Engine, { intervalMs, logger, clock = () => performance.now() }: TtlMonitorOptions): TtlMonitor {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass = Promise.resolve();

  /** Deletes an index's expired documents, a slice at a time, while the index (and the server) stand. */
  async function expire(collection: Collection, index: Index, now: number): Promise<void> {
    const filter = { [index.fields[0]!]: { $lt: new Date(now - index.spec.expireAfterSeconds! * 1_000) } };
    const standing = () => !stopped && engine.collection(collection.db, collection.name) === collection && collection.indexes.get(index.name) === index;
    while (standing()) {
      const write = engine.newContext();
      const started = clock();
      let deleted = 0;
      let more: boolean;
      try {
        do {
          const step = Math.min(TTL_STEP_DOCS, TTL_SLICE_DOCS - deleted);
          const stepDeleted = await engine.statement(write, () => deleteStatement(engine, write, collection.db, collection.name, filter, step));
          deleted += stepDeleted;
          more = stepDeleted === step;
        } while (more && deleted < TTL_SLICE_DOCS && clock() - started < TTL_SLICE_MS);
      } finally {
        // Also when a step gave up on a transaction's lock: the steps before it are made, so they are journaled and published.
        await engine.finish(write);
      }
      if (!more) return;
      await nextTurn();
    }
  }

  async function runPass(): Promise<void> {
    // A journal that failed refuses every write until a restart; that is logged where it failed.
    if (engine.checkJournal()) return;
    const now = Date.now();
    for (const db of engine.databaseNames()) {
      for (const collection of engine.collections(db)) {
        for (const index of [...collection.indexes.values()].filter((each) => each.spec.expireAfterSeconds !== undefined)) {
          try {
            await expire(collection, index, now);
          } catch (error) {
            // A document a transaction held too long, or a journal that just failed: the next pass tries again.
            logger?.warn({ ns: collection.ns, index: index.name, err: String(error) }, 'embedded mongo: TTL deletion failed');
          }
        }
      }
    }
  }

  const schedule = () => {
    timer = setTimeout(() => {
      pass = runPass()
        // What no index's deletion caught (the engine's own listing failing): the next pass tries again.
        .catch((error: unknown) => logger?.error({ err: String(error) }, 'embedded mongo: TTL pass failed'))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
