/**
 * The kernel's id of the calling thread (not the process's id, nor a worker's `threadId`), as Linux
 * calls take it (`setpriority`) and /proc lists it (`/proc/self/task/<id>`). Undefined where there
 * is no /proc/thread-self: not Linux, or a sandbox that hides it.
 */
import { readlinkSync } from 'node:fs';

export function currentThreadId(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return undefined;
  }
}
