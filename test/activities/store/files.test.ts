import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { FileUpload } from '../../../activities/store';
import { agentAuthor, useStore } from './fixtures';
import { png } from './images';

const ctx = useStore('files');

const upload = (overrides: Partial<FileUpload> = {}): FileUpload => ({
  websiteId: 'web_1',
  conversationId: 'conv_1',
  filename: 'picture.png',
  mediaType: 'image/png',
  maxBytes: 10 * 1024 * 1024,
  uploadedBy: agentAuthor('usr_1'),
  ...overrides,
});

/** `total` bytes starting with `head`, delivered in 64 KiB chunks as they are read. */
function streamOf(head: Buffer, total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const size = Math.min(64 * 1024, total - sent);
      const chunk = Buffer.alloc(size, sent % 251);
      if (sent === 0) head.copy(chunk);
      sent += size;
      this.push(chunk);
    },
  });
}

describe('Store', () => {
  describe('#saveFile', () => {
    it('streams a file in and out of GridFS with its image size', async () => {
      const store = ctx.get();
      const total = 700 * 1024 + 3; // several GridFS chunks and a remnant
      const expected = await buffer(streamOf(png(1024, 768), total));
      const info = await store.saveFile(streamOf(png(1024, 768), total), upload());
      expect(info).toMatchObject({ filename: 'picture.png', mediaType: 'image/png', size: total, conversationId: 'conv_1', width: 1024, height: 768 });
      expect(info.id).toMatch(/^file_/);
      expect(await store.getFileInfo(info.id)).toEqual(info);
      expect((await buffer(store.openFileStream(info.id))).equals(expected)).toBe(true);
    });

    it('stores a non-image without dimensions', async () => {
      const info = await ctx.get().saveFile(Readable.from([Buffer.from('hello')]), upload({ filename: 'a.txt', mediaType: 'text/plain' }));
      expect(info).toMatchObject({ size: 5 });
      expect(info).not.toHaveProperty('width');
    });

    it('aborts past maxBytes, leaving no file and no chunk behind', async () => {
      const store = ctx.get();
      const conversationId = 'conv_too_large';
      await expect(store.saveFile(streamOf(png(1, 1), 2 * 1024 * 1024), upload({ conversationId, maxBytes: 1024 * 1024 }))).rejects.toMatchObject({
        code: 'ERR_PAYLOAD_TOO_LARGE',
      });
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        const db = client.db(ctx.dbName);
        expect(await db.collection('files.files').countDocuments({ 'metadata.conversationId': conversationId })).toBe(0);
        const known = await db.collection('files.files').distinct('_id');
        expect(await db.collection('files.chunks').countDocuments({ files_id: { $nin: known } })).toBe(0);
      } finally {
        await client.close();
      }
    });
  });

  describe('#saveFile with bytes that are not of the declared type', () => {
    it.each([
      ['an HTML page sent as a PNG', Buffer.from('<html><script>alert(1)</script></html>'), 'image/png'],
      ['a PNG sent as a JPEG', png(4, 4), 'image/jpeg'],
      ['a few bytes sent as a GIF', Buffer.from('GIF'), 'image/gif'],
    ])('refuses %s, keeping nothing', async (_what, bytes, mediaType) => {
      const conversationId = `conv_mislabelled_${mediaType.replace('/', '_')}`;
      await expect(ctx.get().saveFile(Readable.from([bytes]), upload({ conversationId, mediaType }))).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_MEDIA_TYPE',
        message: `The file's bytes are not ${mediaType}: declare the type the file is`,
      });
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        expect(await client.db(ctx.dbName).collection('files.files').countDocuments({ 'metadata.conversationId': conversationId })).toBe(0);
      } finally {
        await client.close();
      }
    });

    it.each([
      ['a Windows program sent as a PDF', [Buffer.from('MZ\x90\x00\x03\x00\x00\x00')], 'application/pdf'],
      ['a program sent as text (it holds NULs)', [Buffer.from('MZ\x90\x00\x03\x00\x00\x00')], 'text/plain'],
      ['Latin-1 bytes sent as text (not UTF-8)', [Buffer.from('caf\xe9', 'latin1')], 'text/plain'],
      ['text whose last character is cut off', [Buffer.from('ok '), Buffer.from('😀').subarray(0, 2)], 'text/plain'],
      ['text with a NUL after its first chunk', [Buffer.alloc(64 * 1024, 'a'), Buffer.from('\x00')], 'text/plain'],
    ])('refuses %s, keeping nothing', async (_what, chunks, mediaType) => {
      const conversationId = `conv_not_${mediaType.replace('/', '_')}`;
      await expect(ctx.get().saveFile(Readable.from(chunks), upload({ conversationId, mediaType }))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_MEDIA_TYPE' });
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        expect(await client.db(ctx.dbName).collection('files.files').countDocuments({ 'metadata.conversationId': conversationId })).toBe(0);
      } finally {
        await client.close();
      }
    });

    it('takes a PDF by its header, and UTF-8 text, a character split between chunks included', async () => {
      const pdf = await ctx.get().saveFile(Readable.from([Buffer.from('%PDF-1.7\n%âãÏÓ\n')]), upload({ mediaType: 'application/pdf' }));
      expect(pdf.mediaType).toBe('application/pdf');
      const smile = Buffer.from('😀');
      const text = await ctx.get().saveFile(Readable.from([Buffer.from('\ufeffhi \t\r\n'), smile.subarray(0, 2), smile.subarray(2)]), upload({ mediaType: 'text/plain' }));
      expect(text.size).toBe(Buffer.byteLength('\ufeffhi \t\r\n😀'));
    });
  });

  describe('#getFileInfo', () => {
    it('gives null for an unknown id', async () => {
      expect(await ctx.get().getFileInfo('file_none')).toBeNull();
    });
  });
});
