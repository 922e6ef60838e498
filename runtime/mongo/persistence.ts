// Durability for a data directory: an append-only operation log written and synced to disk
// (group commit: every record queued in the same event-loop turn goes out in one write and one
// sync) before writes are acknowledged, plus a snapshot that compaction rewrites so that restarts
// replay only a short log. The sync blocks this server's thread, as the write does: an
// asynchronous one, which would let requests be read meanwhile, measured slower on a fast disk
// (its round trip through the thread pool is longer than the sync).
//
// Files: `snapshot.bson` (records: a {op:'meta', gen, sealed: true} header, the full state, then
// {op:'end'}, by which a snapshot cut short at a record's boundary shows too) and
// `oplog-<gen>.log`, `oplog-<gen+1>.log`, … (records since that snapshot, oldest first: more than
// one while a compaction is under way, or after one failed), records framed as frames.ts says;
// recovery.ts reads them back at start.
//
// A compaction never holds the thread for long (the one the engine starts as the log grows): the
// state is captured at one instant (documents are replaced, never changed in place, so the image
// holds references only), new records go to the next log from that instant, and the image is
// written to the next snapshot's temporary file a few milliseconds per event-loop turn (commands
// are answered between slices), synced in the thread pool, renamed into place (the old snapshot
// kept under another name, so that the rename frees nothing); then the logs it folds in and the
// old snapshot are removed a slice at a time (snapshot-writer.ts, durable-files.ts). A crash at any point leaves the old snapshot and every log since it, or
// the new one and its logs (the older logs, left behind, are removed at the start).
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from 'bson';
import { STORE_FILE_MODE, fsyncDirectory, ownDirectory, removeInSteps, writeAll } from './durable-files';
import { MongoCommandError, WRITES_REFUSED_LABEL } from './errors';
import { frame } from './frames';
import { batchFrames } from './log-batches';
import { logGone } from './log-in-place';
import { logPath, recover, SNAPSHOT_OLD_FILE } from './recovery';
import { SnapshotWriter } from './snapshot-writer';
import type { Logger } from './server';

/** How long one slice of a compaction in the background may hold the thread before it waits for the next event-loop turn. */
const COMPACTION_SLICE_MS = 2;

export interface Journal {
  /**
   * Resolves once the records are written to the log and synced to disk, so a power loss keeps
   * them too (immediately when nothing is kept on disk).
   * Once a write to the log has failed, this and every later append reject: see FileJournal.
   */
  append(records: Document[]): Promise<void>;
  /** Bytes in the operation logs since the last snapshot. */
  readonly logBytes: number;
  /** Whether a compaction started by compactInSteps is under way. */
  readonly compacting: boolean;
  /**
   * Why writes are refused, once a write to the log has failed or the log is gone from its path
   * (until a restart). It looks at the log afresh, so a health check sees it gone at once.
   */
  checkFailure(): Error | undefined;
  /** Starts a new log and rewrites the snapshot from `state` (the full current state as records), at once. */
  compact(state: Iterable<Document>): void;
  /**
   * The same, the snapshot written a slice per event-loop turn: `state` must stay as it is while
   * it is read (a captured image). Resolves once it has finished or stopped (a failure is logged).
   * Does nothing while one is under way.
   */
  compactInSteps(state: Iterable<Document>): Promise<void>;
  close(): void;
}

export class MemoryJournal implements Journal {
  readonly logBytes = 0;
  readonly compacting = false;
  append(): Promise<void> {
    return Promise.resolve();
  }
  checkFailure(): undefined {
    return undefined;
  }
  compact(): void {}
  compactInSteps(): Promise<void> {
    return Promise.resolve();
  }
  close(): void {}
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The log on disk. A write to it that fails (a full disk, an I/O error) may leave part of a record
 * behind, and leaves the in-memory state holding writes the log does not: records appended after
 * that would follow the torn one, and be dropped with it at the next start, though acknowledged.
 * (The records of that write are cut off again, or dropped at the start: log-batches.ts.)
 * So, as MongoDB stops on a failed journal write, the journal then refuses every later write until
 * the server restarts, which cuts the torn tail and recovers exactly what was acknowledged. A
 * failed sync is taken the same way: what the disk kept of the log is then unknown. So is a log
 * gone from its path (log-in-place.ts): its writes still succeed, into a file no start will read.
 */
export class FileJournal implements Journal {
  private fd: number;
  /** Why writes are refused, once a write to the log has failed or the log is gone. */
  private refusal?: MongoCommandError;
  private closed = false;
  /** The log in use: `oplog-<generation>.log`. */
  private generation: number;
  /** The snapshot's generation: the logs from `oplog-<snapshotGeneration>.log` to the one in use follow it. */
  private snapshotGeneration: number;
  /** Bytes in the log in use. */
  private bytes: number;
  /** Bytes in the logs before it that follow the snapshot (those a compaction under way folds in). */
  private earlierLogBytes: number;
  private compaction?: SnapshotWriter;
  private pending: Buffer[] = [];
  private waiters: Waiter[] = [];
  private flushScheduled = false;

