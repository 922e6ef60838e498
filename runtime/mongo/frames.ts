// How the snapshot and the operation log hold records: each one framed as
// [u32 payload length][u32 crc32 of payload][BSON payload].
import { crc32 } from 'node:zlib';
import { BSON, type Document } from 'bson';

export const FRAME_HEADER = 8;
/** The bytes claimedEnd looks at: the frame's header and its document's own length. */
export const FRAME_HEAD_CHECKED = FRAME_HEADER + 4;
const DESERIALIZE_OPTIONS = { promoteBuffers: false, validation: { utf8: false } } as const;

export function frame(record: Document): Buffer {
  const payload = BSON.serialize(record);
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, FRAME_HEADER);
  return out;
}

/**
 * Decodes records until the end or the first torn/corrupt frame, giving each with the offset its
 * frame starts at; returns the length of the valid prefix.
 */
export function readFrames(buffer: Buffer, onRecord: (record: Document, offset: number) => void): number {
  let offset = 0;
  for (let end = frameEnd(buffer, offset); end !== undefined; offset = end, end = frameEnd(buffer, offset)) {
    onRecord(BSON.deserialize(buffer.subarray(offset + FRAME_HEADER, end), DESERIALIZE_OPTIONS), offset);
  }
  return offset;
}

/**
 * Where the frame at `offset` ends by its header, when its header and the start of its document
 * agree on a length (a BSON document begins with its own length): checked first, it spares a scan
 * nearly every checksum. The end may lie past the buffer's.
 */
export function claimedEnd(buffer: Buffer, offset: number): number | undefined {
  if (offset + FRAME_HEAD_CHECKED > buffer.length) return undefined;
  const length = buffer.readUInt32LE(offset);
  if (length < 5 || buffer.readUInt32LE(offset + FRAME_HEADER) !== length) return undefined;
  return offset + FRAME_HEADER + length;
}

/** Where the frame at `offset` ends, if an intact one starts there. */
export function frameEnd(buffer: Buffer, offset: number): number | undefined {
  const end = claimedEnd(buffer, offset);
  if (end === undefined || end > buffer.length) return undefined;
  return crc32(buffer.subarray(offset + FRAME_HEADER, end)) === buffer.readUInt32LE(offset + 4) ? end : undefined;
}
