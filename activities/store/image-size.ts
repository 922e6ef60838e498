/**
 * Width and height of PNG, GIF, JPEG and WebP images from their first bytes, as browsers show them.
 * JPEG dimensions sit in the first SOF segment, after any EXIF/ICC segments, so callers should pass
 * the first few hundred KiB. A JPEG's EXIF orientation that turns it a quarter (a phone held
 * upright) swaps them: browsers apply it (CSS `image-orientation: from-image` is the default), and
 * a client reserving space for the image needs the shape it will have.
 */
export interface ImageSize {
  width: number;
  height: number;
}

/** How many leading bytes `imageSize` may need. */
export const IMAGE_HEAD_BYTES = 512 * 1024;

/** Whether `bytes` hold `signature` (latin1) at `offset`. */
export const startsWith = (bytes: Buffer, signature: string, offset = 0): boolean =>
  bytes.length >= offset + signature.length && bytes.toString('latin1', offset, offset + signature.length) === signature;

function png(b: Buffer): ImageSize | undefined {
  if (!startsWith(b, '\x89PNG\r\n\x1a\n') || !startsWith(b, 'IHDR', 12) || b.length < 24) return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function gif(b: Buffer): ImageSize | undefined {
  if (!(startsWith(b, 'GIF87a') || startsWith(b, 'GIF89a')) || b.length < 10) return undefined;
  return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

function webp(b: Buffer): ImageSize | undefined {
  if (!startsWith(b, 'RIFF') || !startsWith(b, 'WEBP', 8) || b.length < 30) return undefined;
  if (startsWith(b, 'VP8 ', 12) && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  }
  if (startsWith(b, 'VP8L', 12) && b[20] === 0x2f) {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (startsWith(b, 'VP8X', 12)) return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
  return undefined;
}

/** SOF markers carry the frame size; C4 (DHT), C8 (reserved) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number): boolean => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
/** Markers without a length field. */
const isStandalone = (marker: number): boolean => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
const APP1 = 0xe1;
const ORIENTATION_TAG = 0x0112;
const SHORT_TYPE = 3;

/**
 * The Orientation (1 to 8) in IFD0 of an APP1 segment's payload, when it is `Exif\0\0` and a TIFF
 * header in either byte order; undefined when there is none or the segment is malformed (every
 * read is bounded: a damaged segment costs the orientation, never the upload).
 */
function exifOrientation(payload: Buffer): number | undefined {
  if (!startsWith(payload, 'Exif\0\0')) return undefined;
  const tiff = payload.subarray(6);
  const little = startsWith(tiff, 'II*\0');
  if ((!little && !startsWith(tiff, 'MM\0*')) || tiff.length < 8) return undefined;
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  for (let entry = ifd + 2, left = u16(ifd); left > 0 && entry + 12 <= tiff.length; entry += 12, left--) {
    if (u16(entry) !== ORIENTATION_TAG) continue;
    // One SHORT: its value sits in the entry's first two value bytes.
    const value = u16(entry + 2) === SHORT_TYPE && u32(entry + 4) === 1 ? u16(entry + 8) : 0;
    return value >= 1 && value <= 8 ? value : undefined;
  }
  return undefined;
}

/** Orientations 5 to 8 turn the image a quarter (transposed, rotated 90°, transversed, rotated 270°). */
const oriented = (size: ImageSize, orientation: number | undefined): ImageSize =>
  orientation !== undefined && orientation >= 5 ? { width: size.height, height: size.width } : size;

function jpeg(b: Buffer): ImageSize | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let offset = 2;
  let orientation: number | undefined;
  while (offset + 4 <= b.length) {
    if (b[offset] !== 0xff) return undefined;
    const marker = b[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
    } else if (isStandalone(marker)) {
      offset += 2;
    } else if (isStartOfFrame(marker)) {
      if (offset + 9 > b.length) return undefined;
      return oriented({ height: b.readUInt16BE(offset + 5), width: b.readUInt16BE(offset + 7) }, orientation);
    } else {
      const length = b.readUInt16BE(offset + 2);
      if (marker === APP1) orientation ??= exifOrientation(b.subarray(offset + 4, offset + 2 + length));
      offset += 2 + length;
    }
  }
  return undefined;
}

/** The image's size when the bytes start a PNG, GIF, JPEG or WebP image it can read; otherwise undefined. */
export function imageSize(head: Buffer): ImageSize | undefined {
  return png(head) ?? gif(head) ?? jpeg(head) ?? webp(head);
}
