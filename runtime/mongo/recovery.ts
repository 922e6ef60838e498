// Opening a data directory: replays the snapshot and then the operation log that follows it, and
// leaves that log ready for appending.
import fs from 'node:fs';
import path from 'node:path';
import type { Document } from 'bson';
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
  let generation = 0;
  let logBytes = 0;
  const snapshotPath = path.join(dir, SNAPSHOT_FILE);
  if (fs.existsSync(snapshotPath)) {
    readFrames(fs.readFileSync(snapshotPath), (record) => {
      if (record.op === 'meta') generation = record.gen as number;
      else apply(record);
    });
  }
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
