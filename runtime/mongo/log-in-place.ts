// Whether the operation log the journal has open is still the file at its path. Deleted (alone or
// with its directory) or moved away, it still takes writes through the open descriptor, and syncs
// them, yet the next start reads the path: whatever was acknowledged into it would be lost.
import fs from 'node:fs';

/** What became of the open log `fd`, meant to be `file`, when it is no longer that file. */
export function logGone(fd: number, file: string): string | undefined {
  const open = fs.fstatSync(fd);
  if (open.nlink === 0) return 'was deleted';
  let named: fs.Stats;
  try {
    named = fs.statSync(file);
  } catch (error) {
    return `is no longer there (${error instanceof Error ? error.message : String(error)})`;
  }
  return named.ino === open.ino && named.dev === open.dev ? undefined : 'was replaced by another file';
}
