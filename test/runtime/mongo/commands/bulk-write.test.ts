import { MongoClientBulkWriteError, MongoServerError, type AnyClientBulkWriteModel, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo, type AnyDoc } from '../harness';

type Model = AnyClientBulkWriteModel<Document>;
/** The driver types `_id` as an ObjectId unless told a schema per namespace; these tests use strings and numbers. */
const models = (list: object[]): Model[] => list as Model[];

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('bulk');
  const ns = (collection: string) => `bulk.${collection}`;

  describe('#bulkWrite (MongoClient.bulkWrite)', () => {
    it('runs inserts, updates and deletes on several collections in one command, in order, with their counts and per-op results', async () => {
      await h.db.collection<AnyDoc>('b_posts').insertMany([{ _id: 'p1', n: 0 }, { _id: 'p2', n: 0 }, { _id: 'p3' }]);
      const batch = models([
        { name: 'insertOne', namespace: ns('b_items'), document: { _id: 'i1', text: 'hello' } },
        { name: 'updateOne', namespace: ns('b_posts'), filter: { _id: 'p1' }, update: { $inc: { n: 1 } } },
        { name: 'updateMany', namespace: ns('b_posts'), filter: { n: { $gte: 0 } }, update: { $set: { seen: true } } },
        { name: 'updateOne', namespace: ns('b_posts'), filter: { _id: 'p9' }, update: { $set: { n: 9 } }, upsert: true },
        { name: 'replaceOne', namespace: ns('b_items'), filter: { _id: 'i1' }, replacement: { text: 'replaced' } },
        { name: 'deleteOne', namespace: ns('b_posts'), filter: { _id: 'p3' } },
      ]);
      const result = await h.client.bulkWrite(batch, { verboseResults: true });
      expect(result).toMatchObject({ insertedCount: 1, matchedCount: 4, modifiedCount: 4, upsertedCount: 1, deletedCount: 1 });
      expect(result.updateResults?.get(3)).toMatchObject({ didUpsert: true, upsertedId: 'p9', modifiedCount: 0 });
      expect(await h.db.collection<AnyDoc>('b_items').find().toArray()).toEqual([{ _id: 'i1', text: 'replaced' }]);
      expect(await h.db.collection<AnyDoc>('b_posts').find().sort({ _id: 1 }).toArray()).toEqual([
        { _id: 'p1', n: 1, seen: true },
        { _id: 'p2', n: 0, seen: true },
        { _id: 'p9', n: 9 },
      ]);
    });

    it('stops an ordered bulkWrite at the first failing op: the ops before it are applied, the ops after it are not', async () => {
      const batch = models([
        { name: 'insertOne', namespace: ns('o_items'), document: { _id: 1 } },
        { name: 'insertOne', namespace: ns('o_other'), document: { _id: 'a' } },
        { name: 'insertOne', namespace: ns('o_items'), document: { _id: 1 } },
        { name: 'insertOne', namespace: ns('o_other'), document: { _id: 'b' } },
      ]);
      const error = (await h.client.bulkWrite(batch).catch((e: unknown) => e)) as MongoClientBulkWriteError;
      expect(error).toBeInstanceOf(MongoClientBulkWriteError);
      expect([...error.writeErrors.keys()]).toEqual([2]);
      expect(error.writeErrors.get(2)).toMatchObject({ code: 11000, message: expect.stringContaining('E11000 duplicate key error collection: bulk.o_items index: _id_') });
      expect(error.partialResult).toMatchObject({ insertedCount: 2 });
      expect(await h.db.collection<AnyDoc>('o_other').find().toArray()).toEqual([{ _id: 'a' }]);
    });

    it('goes on past failures when unordered and reports each', async () => {
      const batch = models([1, 1, 2, 2, 3].map((_id) => ({ name: 'insertOne', namespace: ns('u_items'), document: { _id } })));
      const error = (await h.client.bulkWrite(batch, { ordered: false }).catch((e: unknown) => e)) as MongoClientBulkWriteError;
      expect([...error.writeErrors.keys()]).toEqual([1, 3]);
      expect(await h.db.collection<AnyDoc>('u_items').countDocuments()).toBe(3);
    });

    it('is refused outside the admin database, and with an op naming no namespace', async () => {
      await expect(h.db.command({ bulkWrite: 1, ops: [], nsInfo: [] })).rejects.toMatchObject({ codeName: 'Unauthorized' });
      const reply = h.client.db('admin').command({ bulkWrite: 1, ops: [{ insert: 3, document: { _id: 1 } }], nsInfo: [{ ns: ns('x') }] });
      await expect(reply).resolves.toMatchObject({ nErrors: 1, cursor: { firstBatch: [{ ok: 0, idx: 0, codeName: 'BadValue' }] } });
      await expect(h.client.db('admin').command({ bulkWrite: 1, ops: [], nsInfo: [{ ns: 'nodot' }] })).rejects.toBeInstanceOf(MongoServerError);
    });
  });
});
