// Writing files so that they survive a power loss: whole writes, and directory syncs that make
// a created or renamed name durable; keeping them to this user; removing large ones gradually.
import fs from 'node:fs';
import path from 'node:path';

/** Files the store creates: its data holds every website's keys and every conversation. */
export const STORE_FILE_MODE = 0o600;

/**
 * Creates the store's directory, or takes one made before, as this user's only (0700): whatever
 * the files' own modes (an earlier version's are 0644), nobody else on the machine can read them.
 * A directory another user owns (a volume an image made) keeps the modes its owner chose: only the
 * owner may change them, and refusing to start there would break a setup that works.
 */
export function ownDirectory(dir: string): void {
  makeDirectory(dir, 0o700);
  try {
    fs.chmodSync(dir, 0o700);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

/**
 * `mkdir -p`, but failing with what stops it: Node's recursive mkdir reports ENOENT for a folder it
 * cannot make under one that exists but takes no writes (a read-only file system, EROFS; a folder
 * of another user's, EACCES), which reads as a missing path. The folder made under the nearest
 * existing one, alone, is refused with the real reason.
 */
function makeDirectory(dir: string, mode: number): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    let first = path.resolve(dir);
    while (!fs.existsSync(path.dirname(first)) && path.dirname(first) !== first) first = path.dirname(first);
    fs.mkdirSync(first, { mode }); // throws what refuses it; made, the rest is tried again
    fs.mkdirSync(dir, { recursive: true, mode });
  }
}

export function writeAll(fd: number, buffer: Buffer): void {
  for (let written = 0; written < buffer.length; ) written += fs.writeSync(fd, buffer, written);
}

export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** How much of a file removeInSteps frees per event-loop turn. */
const REMOVE_STEP = 16 << 20;

/**
 * Removes a file, shortening it a step per event-loop turn first: a large file's blocks are all
 * freed at once otherwise, holding the thread up (2.5-10 ms for 60 MB measured). Gives up, leaving
 * it, once `stopped()`.
 */
export async function removeInSteps(file: string, stopped: () => boolean): Promise<void> {
  let size = fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  while (size > REMOVE_STEP) {
    size -= REMOVE_STEP;
    fs.truncateSync(file, size);
    await new Promise((resolve) => setImmediate(resolve));
    if (stopped()) return;
  }
  fs.rmSync(file, { force: true });
}
