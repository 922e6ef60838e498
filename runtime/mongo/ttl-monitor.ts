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
 * A pass deletes in slices: each is one delete statement and one write (one journal sync, one
 * publication to change streams) of at most this many documents; the thread then answers the
 * commands waiting before the next slice. As MongoDB's TTL deletes yield to other operations, a
 * backlog (after a downtime, or a burst of ephemeral events) holds the store's thread, which every
 * read and write of the product waits on, for one slice at a time.
 */
export const TTL_SLICE_DOCS = 500;
/**
 * A slice whose deleting took longer than this (a busy machine, a collection with many indexes)
 * makes the next one half as large, down to TTL_MIN_SLICE_DOCS; a quicker one, twice, up to
 * TTL_SLICE_DOCS. One statement a slice, not several cut short by the clock: a statement waits
 * for a transaction's lock before it deletes anything, so no deletion is ever made and not yet
 * journaled while other writes are journaled (the journal's order would then not be memory's).
 */
export const TTL_SLICE_MS = 2;
export const TTL_MIN_SLICE_DOCS = 50;

export interface TtlMonitorOptions {
  intervalMs: number;
  logger?: Logger;
  /** Milliseconds, for a slice's deleting time (tests step it). */
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
    let size = TTL_SLICE_DOCS;
    while (standing()) {
      const write = engine.newContext();
      const started = clock();
      const deleted = await engine.statement(write, () => deleteStatement(engine, write, collection.db, collection.name, filter, size));
      const took = clock() - started;
      await engine.finish(write);
      if (deleted < size) return;
      size = took > TTL_SLICE_MS ? Math.max(TTL_MIN_SLICE_DOCS, size >> 1) : Math.min(TTL_SLICE_DOCS, size * 2);
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
