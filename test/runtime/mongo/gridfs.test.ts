import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo, type AnyDoc } from './harness';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('files');

  describe('#GridFSBucket', () => {
    it('uploads, finds, downloads and deletes a 5 MB file', async () => {
      const bucket = new GridFSBucket(h.db);
      const data = randomBytes(5 * 1024 * 1024);
      const upload = bucket.openUploadStream('photo.bin', { metadata: { owner: 'v1' } });
      await pipeline(Readable.from([data]), upload);
      const [file] = await bucket.find({ filename: 'photo.bin' }).toArray();
      expect(file).toMatchObject({ length: data.length, metadata: { owner: 'v1' } });
      expect(await h.db.collection<AnyDoc>('fs.chunks').countDocuments({ files_id: upload.id })).toBe(Math.ceil(data.length / (255 * 1024)));
      const downloaded = await collect(bucket.openDownloadStream(upload.id));
      expect(downloaded.equals(data)).toBe(true);
      const ranged = await collect(bucket.openDownloadStream(upload.id, { start: 1000, end: 300_000 }));
      expect(ranged.equals(data.subarray(1000, 300_000))).toBe(true);
      await bucket.delete(upload.id);
      expect(await bucket.find({}).toArray()).toEqual([]);
      expect(await h.db.collection<AnyDoc>('fs.chunks').countDocuments()).toBe(0);
    });
  });
});
