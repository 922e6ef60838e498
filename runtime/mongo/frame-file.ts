// Reading a file of frames (frames.ts) a window at a time: a snapshot or a log may be larger than
// one read can return (readFileSync refuses files over 2 GiB), and need not be held whole at once.
import fs from 'node:fs';
import type { Document } from 'bson';
import { writeAll } from './durable-files';
import { FRAME_HEAD_CHECKED, FRAME_HEADER, claimedEnd, frameEnd, readFrames } from './frames';

/** Bytes read at once: enough that a read costs its bytes rather than its call. */
export const READ_CHUNK = 16 << 20;

export class FrameFile {
  readonly size: number;

  constructor(
    private readonly fd: number,
    private readonly chunkBytes = READ_CHUNK,
  ) {
    if (chunkBytes < FRAME_HEAD_CHECKED) throw new RangeError(`a read chunk holds at least ${FRAME_HEAD_CHECKED} bytes`);
    this.size = fs.fstatSync(fd).size;
  }

  /**
   * Up to `length` bytes from `offset` (fewer at the end of the file), in a buffer of their own:
   * records decoded from it keep references into it (their binary data), so none is reused.
   */
  read(offset: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - offset)));
    for (let got = 0; got < buffer.length; ) {
      const read = fs.readSync(this.fd, buffer, got, buffer.length - got, offset + got);
      if (read === 0) throw new Error(`the file ended at byte ${offset + got} while read, short of the ${this.size} it had`);
      got += read;
    }
    return buffer;
  }

  /** Decodes records (with the offset each frame starts at) until the end or the first torn/corrupt frame; returns the length of the valid prefix. */
  readFrames(onRecord: (record: Document, offset: number) => void): number {
    let start = 0;
    let length = this.chunkBytes;
    while (start < this.size) {
      const window = this.read(start, length);
      const valid = readFrames(window, (record, offset) => onRecord(record, start + offset));
      if (valid > 0) {
        start += valid; // the next window starts at the frame this one cut, if it did
        length = this.chunkBytes;
        continue;
      }
      // No intact frame at the window's start: one longer than a window is read again whole; any other ends the valid part.
      const end = window.length >= FRAME_HEADER ? FRAME_HEADER + window.readUInt32LE(0) : 0;
      if (start + window.length === this.size || end <= window.length || start + end > this.size) return start;
      length = end;
    }
    return start;
  }

  /**
   * Whether the frame at `offset` is a record cut short by the end of the file: its header and the
   * start of its document agree on a length that runs past the end. The bytes after its header are
   * its own then (a file's data may hold anything, frames included), not records that follow it.
   */
  isCutShort(offset: number): boolean {
    if (offset + FRAME_HEAD_CHECKED > this.size) return true; // not even the header and the document's length
    const end = claimedEnd(this.read(offset, FRAME_HEAD_CHECKED), 0);
    return end !== undefined && offset + end > this.size;
  }

  /**
   * Where the first intact frame at or after `from` starts, if any. Nothing marks where frames
   * start, so this tries every byte: for the damaged part of a file only.
   */
  nextFrame(from: number): number | undefined {
    for (let start = from; start + FRAME_HEAD_CHECKED <= this.size; ) {
      const window = this.read(start, this.chunkBytes);
      // The offsets whose checked head lies whole in this window; the next window starts after them.
      const last = window.length - FRAME_HEAD_CHECKED;
      for (let at = 0; at <= last; at++) {
        const end = claimedEnd(window, at);
        if (end === undefined || start + end > this.size) continue;
        const whole = end <= window.length ? window.subarray(at, end) : this.read(start + at, end - at);
        if (frameEnd(whole, 0) !== undefined) return start + at;
      }
      start += last + 1;
    }
    return undefined;
  }

  /** Copies the bytes from `offset` to the end into `fd`, a window at a time. */
  copyTo(fd: number, offset: number): void {
    for (let at = offset; at < this.size; at += this.chunkBytes) {
      writeAll(fd, this.read(at, this.chunkBytes));
    }
  }
}
