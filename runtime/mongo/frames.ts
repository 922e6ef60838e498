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
  while (offset + FRAME_HEADER <= buffer.length) {
    const length = buffer.readUInt32LE(offset);
    const end = offset + FRAME_HEADER + length;
    if (length < 5 || end > buffer.length) break;
    const payload = buffer.subarray(offset + FRAME_HEADER, end);
    if (crc32(payload) !== buffer.readUInt32LE(offset + 4)) break;
    onRecord(BSON.deserialize(payload, DESERIALIZE_OPTIONS));
    offset = end;
  }
  return offset;
}
