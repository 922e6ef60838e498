import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo, type AnyDoc } from '../harness';

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('indexes');

  describe('#createIndexes', () => {
    it('makes a TTL index, which listIndexes reports with its expireAfterSeconds', async () => {
      const c = h.db.collection<AnyDoc>('ttl_listed');
      await c.createIndex({ expireAt: 1 }, { name: 'expiry', expireAfterSeconds: 0 });
      await c.createIndex({ seenAt: -1 }, { expireAfterSeconds: 3_600 });
      expect(await c.listIndexes().toArray()).toEqual([
        { v: 2, key: { _id: 1 }, name: '_id_' },
        { v: 2, key: { expireAt: 1 }, name: 'expiry', expireAfterSeconds: 0 },
        { v: 2, key: { seenAt: -1 }, name: 'seenAt_-1', expireAfterSeconds: 3_600 },
      ]);
    });

    it("refuses an expireAfterSeconds that is not a non-negative 32-bit number, or on a compound key, with MongoDB's error", async () => {
      const c = h.db.collection<AnyDoc>('ttl_refused');
      const refusal = (message: string) => ({ code: 67, codeName: 'CannotCreateIndex', message: expect.stringContaining(message) });
      await expect(c.createIndex({ at: 1 }, { expireAfterSeconds: -1 })).rejects.toMatchObject(refusal("TTL index 'expireAfterSeconds' option cannot be less than 0"));
      await expect(c.createIndex({ at: 1 }, { expireAfterSeconds: 'soon' as never })).rejects.toMatchObject(refusal("must be numeric, but received a type of 'string'"));
      await expect(c.createIndex({ at: 1 }, { expireAfterSeconds: Number.NaN })).rejects.toMatchObject(refusal('must not be NaN'));
      await expect(c.createIndex({ at: 1 }, { expireAfterSeconds: 2 ** 31 })).rejects.toMatchObject(refusal('within the range of a 32-bit integer'));
      await expect(c.createIndex({ at: 1, other: 1 }, { expireAfterSeconds: 60 })).rejects.toMatchObject(refusal('compound indexes do not support TTL'));
      expect((await c.listIndexes().toArray()).map((index) => index.name)).toEqual(['_id_']);
    });

    it('refuses, with IndexOptionsConflict, the key of an index again with other TTL options, and takes the very same index again', async () => {
      const c = h.db.collection<AnyDoc>('ttl_conflicts');
      await c.createIndex({ plain: 1 }, { name: 'plain' });
      await c.createIndex({ ttl: 1 }, { name: 'ttl', expireAfterSeconds: 60 });
      const conflict = { code: 85, codeName: 'IndexOptionsConflict' };
      // A TTL index where a plain one stands, a plain one where a TTL one stands, another TTL.
      await expect(c.createIndex({ plain: 1 }, { name: 'plain', expireAfterSeconds: 0 })).rejects.toMatchObject(conflict);
      await expect(c.createIndex({ ttl: 1 }, { name: 'ttl' })).rejects.toMatchObject(conflict);
      await expect(c.createIndex({ ttl: 1 }, { name: 'ttl', expireAfterSeconds: 61 })).rejects.toMatchObject({
        ...conflict,
        message: expect.stringContaining('An equivalent index already exists with the same name but different options'),
      });
      // The same key under another name conflicts whatever its options.
      await expect(c.createIndex({ plain: 1 }, { name: 'plain_ttl', expireAfterSeconds: 0 })).rejects.toMatchObject(conflict);
      await expect(c.createIndex({ ttl: 1 }, { name: 'ttl', expireAfterSeconds: 60 })).resolves.toBe('ttl');
      // The other direction is another key: a TTL index beside the plain one.
      await expect(c.createIndex({ plain: -1 }, { name: 'plain_ttl', expireAfterSeconds: 0 })).resolves.toBe('plain_ttl');
    });
  });
});
