import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Db } from 'mongodb';
import { applyToSummary, type JournalRecord, type JournalStore, type RunSummary } from './journal-store';
import { openRunsRepaired } from './mongo-journal-repair';

export interface MongoJournalStoreOptions {
  /** Collection of journal records; a second one, `${collection}_runs`, holds one summary per run. */
  collection?: string;
  /** A write starts no sooner than this after the one before it started (see the class comment). */
  minWriteIntervalMs?: number;
}

/**
 * Each journal write costs the engine's thread about as much as a few dozen workflow tasks' worth
 * of records in it (the driver's per-command work and a socket write): under load, spacing the
 * writes gathers more records into each. A workflow task waits up to this long more for its write
 * then; when writes are rare, none waits.
 */
const DEFAULT_MIN_WRITE_INTERVAL_MS = 15;

/** Every failed insert hit a unique key (the record is there already), and the write concern was met. */
const onlyDuplicateKeys = (err: unknown): boolean =>
  err instanceof MongoBulkWriteError && !err.result?.getWriteConcernError() && Array.isArray(err.writeErrors) && err.writeErrors.length > 0 && err.writeErrors.every((writeError) => writeError.code === 11000);

interface PendingAppend {
  records: readonly JournalRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * A journal in MongoDB, with group commit: one write at a time (so records land in append order),
 * and the appends made while it is under way, or until `minWriteIntervalMs` after it started, go
 * out together as the next one — one ordered insertMany of records plus one bulk write of run
 * summaries. Under load a write carries many workflow tasks' records; alone, an append waits for
 * no one. Every caller resolves when its write is acknowledged; when a shared write fails, each
 * append is tried again on its own, so only the one that cannot be written fails.
 */
export class MongoJournalStore implements JournalStore {
  private readonly records: Collection<JournalRecord>;
  private readonly runs: Collection<RunSummary>;
  private pending: PendingAppend[] = [];
  /** A flush is scheduled or a write is under way: appends wait for it. */
  private busy = false;
  private lastWriteStartedAt = -Infinity;

  private constructor(
    db: Db,
    name: string,
    private readonly minWriteIntervalMs: number,
  ) {
    this.records = db.collection<JournalRecord>(name);
    this.runs = db.collection<RunSummary>(`${name}_runs`);
  }

  /** Opens the store and creates the indexes it queries by. */
  static async open(db: Db, options: MongoJournalStoreOptions = {}): Promise<MongoJournalStore> {
    const store = new MongoJournalStore(db, options.collection ?? 'workflow_journal', options.minWriteIntervalMs ?? DEFAULT_MIN_WRITE_INTERVAL_MS);
    await store.records.createIndex({ runId: 1, seq: 1 }, { unique: true });
    await store.runs.createIndex({ runId: 1 }, { unique: true });
    await store.runs.createIndex({ workflowId: 1, startedAt: 1 });
    await store.runs.createIndex({ status: 1 });
    return store;
  }

  append(records: readonly JournalRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      if (!this.busy) {
        this.busy = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  async readRun(runId: string): Promise<JournalRecord[]> {
    return this.records.find({ runId }, { projection: { _id: 0 } }).sort({ seq: 1 }).toArray() as Promise<JournalRecord[]>;
  }

  async runsOf(workflowId: string): Promise<RunSummary[]> {
    return this.runs.find({ workflowId }, { projection: { _id: 0 } }).sort({ startedAt: 1 }).toArray() as Promise<RunSummary[]>;
  }

  /** Repairs the summaries a write left behind its records first (see mongo-journal-repair.ts). */
  async openRuns(): Promise<RunSummary[]> {
    return openRunsRepaired(this.records, this.runs);
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const wait = this.lastWriteStartedAt + this.minWriteIntervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastWriteStartedAt = performance.now();
      const batch = this.pending;
      this.pending = [];
      try {
        await this.write(batch.flatMap((append) => append.records));
        for (const append of batch) append.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        // One bad append must not fail the workflows that shared its write: each goes again on its
        // own, and what the failed write stored before it stopped counts as written.
        else for (const append of batch) await this.write(append.records, { storedIsWritten: true }).then(append.resolve, append.reject);
      }
    }
    this.busy = false;
  }

  private async write(records: readonly JournalRecord[], { storedIsWritten = false } = {}): Promise<void> {
    try {
      // The driver adds `_id` to inserted documents; give it copies so callers' records stay untouched.
      await this.records.insertMany(
        records.map((record) => ({ ...record })),
        { ordered: !storedIsWritten },
      );
    } catch (err) {
      if (!storedIsWritten || !onlyDuplicateKeys(err)) throw err;
    }
    const summaryOps = this.summaryOperations(records);
    if (summaryOps.length > 0) await this.runs.bulkWrite(summaryOps, { ordered: true });
  }

  private summaryOperations(records: readonly JournalRecord[]): AnyBulkWriteOperation<RunSummary>[] {
    const ops: AnyBulkWriteOperation<RunSummary>[] = [];
    for (const record of records) {
      if (record.type === 'run_started') {
        const summary = applyToSummary(undefined, record)!;
        ops.push({ replaceOne: { filter: { runId: record.runId }, replacement: summary, upsert: true } });
      } else if (record.type === 'run_closed') {
        ops.push({ updateOne: { filter: { runId: record.runId }, update: { $set: { status: record.status, closedAt: record.time } } } });
      }
    }
    return ops;
  }
}
