/**
 * CPU time a thread of this process has used, read by another thread: Linux only, through
 * /proc/self/task/<id>/stat (the id from thread-id.ts). A thread can measure itself
 * (`process.threadCpuUsage`), but not one that is busy and cannot answer: that is what this is for.
 */
import { readFileSync } from 'node:fs';

/** Linux gives these times in USER_HZ ticks, 100 a second on every architecture Node runs on (`getconf CLK_TCK`). */
const MS_PER_TICK = 10;

/** A stat line's user + system time (fields 14 and 15) in ms; undefined if the line is not one. */
export function statCpuMs(stat: string): number | undefined {
  // Field 2, the thread's name, is in parentheses and may hold spaces and ')': count from the last ')'.
  const nameEnd = stat.lastIndexOf(')');
  if (nameEnd < 0) return undefined;
  const fields = stat.slice(nameEnd + 2).split(' ');
  const [utime, stime] = [Number(fields[11]), Number(fields[12])]; // fields[0] is field 3
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) return undefined;
  return (utime + stime) * MS_PER_TICK;
}

/**
 * The thread's CPU time so far in ms, in steps of 10 ms; undefined where it cannot be read (not
 * Linux, no /proc, a thread that has gone). A synchronous read of a small file the kernel writes on
 * demand: tens of microseconds, no disk.
 */
export function threadCpuMs(threadId: number): number | undefined {
  if (process.platform !== 'linux' || !(threadId > 0)) return undefined;
  try {
    return statCpuMs(readFileSync(`/proc/self/task/${threadId}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}
