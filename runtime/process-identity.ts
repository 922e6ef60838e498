/**
 * Where this process runs, to tell whether a process another one recorded (a lease's, a lock's
 * holder) still runs: only on the same machine since its boot and in the same pid namespace does
 * its pid mean that process, and only while that pid's process started when it did (pids are
 * reused). Host names cannot tell it: machines cloned from one image and containers share them,
 * and every machine's first pid namespace has the same number.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

export interface ProcessPlace {
  host: string;
  pid: number;
  bootId?: string;
  pidNamespace?: string;
  /** When the process started, in clock ticks since boot (/proc/<pid>/stat), telling a reused pid apart. */
  startTicks?: number;
}

const readOr = (read: () => string): string | undefined => {
  try {
    return read().trim();
  } catch {
    return undefined;
  }
};

/** A process's state letter and start time, from /proc/<pid>/stat; undefined when there is no such process. */
function procStat(pid: number | 'self'): { state: string; startTicks: number } | undefined {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (!stat) return undefined;
  // The name (field 2) is in parentheses and may hold anything: the fields after the last ')' start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTicks: Number(fields[19]) };
}

/** This machine's boot and pid namespace (`pid:[inode]`), and this process's start, where /proc tells them (Linux); else nothing. */
const HERE: Pick<ProcessPlace, 'bootId' | 'pidNamespace' | 'startTicks'> = (() => {
  const bootId = readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
  const pidNamespace = readOr(() => readlinkSync('/proc/self/ns/pid'));
  const startTicks = procStat('self')?.startTicks;
  return bootId && pidNamespace ? { bootId, pidNamespace, ...(startTicks === undefined ? {} : { startTicks }) } : {};
})();

/** This process, as another process records it. */
export const thisProcess = (): ProcessPlace => ({ host: os.hostname(), pid: process.pid, ...HERE });

/**
 * Whether the recorded process runs: `gone` or `alive` when it ran where this one runs (a zombie,
 * dead but not yet collected by its parent, is gone), `unknown` when it ran elsewhere or /proc
 * cannot tell.
 */
export function processState(place: Partial<ProcessPlace>): 'gone' | 'alive' | 'unknown' {
  const here = HERE.bootId !== undefined && place.host === os.hostname() && place.bootId === HERE.bootId && place.pidNamespace === HERE.pidNamespace;
  if (!here || typeof place.pid !== 'number') return 'unknown';
  const stat = procStat(place.pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return 'gone';
  return place.startTicks !== undefined && stat.startTicks !== place.startTicks ? 'gone' : 'alive';
}
