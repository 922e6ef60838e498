/**
 * Lowers the calling thread's CPU priority, so that on a busy machine the threads serving chat get
 * the cores first. Linux only (there `setpriority` takes a thread's id, found through
 * /proc/thread-self); elsewhere nothing changes and it returns false.
 */
import { setPriority } from 'node:os';
import { currentThreadId } from './thread-id';

export function lowerThreadPriority(niceness: number): boolean {
  const threadId = currentThreadId();
  if (threadId === undefined) return false;
  try {
    setPriority(threadId, niceness);
    return true;
  } catch {
    return false; // a sandbox that forbids it: run at normal priority
  }
}
