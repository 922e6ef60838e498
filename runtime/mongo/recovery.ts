// Opening a data directory: replays the snapshot and then the operation log that follows it, and
// leaves that log ready for appending.
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from 'bson';
import { DataDirDamagedError } from './data-dir-damaged';
import { STORE_FILE_MODE, fsyncDirectory } from './durable-files';
import { FrameFile, READ_CHUNK } from './frame-file';
import { BatchReplay } from './log-batches';
import type { Logger } from './server';

export const SNAPSHOT_FILE = 'snapshot.bson';
/** Where a compaction writes the next snapshot before renaming it into place: never the live one. */
export const SNAPSHOT_TMP_FILE = `${SNAPSHOT_FILE}.tmp`;
/** Another name of the snapshot a compaction in the background replaces, removed gradually after: the rename over it then frees nothing. */
export const SNAPSHOT_OLD_FILE = `${SNAPSHOT_FILE}.old`;

export const logPath = (dir: string, generation: number): string => path.join(dir, `oplog-${generation}.log`);

export interface Recovered {
  /** The snapshot's generation: the logs that follow it are `oplog-<snapshotGeneration>.log` and any after it. */
  snapshotGeneration: number;
  /** The last of those logs, the one to append to. */
  generation: number;
  /** Bytes of valid records in that log. */
  logBytes: number;
  /** Bytes in the logs before it that follow the snapshot. */
  earlierLogBytes: number;
}

/**
 * Feeds every recovered record (snapshot first, then its logs in order) to `apply`. A torn tail of
 * the last log written is cut off so new records follow valid ones; damage anywhere else refuses
 * the start. Files are read `chunkBytes` at a time.
 */
export function recover(dir: string, apply: (record: Document) => void, logger?: Logger, chunkBytes = READ_CHUNK): Recovered {
  const snapshot = path.join(dir, SNAPSHOT_FILE);
  const snapshotGeneration = withFrameFile(snapshot, chunkBytes, (file) => replaySnapshot(snapshot, file, apply)) ?? 0;
  const logs = logGenerations(dir);
  // A compaction starts the next log and then writes its snapshot: the logs after a snapshot run
  // on from the one it names, without a gap (a compaction that failed leaves one more).
  const following = logs.filter((logGeneration) => logGeneration >= snapshotGeneration).sort((a, b) => a - b);
  following.forEach((logGeneration, i) => {
    if (logGeneration === snapshotGeneration + i) return;
    const log = logPath(dir, logGeneration);
    if (i > 0) throw new DataDirDamagedError(logPath(dir, logGeneration - 1), `is missing, yet ${log} continues it`);
    throw new DataDirDamagedError(snapshot, snapshotGeneration === 0 ? `is missing, yet ${log} continues it` : `is older (generation ${snapshotGeneration}) than the one ${log} continues`);
  });
  let generation = snapshotGeneration;
  let logBytes = 0;
  let earlierLogBytes = 0;
  for (const [i, logGeneration] of following.entries()) {
    // Each log is synced before the next one is started, so only the last one written can be torn: the last with anything in it.
    const lastWritten = following.slice(i + 1).every((later) => fs.statSync(logPath(dir, later)).size === 0);
    earlierLogBytes += logBytes;
    const log = logPath(dir, logGeneration);
    logBytes = withFrameFile(log, chunkBytes, (file) => replayLog(log, file, apply, lastWritten, logger)) ?? 0;
    generation = logGeneration;
  }
  // Logs of earlier snapshots: a compaction that ended before removing its old logs leaves them.
  for (const logGeneration of logs) if (logGeneration < snapshotGeneration) fs.rmSync(logPath(dir, logGeneration));
  fs.rmSync(path.join(dir, SNAPSHOT_TMP_FILE), { force: true }); // left by a compaction that failed or was cut short
  fs.rmSync(path.join(dir, SNAPSHOT_OLD_FILE), { force: true }); // left by one cut short after its snapshot was in place
  return { snapshotGeneration, generation, logBytes, earlierLogBytes };
}

