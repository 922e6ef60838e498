/** Byte builders for image headers. */
export const bytes = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
export const u16be = (n: number) => [n >> 8, n & 0xff];
export const u16le = (n: number) => [n & 0xff, n >> 8];
export const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, n >> 16];
export const u32be = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

export const png = (width: number, height: number) => bytes('\x89PNG\r\n\x1a\n', u32be(13), 'IHDR', u32be(width), u32be(height), [8, 6, 0, 0, 0]);

/** A baseline JPEG of `width`×`height` with these segments between its start and its SOF0. */
export const jpeg = (width: number, height: number, ...segments: Buffer[]) =>
  bytes([0xff, 0xd8], ...segments, [0xff, 0xc0], u16be(11), [8], u16be(height), u16be(width), [1, 1, 0x11, 0], [0xff, 0xd9]);

export type ByteOrder = 'II' | 'MM';
export interface IfdEntry {
  tag: number;
  type: number;
  count: number;
  /** A SHORT value, left in the entry's four value bytes as TIFF keeps one. */
  value: number;
}
export const orientationEntry = (value: number): IfdEntry => ({ tag: 0x0112, type: 3, count: 1, value });

/** A TIFF header in `order` and IFD0 right after it, holding `entries`. */
export function tiff(order: ByteOrder, entries: IfdEntry[]): Buffer {
  const le = order === 'II';
  const u16 = (n: number) => (le ? u16le(n) : u16be(n));
  const u32 = (n: number) => (le ? [...u16le(n & 0xffff), ...u16le(n >>> 16)] : u32be(n));
  const fields = entries.map(({ tag, type, count, value }) => bytes(u16(tag), u16(type), u32(count), u16(value), [0, 0]));
  return bytes(order, u16(42), u32(8), u16(entries.length), ...fields, u32(0));
}

/** An APP1 Exif segment carrying `tiffBytes`, then `thumbnail` (what a camera puts there), up to its 64 KiB. */
export function exifSegment(tiffBytes: Buffer, thumbnail: Buffer = Buffer.alloc(0)): Buffer {
  const payload = bytes('Exif\0\0', tiffBytes, thumbnail);
  return bytes([0xff, 0xe1], u16be(payload.length + 2), payload);
}

/** An APP1 Exif segment as large as a segment can be (64 KiB), `tiffBytes` then a thumbnail JPEG with its own SOF and padding. */
export function largestExifSegment(tiffBytes: Buffer): Buffer {
  const thumbnail = jpeg(160, 120, Buffer.alloc(40_000, 0x55));
  return exifSegment(tiffBytes, bytes(thumbnail, Buffer.alloc(0xffff - 2 - 'Exif\0\0'.length - tiffBytes.length - thumbnail.length)));
}
