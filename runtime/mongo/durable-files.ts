// Writing files so that they survive a power loss: whole writes, and directory syncs that make
// a created or renamed name durable.
import fs from 'node:fs';

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
