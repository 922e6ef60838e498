/**
 * Lowers the calling thread's CPU priority, so that on a busy machine the threads serving chat get
 * the cores first. Linux only (there `setpriority` takes a thread's id, found through
 * /proc/thread-self); elsewhere nothing changes and it returns false.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export function lowerThreadPriority(niceness: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(threadId, niceness);
    return true;
  } catch {
    return false; // no /proc, or a sandbox that forbids it: run at normal priority
  }
}
