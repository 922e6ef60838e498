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
 * Documents deleted per write: a batch is one journal sync, and the thread answers commands between
 * batches, so a collection with many expired documents does not hold the server up.
 */
export const TTL_BATCH = 500;

export interface TtlMonitor {
  /** Stops waking, and waits for a pass under way to end (it ends after its current batch). */
  stop(): Promise<void>;
}

export function startTtlMonitor(engine: Engine, intervalMs: number, logger?: Logger): TtlMonitor {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass = Promise.resolve();

  /** Deletes an index's expired documents, a batch at a time, while the index (and the server) stand. */
  async function expire(collection: Collection, index: Index, now: number): Promise<void> {
    const filter = { [index.fields[0]!]: { $lt: new Date(now - index.spec.expireAfterSeconds! * 1_000) } };
    const standing = () => !stopped && engine.collection(collection.db, collection.name) === collection && collection.indexes.get(index.name) === index;
    while (standing()) {
      const write = engine.newContext();
      const deleted = await engine.statement(write, () => deleteStatement(engine, write, collection.db, collection.name, filter, TTL_BATCH));
      await engine.finish(write);
      if (deleted < TTL_BATCH) return;
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
