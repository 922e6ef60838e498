/** Byte builders for image headers. */
export const bytes = (...parts: Array<string | number[] | Buffer>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
export const u16be = (n: number) => [n >> 8, n & 0xff];
export const u16le = (n: number) => [n & 0xff, n >> 8];
export const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, n >> 16];
export const u32be = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

export const png = (width: number, height: number) => bytes('\x89PNG\r\n\x1a\n', u32be(13), 'IHDR', u32be(width), u32be(height), [8, 6, 0, 0, 0]);
