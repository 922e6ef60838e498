// Writing the next snapshot: framed into its temporary file a slice at a time, synced, then renamed
// over the live one. A compaction in the background (persistence.ts) gives each slice a few
// milliseconds of one event-loop turn, so commands are answered between slices.
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from 'bson';
import { STORE_FILE_MODE, fsyncDirectory, writeAll } from './durable-files';
import { frame } from './frames';
import { SNAPSHOT_FILE, SNAPSHOT_OLD_FILE, SNAPSHOT_TMP_FILE } from './recovery';

const WRITE_CHUNK = 1 << 20;

const syncInPool = (fd: number) => new Promise<void>((resolve, reject) => fs.fsync(fd, (error) => (error ? reject(error) : resolve())));

export class SnapshotWriter {
  private readonly tmpPath: string;
  private readonly records: Iterator<Document>;
  private fd?: number;
  /** An asynchronous sync of the file is under way: the descriptor is closed once it returns. */
  private syncing = false;
  private discarded = false;

  /** Starts the temporary file of a snapshot of `state` whose log is `oplog-<generation>.log`. */
  constructor(
    private readonly dir: string,
    readonly generation: number,
    state: Iterable<Document>,
  ) {
    this.tmpPath = path.join(dir, SNAPSHOT_TMP_FILE);
    this.records = state[Symbol.iterator]();
    this.fd = fs.openSync(this.tmpPath, 'w', STORE_FILE_MODE);
    try {
      writeAll(this.fd, frame({ op: 'meta', gen: generation, sealed: true }));
    } catch (error) {
      this.discard();
      throw error;
    }
  }

  /**
   * Frames records until `budgetMs` has passed or a chunk's worth is framed, and writes them; true
   * once every record is written, the closing one too.
   */
  writeSlice(budgetMs: number): boolean {
    const until = performance.now() + budgetMs;
    const chunk: Buffer[] = [];
    let bytes = 0;
    let done = false;
    for (;;) {
      const next = this.records.next();
      if (next.done) {
        chunk.push(frame({ op: 'end' }));
        done = true;
        break;
      }
      const framed = frame(next.value);
      chunk.push(framed);
      bytes += framed.length;
      if (bytes >= WRITE_CHUNK || performance.now() >= until) break;
    }
    writeAll(this.fd!, Buffer.concat(chunk));
    return done;
  }

  /** Syncs the written file to disk, on this thread. */
  syncNow(): void {
    fs.fsyncSync(this.fd!);
  }

  /** Syncs the written file to disk in the thread pool: a large file's sync would hold this thread up. */
  async syncInBackground(): Promise<void> {
    this.syncing = true;
    try {
      await syncInPool(this.fd!);
    } finally {
      this.syncing = false;
      if (this.discarded) this.closeFile();
    }
  }

  /** Renames the synced file over the live snapshot, durably: from here on a start reads it. */
  install(): void {
    this.closeFile();
    fs.renameSync(this.tmpPath, path.join(this.dir, SNAPSHOT_FILE));
    fsyncDirectory(this.dir);
  }

  /**
   * The same, for a compaction in the background: the snapshot it replaces keeps another name
   * (snapshot.bson.old, for the caller to remove gradually: a rename that frees its blocks took
   * 5-10 ms for 60 MB), and the directory is synced in the thread pool. Until that sync returns,
   * a crash may leave the old snapshot in place: the logs it needs are still there, removed only
   * after.
   */
  async installInBackground(): Promise<void> {
    this.closeFile();
    const live = path.join(this.dir, SNAPSHOT_FILE);
    const old = path.join(this.dir, SNAPSHOT_OLD_FILE);
    fs.rmSync(old, { force: true });
    try {
      fs.linkSync(live, old);
    } catch {
      // No snapshot yet, or a file system without hard links: the rename frees the old one itself.
    }
    fs.renameSync(this.tmpPath, live);
    const fd = fs.openSync(this.dir, 'r');
    try {
      await syncInPool(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Gives the snapshot up: removes its temporary file, which would take room a full disk lacks. */
  discard(): void {
    this.discarded = true;
    if (!this.syncing) this.closeFile();
    fs.rmSync(this.tmpPath, { force: true });
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
