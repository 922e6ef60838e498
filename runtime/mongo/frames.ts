// How the snapshot and the operation log hold records: each one framed as
// [u32 payload length][u32 crc32 of payload][BSON payload].
import { crc32 } from 'node:zlib';
import { BSON, type Document } from 'bson';

const FRAME_HEADER = 8;
const DESERIALIZE_OPTIONS = { promoteBuffers: false, validation: { utf8: false } } as const;

export function frame(record: Document): Buffer {
  const payload = BSON.serialize(record);
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, FRAME_HEADER);
  return out;
}

/** Decodes records until the end or the first torn/corrupt frame; returns the length of the valid prefix. */
export function readFrames(buffer: Buffer, onRecord: (record: Document) => void): number {
  let offset = 0;
  for (let end = frameEnd(buffer, offset); end !== undefined; offset = end, end = frameEnd(buffer, offset)) {
    onRecord(BSON.deserialize(buffer.subarray(offset + FRAME_HEADER, end), DESERIALIZE_OPTIONS));
  }
  return offset;
}

/**
 * Where the first intact frame after `from` starts, if any. Nothing marks where frames start, so
 * this tries every byte: for the damaged part of a file only.
 */
export function nextFrame(buffer: Buffer, from: number): number | undefined {
  for (let offset = from; offset < buffer.length; offset++) if (frameEnd(buffer, offset) !== undefined) return offset;
  return undefined;
}

/**
 * Whether the frame at `offset` is a record cut short by the end of the file: its header and the
 * start of its document agree on a length that runs past the end. The bytes after its header are
 * its own then (a file's data may hold anything, frames included), not records that follow it.
 */
export function isCutShort(buffer: Buffer, offset: number): boolean {
  if (offset + FRAME_HEADER + 4 > buffer.length) return true; // not even the header and the document's length
  const length = buffer.readUInt32LE(offset);
  return offset + FRAME_HEADER + length > buffer.length && buffer.readUInt32LE(offset + FRAME_HEADER) === length;
}

/** Where the frame at `offset` ends, if an intact one starts there. */
function frameEnd(buffer: Buffer, offset: number): number | undefined {
  if (offset + FRAME_HEADER + 4 > buffer.length) return undefined;
  const length = buffer.readUInt32LE(offset);
  const end = offset + FRAME_HEADER + length;
  // A BSON document begins with its own length: checked first, it spares a scan nearly every checksum.
  if (length < 5 || end > buffer.length || buffer.readUInt32LE(offset + FRAME_HEADER) !== length) return undefined;
  return crc32(buffer.subarray(offset + FRAME_HEADER, end)) === buffer.readUInt32LE(offset + 4) ? end : undefined;
}
