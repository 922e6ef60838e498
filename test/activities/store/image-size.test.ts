import { describe, expect, it } from 'vitest';
import { imageSize } from '../../../activities/store/image-size';
import { bytes, png, u16be, u16le, u24le, u32be } from './images';

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
});