function logGenerations(dir: string): number[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const match = /^oplog-(\d+)\.log$/.exec(name);
    return match ? [Number(match[1])] : [];
  });
}

/** Runs `read` on the file opened for reading; undefined when there is no such file. */
function withFrameFile<T>(name: string, chunkBytes: number, read: (file: FrameFile) => T): T | undefined {
  let fd: number;
  try {
    fd = fs.openSync(name, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return read(new FrameFile(fd, chunkBytes));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Feeds the log's records to `apply`, a write's records all or none (log-batches.ts); returns the
 * length of its valid part. Only the last log written may end torn. The log grows by
 * writes each synced before the next one starts, so a crash can tear only the last one: bytes
 * that are no intact record count as such a torn tail when they are a record cut short by the end
 * of the file (what follows its header is its own data, which may hold anything, frames too: an
 * upload can), or when no intact record follows them. (A byte changed in that last write looks
 * the same: the tail's bytes are kept, to be looked at.) The intact records of a write that lacks
 * some of its records belong to that torn tail.
 */
function replayLog(name: string, file: FrameFile, apply: (record: Document) => void, lastWritten: boolean, logger?: Logger): number {
  const batches = new BatchReplay(apply);
  const validFrames = file.readFrames((record, offset) => batches.take(record, offset));
  const valid = batches.end(validFrames);
  if (valid === file.size) return valid;
  if (!lastWritten) {
    throw new DataDirDamagedError(name, `is damaged at byte ${valid} of ${file.size}, and a later log follows it: a crash tears only the last log's last write (each log is synced before the next one starts)`);
  }
  const next = file.isCutShort(validFrames) ? undefined : file.nextFrame(validFrames + 1);
  if (next !== undefined) {
    throw new DataDirDamagedError(
      name,
      `is damaged at byte ${validFrames} of ${file.size}, and intact records follow it from byte ${next}: a crash tears only the log's last write (each is synced before the next one), so these were acknowledged`,
    );
  }
  const kept = `${name}.torn-${new Date().toISOString().replace(/:/g, '-')}`;
  keepCopy(kept, file, valid);
  logger?.warn({ logPath: name, droppedBytes: file.size - valid, keptIn: kept }, 'embedded mongo: cutting the torn tail off the operation log (a write a crash cut short, never acknowledged); its bytes are kept next to it');
  fs.truncateSync(name, valid);
  return valid;
}

/** Writes the bytes of `file` from `offset` on to a new file, durably, name included. */
function keepCopy(name: string, file: FrameFile, offset: number): void {
  const fd = fs.openSync(name, 'wx', STORE_FILE_MODE);
  try {
    file.copyTo(fd, offset);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDirectory(path.dirname(name));
}

/**
 * Feeds the snapshot's records to `apply`; returns its generation. A
 * snapshot is renamed into place only once written whole, so one that is not whole was damaged
 * after: it is refused, never read in part.
 */
function replaySnapshot(name: string, file: FrameFile, apply: (record: Document) => void): number {
  const damaged = (problem: string) => new DataDirDamagedError(name, `is damaged: ${problem} (a snapshot is only ever renamed into place whole: no crash leaves it so)`);
  let meta: Document | undefined;
  let last: Document | undefined;
  const valid = file.readFrames((record) => {
    // The header comes first; without one, nothing is replayed (and the snapshot is refused below).
    if (last === undefined) meta = record.op === 'meta' ? record : undefined;
    else if (meta && record.op !== 'end') apply(record);
    last = record;
  });
  if (valid < file.size) throw damaged(`its records are intact only up to byte ${valid} of ${file.size}`);
  if (meta === undefined) throw damaged('it does not begin with its header record');
  if (meta.sealed === true && last?.op !== 'end') throw damaged('it is cut short: its closing record is missing');
  return meta.gen as number;
}
