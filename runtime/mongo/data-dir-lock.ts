// One embedded server per data directory: two would each replay the log and append to it, each
// blind to the other's writes. A server holds `server.lock` in the directory: created exclusively,
// naming its process, and touched every couple of seconds while it runs. Another server on this
// machine knows from the process itself whether it runs (refused) or not (taken at once), however
// long the holder last went without touching it (a long replay, a stopped process). One elsewhere
// waits to see whether it is touched: if so it refuses to start, naming the holder; if not (its
// holder died) it takes it over.
import fs from 'node:fs';
import path from 'node:path';
import { ownDirectory } from './durable-files';
import { randomUUID } from 'node:crypto';
import { processState, thisProcess, type ProcessPlace } from '../process-identity';

const LOCK_FILE = 'server.lock';
const TOUCH_MS = 2_000;
const DEFAULT_STALE_MS = 10_000;

export class DataDirInUseError extends Error {
  constructor(dir: string, holder: Partial<ProcessPlace> | undefined) {
    const who = holder?.pid !== undefined ? `pid ${holder.pid} on ${holder.host ?? 'an unknown host'}` : 'another process';
    super(`The data directory ${dir} is in use by ${who}: one server per data directory (give this one another DATA_DIR, or stop the other)`);
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  release(): void;
}

/** Takes the directory's lock, waiting up to `staleMs` to see whether a lock there is still held. */
export async function lockDataDir(dir: string, { staleMs = DEFAULT_STALE_MS } = {}): Promise<DataDirLock> {
  ownDirectory(dir);
  const file = path.join(dir, LOCK_FILE);
  // The lock's own id too: two holders in one process (one taken over from the other) tell their files apart.
  const mine = JSON.stringify({ ...thisProcess(), lock: randomUUID() });
  for (;;) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const held = readHolder(file);
    const state = held ? processState(held) : 'unknown';
    if (state === 'alive') throw new DataDirInUseError(dir, held);
    if (state === 'gone') {
      fs.rmSync(file, { force: true });
      continue;
    }
    const touched = touchedAt(file);
    await new Promise((resolve) => setTimeout(resolve, staleMs));
    const now = touchedAt(file);
    if (now === 0) continue; // given up meanwhile: free
    if (now !== touched) throw new DataDirInUseError(dir, held);
    // Not touched for all that time: its holder is gone.
    fs.rmSync(file, { force: true });
  }
  const touch = setInterval(() => {
    const now = new Date();
    try {
      fs.utimesSync(file, now, now);
    } catch {
      // A directory gone or read-only: the journal refuses writes, as its writes fail or its next write or health check finds its log gone (log-in-place.ts).
    }
  }, TOUCH_MS);
  touch.unref();
  return {
    release: () => {
      clearInterval(touch);
      if (readHolderText(file) === mine) fs.rmSync(file, { force: true });
    },
  };
}

function readHolderText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Who holds the lock, when its file says (a holder that died while writing it leaves it unreadable). */
function readHolder(file: string): Partial<ProcessPlace> | undefined {
  try {
    return JSON.parse(readHolderText(file) ?? '') as Partial<ProcessPlace>;
  } catch {
    return undefined;
  }
}

/** When the lock was last touched (0 when it is gone). */
function touchedAt(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