  /** Opens the data directory, feeding every recovered record to `apply` in order (see recover). */
  constructor(
    private readonly dir: string,
    apply: (record: Document) => void,
    private readonly logger?: Logger,
  ) {
    ownDirectory(dir);
    const recovered = recover(dir, apply, logger);
    this.generation = recovered.generation;
    this.snapshotGeneration = recovered.snapshotGeneration;
    this.bytes = recovered.logBytes;
    this.earlierLogBytes = recovered.earlierLogBytes;
    this.fd = this.openLog(logPath(this.dir, this.generation), 'a');
  }

  /** Opens a log file; one it creates is made durable as a name too, before records synced into it are acknowledged. */
  private openLog(file: string, flags: 'a' | 'w'): number {
    const created = flags === 'w' || !fs.existsSync(file);
    const fd = fs.openSync(file, flags, STORE_FILE_MODE);
    if (created) fsyncDirectory(this.dir);
    return fd;
  }

  get logBytes(): number {
    return this.bytes + this.earlierLogBytes;
  }

  get compacting(): boolean {
    return this.compaction !== undefined;
  }

  /** Why writes are refused, if they are: looks whether the log is still in place first (and refuses if not). */
  checkFailure(): Error | undefined {
    if (!this.refusal && !this.closed) this.refuseIfLogGone([]);
    return this.refusal;
  }

  append(records: Document[]): Promise<void> {
    if (this.refusal) return Promise.reject(this.refusal);
    if (records.length === 0) return Promise.resolve();
    for (const record of records) this.pending.push(frame(record));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const waiters = this.waiters;
    const batch = Buffer.concat(batchFrames(this.pending));
    this.pending = [];
    this.waiters = [];
    try {
      writeAll(this.fd, batch);
      this.bytes += batch.length;
    } catch (error) {
      this.cutBack();
      this.refuse(failed('write', error), waiters);
      return;
    }
    try {
      fs.fdatasyncSync(this.fd);
    } catch (error) {
      this.refuse(failed('sync', error), waiters);
      return;
    }
    if (this.refuseIfLogGone(waiters)) return;
    for (const waiter of waiters) waiter.resolve();
  }

  /**
   * Cuts off what a failed write left of its records, so that a start replays none of them. If
   * that fails too, the write's header (log-batches.ts) still keeps its records from being applied.
   */
  private cutBack(): void {
    try {
      fs.ftruncateSync(this.fd, this.bytes);
    } catch (error) {
      this.logger?.warn({ dir: this.dir, err: String(error) }, 'embedded mongo: could not cut a failed write off the operation log; a start drops it');
    }
  }

  /** Refuses writes (and `waiters`) when the log is gone from its path; says whether it did. */
  private refuseIfLogGone(waiters: Waiter[]): boolean {
    const file = logPath(this.dir, this.generation);
    const gone = logGone(this.fd, file);
    if (gone) this.refuse(`lost its operation log: ${file} ${gone} while it ran`, waiters);
    return gone !== undefined;
  }

  private refuse(problem: string, waiters: Waiter[]): void {
    this.refusal ??= new MongoCommandError('InternalError', `the embedded server ${problem}; it refuses writes until it is restarted`, { errorLabels: [WRITES_REFUSED_LABEL] });
    this.logger?.error({ dir: this.dir, err: problem }, `embedded mongo: ${problem}; refusing writes until restarted`);
    for (const waiter of waiters) waiter.reject(this.refusal);
  }

