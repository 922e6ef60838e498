/**
 * Where this process runs, to tell whether a pid recorded by another process (a lease's, a lock's
 * holder) still means that process: only on the same machine since its boot and in the same pid
 * namespace. Host names cannot tell it: machines cloned from one image and containers share them,
 * and every machine's first pid namespace has the same number.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';

export interface ProcessPlace {
  host: string;
  pid: number;
  bootId?: string;
  pidNamespace?: string;
}

const readOr = (read: () => string): string | undefined => {
  try {
    return read().trim();
  } catch {
    return undefined;
  }
};

/** This machine's boot and pid namespace (`pid:[inode]`), where /proc tells them (Linux); else nothing. */
const HERE: { bootId?: string; pidNamespace?: string } = (() => {
  const bootId = readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
  const pidNamespace = readOr(() => readlinkSync('/proc/self/ns/pid'));
  return bootId && pidNamespace ? { bootId, pidNamespace } : {};
})();

/** This process, as another process records it. */
export const thisProcess = (): ProcessPlace => ({ host: os.hostname(), pid: process.pid, ...HERE });

/** Whether the recorded process ran where this one runs and is gone: then what it held is free at once. */
export function isGoneFromHere(place: Partial<ProcessPlace>): boolean {
  const here = HERE.bootId !== undefined && place.host === os.hostname() && place.bootId === HERE.bootId && place.pidNamespace === HERE.pidNamespace;
  return here && typeof place.pid === 'number' && !processAlive(place.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
