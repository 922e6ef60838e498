// Durability for a data directory: an append-only operation log written and synced to disk
// (group commit: every record queued in the same event-loop turn goes out in one write and one
// sync) before writes are acknowledged, plus a snapshot that compaction rewrites so that restarts
// replay only a short log. The sync blocks this server's thread, as the write does: an
// asynchronous one, which would let requests be read meanwhile, measured slower on a fast disk
// (its round trip through the thread pool is longer than the sync).
//
// Files: `snapshot.bson` (records: a {op:'meta', gen, sealed: true} header, the full state, then
// {op:'end'}, by which a snapshot cut short at a record's boundary shows too) and
// `oplog-<gen>.log` (records since that snapshot), records framed as frames.ts says; recovery.ts
// reads them back at start.
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from 'bson';
import { STORE_FILE_MODE, fsyncDirectory, ownDirectory, writeAll } from './durable-files';
import { MongoCommandError, WRITES_REFUSED_LABEL } from './errors';
import { frame } from './frames';
import { logGone } from './log-in-place';
import { logPath, recover, SNAPSHOT_FILE, SNAPSHOT_TMP_FILE } from './recovery';
import type { Logger } from './server';

const WRITE_CHUNK = 1 << 20;

export interface Journal {
  /**
   * Resolves once the records are written to the log and synced to disk, so a power loss keeps
   * them too (immediately when nothing is kept on disk).
   * Once a write to the log has failed, this and every later append reject: see FileJournal.
   */
  append(records: Document[]): Promise<void>;
  /** Bytes in the operation log since the last snapshot. */
  readonly logBytes: number;
  /**
   * Why writes are refused, once a write to the log has failed or the log is gone from its path
   * (until a restart). It looks at the log afresh, so a health check sees it gone at once.
   */
  checkFailure(): Error | undefined;
  /** Rewrites the snapshot from `state` (the full current state as records) and starts a new log. */
  compact(state: Iterable<Document>): void;
  close(): void;
}

export class MemoryJournal implements Journal {
  readonly logBytes = 0;
  append(): Promise<void> {
    return Promise.resolve();
  }
  checkFailure(): undefined {
    return undefined;
  }
  compact(): void {}
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
  private generation: number;
  private bytes: number;
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
    this.bytes = recovered.logBytes;
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
    return this.bytes;
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
    const batch = Buffer.concat(this.pending);
    this.pending = [];
    this.waiters = [];
    try {
      writeAll(this.fd, batch);
      this.bytes += batch.length;
    } catch (error) {
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
    if (this.pending.length > 0) this.flush();
    if (this.checkFailure()) return; // the state in memory may hold writes that were refused: keep them out of a snapshot
    const next = this.generation + 1;
    const tmpPath = path.join(this.dir, SNAPSHOT_TMP_FILE);
    const fd = fs.openSync(tmpPath, 'w', STORE_FILE_MODE);
    try {
      let chunk: Buffer[] = [frame({ op: 'meta', gen: next, sealed: true })];
      let chunkBytes = 0;
      for (const record of state) {
        const framed = frame(record);
        chunk.push(framed);
        chunkBytes += framed.length;
        if (chunkBytes >= WRITE_CHUNK) {
          writeAll(fd, Buffer.concat(chunk));
          chunk = [];
          chunkBytes = 0;
        }
      }
      chunk.push(frame({ op: 'end' }));
      writeAll(fd, Buffer.concat(chunk));
      fs.fsyncSync(fd);
    } catch (error) {
      fs.rmSync(tmpPath, { force: true }); // half a snapshot would hold room that a full disk lacks
      throw error;
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmpPath, path.join(this.dir, SNAPSHOT_FILE));
    fsyncDirectory(this.dir);
    let nextFd: number;
    try {
      nextFd = this.openLog(logPath(this.dir, next), 'w');
    } catch (error) {
      // The snapshot names the new log now: a record written to the old one would be dropped at the next start.
      this.refuse(failed('write', error), []);
      throw error;
    }
    fs.closeSync(this.fd);
    this.fd = nextFd;
    fs.rmSync(logPath(this.dir, this.generation), { force: true });
    this.generation = next;
    this.bytes = 0;
  }

  close(): void {
    if (this.pending.length > 0) this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

const failed = (what: 'write' | 'sync', error: unknown): string => `could not ${what} its operation log (${error instanceof Error ? error.message : String(error)})`;