  compact(state: Iterable<Document>): void {
    const writer = this.startCompaction(state);
    if (!writer) return;
    try {
      while (!writer.writeSlice(Infinity));
      writer.syncNow();
      writer.install();
    } catch (error) {
      this.stopCompaction(writer);
      throw error;
    }
    this.compaction = undefined;
    for (const log of this.installed(writer)) fs.rmSync(log, { force: true });
  }

  compactInSteps(state: Iterable<Document>): Promise<void> {
    if (this.compaction) return Promise.resolve();
    let writer: SnapshotWriter | undefined;
    try {
      writer = this.startCompaction(state);
    } catch (error) {
      this.logger?.error({ dir: this.dir, err: String(error) }, 'embedded mongo: could not start a compaction; the log goes on growing');
      return Promise.resolve();
    }
    return writer ? this.writeInSteps(writer) : Promise.resolve();
  }

  /**
   * Writes the snapshot a slice per event-loop turn, then installs it. It stops, the files left as
   * a crash would leave them, when it is abandoned (by close, or by a compaction run at once) or
   * once writes are refused (the state it holds may be ahead of what the log kept).
   */
  private async writeInSteps(writer: SnapshotWriter): Promise<void> {
    const stopped = () => this.compaction !== writer || this.refusal !== undefined;
    try {
      while (!writer.writeSlice(COMPACTION_SLICE_MS)) {
        await new Promise((resolve) => setImmediate(resolve));
        if (stopped()) return this.stopCompaction(writer);
      }
      await writer.syncInBackground();
      if (stopped()) return this.stopCompaction(writer);
      await writer.installInBackground();
      if (stopped()) return this.stopCompaction(writer); // the logs it folds in stay: a start removes them
      // Still under way while the files it replaced go: a next one would replace snapshot.bson.old.
      const removed = () => this.compaction !== writer || this.closed;
      for (const file of [...this.installed(writer), path.join(this.dir, SNAPSHOT_OLD_FILE)]) await removeInSteps(file, removed);
      if (this.compaction === writer) this.compaction = undefined;
    } catch (error) {
      this.stopCompaction(writer);
      this.logger?.error({ dir: this.dir, err: String(error) }, 'embedded mongo: a compaction failed; the log goes on growing until the next one');
    }
  }

  /**
   * The first step of a compaction, the instant its state is taken: the log records written so far
   * are flushed, and later ones go to the next log, the one the new snapshot names. Until that
   * snapshot is in place, the old one and both logs hold everything (recovery.ts replays them in
   * order). Undefined when writes are refused: the state in memory may hold writes the log lacks.
   * A compaction under way is abandoned first, at most one runs: this one covers all it would.
   */
  private startCompaction(state: Iterable<Document>): SnapshotWriter | undefined {
    if (this.compaction) this.stopCompaction(this.compaction);
    if (this.pending.length > 0) this.flush();
    if (this.checkFailure()) return undefined;
    const next = this.generation + 1;
    const nextFd = this.openLog(logPath(this.dir, next), 'w'); // if this fails, the log in use goes on: nothing names the next
    fs.closeSync(this.fd);
    this.fd = nextFd;
    this.generation = next;
    this.earlierLogBytes += this.bytes;
    this.bytes = 0;
    this.compaction = new SnapshotWriter(this.dir, next, state);
    return this.compaction;
  }

  /** Gives up a compaction (if still the one under way): its temporary file goes, the logs stay, all replayed at the next start. */
  private stopCompaction(writer: SnapshotWriter): void {
    if (this.compaction !== writer) return;
    this.compaction = undefined;
    writer.discard();
  }

  /** With its snapshot in place, the logs before the one it names are folded in it: returns them, for removal. */
  private installed(writer: SnapshotWriter): string[] {
    const folded: string[] = [];
    for (let generation = this.snapshotGeneration; generation < writer.generation; generation++) folded.push(logPath(this.dir, generation));
    this.snapshotGeneration = writer.generation;
    this.earlierLogBytes = 0;
    return folded;
  }

  close(): void {
    if (this.compaction) this.stopCompaction(this.compaction);
    if (this.pending.length > 0) this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

const failed = (what: 'write' | 'sync', error: unknown): string => `could not ${what} its operation log (${error instanceof Error ? error.message : String(error)})`;
