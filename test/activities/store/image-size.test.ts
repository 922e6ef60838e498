import { describe, expect, it } from 'vitest';
import { imageSize } from '../../../activities/store/image-size';
import { bytes, exifSegment, jpeg, largestExifSegment, orientationEntry, png, tiff, u16be, u16le, u24le, u32be, type ByteOrder } from './images';

describe('imageSize', () => {
  it('reads PNG', () => {
    expect(imageSize(png(640, 480))).toEqual({ width: 640, height: 480 });
  });

  it('reads GIF', () => {
    expect(imageSize(bytes('GIF89a', u16le(320), u16le(200), [0, 0, 0]))).toEqual({ width: 320, height: 200 });
  });

  it('reads JPEG past APP segments and fill bytes', () => {
    const app0 = bytes([0xff, 0xe0], u16be(16), 'JFIF\0', Array(9).fill(0));
    const app1 = bytes([0xff, 0xe1], u16be(1002), Buffer.alloc(1000));
    const sof2 = bytes([0xff, 0xff, 0xc2], u16be(17), [8], u16be(1080), u16be(1920), Array(10).fill(0));
    expect(imageSize(bytes([0xff, 0xd8], app0, app1, sof2))).toEqual({ width: 1920, height: 1080 });
  });

  it('reads the three WebP flavours', () => {
    const riff = (chunk: string, body: Buffer) => bytes('RIFF', u32be(0), 'WEBP', chunk, u32be(body.length), body);
    const lossy = riff('VP8 ', bytes([0, 0, 0, 0x9d, 0x01, 0x2a], u16le(800), u16le(600), Array(4).fill(0)));
    const lossless = riff('VP8L', bytes([0x2f], (() => { const b = Buffer.alloc(4); b.writeUInt32LE((100 - 1) | ((50 - 1) << 14)); return [...b]; })(), Array(5).fill(0)));
    const extended = riff('VP8X', bytes([0, 0, 0, 0], u24le(4095), u24le(2047), Array(4).fill(0)));
    expect(imageSize(lossy)).toEqual({ width: 800, height: 600 });
    expect(imageSize(lossless)).toEqual({ width: 100, height: 50 });
    expect(imageSize(extended)).toEqual({ width: 4096, height: 2048 });
  });

  it('gives nothing for other or truncated data', () => {
    expect(imageSize(Buffer.from('%PDF-1.7'))).toBeUndefined();
    expect(imageSize(png(1, 1).subarray(0, 20))).toBeUndefined();
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xe0], u16be(100)))).toBeUndefined();
    expect(imageSize(Buffer.alloc(0))).toBeUndefined();
  });

  describe('a JPEG with an Exif orientation', () => {
    const JFIF = bytes([0xff, 0xe0], u16be(16), 'JFIF\0', Array(9).fill(0));
    const stored = { width: 400, height: 100 };
    const turned = { width: 100, height: 400 };
    const oriented = (orientation: number, order: ByteOrder = 'MM') => jpeg(400, 100, JFIF, exifSegment(tiff(order, [orientationEntry(orientation)])));

    it.each([
      [1, stored],
      [2, stored],
      [3, stored],
      [4, stored],
      [5, turned],
      [6, turned],
      [7, turned],
      [8, turned],
    ])('gives orientation %i as browsers show it, in either byte order', (orientation, shown) => {
      expect(imageSize(oriented(orientation, 'MM'))).toEqual(shown);
      expect(imageSize(oriented(orientation, 'II'))).toEqual(shown);
    });

    it('finds the orientation among the other IFD0 entries', () => {
      const make = { tag: 0x010f, type: 2, count: 4, value: 0 };
      const resolution = { tag: 0x011a, type: 5, count: 1, value: 300 };
      expect(imageSize(jpeg(400, 100, exifSegment(tiff('II', [make, orientationEntry(6), resolution]))))).toEqual(turned);
    });

    it('reads the orientation past a large Exif block and its thumbnail, with the SOF 64 KiB on', () => {
      const large = largestExifSegment(tiff('MM', [orientationEntry(8)]));
      expect(large.length).toBe(2 + 0xffff);
      expect(imageSize(jpeg(400, 100, JFIF, large))).toEqual(turned);
    });

    it('keeps the stored size, and never throws, when the Exif segment is malformed', () => {
      const valid = tiff('II', [orientationEntry(6)]);
      const malformed = [
        bytes('XX', valid.subarray(2)), // no byte order
        bytes('II', u16le(43), valid.subarray(4)), // not TIFF's 42
        bytes(valid.subarray(0, 4), u32be(0xffffffff)), // IFD0 far past the end
        bytes(valid.subarray(0, 8), u16le(500), tiff('II', [{ ...orientationEntry(6), tag: 0x010f }]).subarray(10)), // more entries than there are, none of them it
        tiff('II', [{ ...orientationEntry(6), type: 4 }]), // not a SHORT
        tiff('II', [{ ...orientationEntry(6), count: 2 }]),
        tiff('II', [orientationEntry(0)]),
        tiff('II', [orientationEntry(9)]),
        ...Array.from({ length: 8 + 2 + 12 }, (_, cut) => valid.subarray(0, cut)), // cut short anywhere before the entry's end
      ];
      for (const broken of malformed) expect(imageSize(jpeg(400, 100, exifSegment(broken))), broken.toString('hex')).toEqual(stored);
      expect(imageSize(jpeg(400, 100, bytes([0xff, 0xe1], u16be(8), 'Exif\0\0')))).toEqual(stored);
      expect(imageSize(jpeg(400, 100, bytes([0xff, 0xe1], u16be(2))))).toEqual(stored); // no payload at all
    });

    it('never throws on a JPEG cut short anywhere in its Exif segment', () => {
      const whole = oriented(6);
      for (let cut = 0; cut < whole.length; cut++) expect(() => imageSize(whole.subarray(0, cut))).not.toThrow();
    });
  });
});
