// Opening a data directory: replays the snapshot and then the operation log that follows it, and
// leaves that log ready for appending.
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from 'bson';
import { DataDirDamagedError } from './data-dir-damaged';
import { readFrames } from './frames';
import type { Logger } from './server';

export const SNAPSHOT_FILE = 'snapshot.bson';

export const logPath = (dir: string, generation: number): string => path.join(dir, `oplog-${generation}.log`);

export interface Recovered {
  /** The snapshot's generation: the log that follows it is `oplog-<generation>.log`. */
  generation: number;
  /** Bytes of valid records in that log. */
  logBytes: number;
}

/**
 * Feeds every recovered record (snapshot first, then log) to `apply` in order. A torn tail of the
 * log is cut off so new records follow valid ones.
 */
export function recover(dir: string, apply: (record: Document) => void, logger?: Logger): Recovered {
  const generation = replaySnapshot(path.join(dir, SNAPSHOT_FILE), apply);
  let logBytes = 0;
  const log = logPath(dir, generation);
  if (fs.existsSync(log)) {
    const bytes = fs.readFileSync(log);
    logBytes = readFrames(bytes, apply);
    if (logBytes < bytes.length) {
      logger?.warn({ logPath: log, droppedBytes: bytes.length - logBytes }, 'embedded mongo: ignoring torn tail of operation log');
      fs.truncateSync(log, logBytes);
    }
  }
  for (const name of fs.readdirSync(dir)) {
    if (/^oplog-\d+\.log$/.test(name) && name !== path.basename(log)) fs.rmSync(path.join(dir, name));
  }
  return { generation, logBytes };
}

/**
 * Feeds the snapshot's records to `apply`; returns its generation (0 without a snapshot). A
 * snapshot is renamed into place only once written whole, so one that is not whole was damaged
 * after: it is refused, never read in part.
 */
function replaySnapshot(file: string, apply: (record: Document) => void): number {
  if (!fs.existsSync(file)) return 0;
  const bytes = fs.readFileSync(file);
  const damaged = (problem: string) => new DataDirDamagedError(file, `is damaged: ${problem} (a snapshot is only ever renamed into place whole: no crash leaves it so)`);
  let meta: Document | undefined;
  let last: Document | undefined;
  const valid = readFrames(bytes, (record) => {
    if (meta === undefined) {
      if (record.op !== 'meta') throw damaged('it does not begin with its header record');
      meta = record;
    } else if (record.op !== 'end') {
      apply(record);
    }
    last = record;
  });
  if (valid < bytes.length) throw damaged(`its records are intact only up to byte ${valid} of ${bytes.length}`);
  if (meta === undefined) throw damaged('it does not begin with its header record');
  if (meta.sealed === true && last?.op !== 'end') throw damaged('it is cut short: its closing record is missing');
  return meta.gen as number;
}
