import { MongoBulkWriteError, MongoClient, MongoClientBulkWriteError, type Collection, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inCommandPerCollection, inOneCommand, type OrderedWrite, type OrderedWriter } from '../../../activities/store/ordered-writes';
import { freshDbName, testMongo, type TestMongo } from '../../support/mongo';

type Doc = { _id: string | number; [field: string]: unknown };

describe('ordered writes', () => {
  let mongo: TestMongo;
  let client: MongoClient;
  let bulkWriteCommand = false;
  beforeAll(async () => {
    mongo = await testMongo();
    client = await MongoClient.connect(mongo.uri);
    bulkWriteCommand = Number((await client.db('admin').command({ hello: 1 })).maxWireVersion) >= 25;
  });
  afterAll(async () => {
    await client.close();
    await mongo.close();
  });

  const writers: Array<[string, () => OrderedWriter | undefined]> = [
    ['in one bulkWrite command (MongoDB 8.0)', () => (bulkWriteCommand ? inOneCommand(client) : undefined)],
    ['in a command per collection (older servers)', () => inCommandPerCollection],
  ];

  describe.each(writers)('%s', (_name, writer) => {
    const setUp = async () => {
      const write = writer();
      if (!write) return undefined; // MONGODB_URI names a server before 8.0: only the other writer applies
      const db = client.db(freshDbName('ordered'));
      const [a, b] = [db.collection<Doc>('a'), db.collection<Doc>('b')];
      await b.insertMany([{ _id: 'b1', n: 0 }, { _id: 'b2', n: 0 }]);
      return { write, a, b };
    };
    const insert = (collection: Collection<Doc>, document: Document): OrderedWrite => ({ kind: 'insert', collection, document });
    const update = (collection: Collection<Doc>, filter: Document, change: Document, upsert = false): OrderedWrite => ({ kind: 'update', collection, filter, update: change, upsert });

    it('applies every write in order', async () => {
      const ctx = await setUp();
      if (!ctx) return;
      const { write, a, b } = ctx;
      const outcome = await write([
        insert(a, { _id: 1 }),
        insert(a, { _id: 2 }),
        update(b, { _id: 'b1' }, { $inc: { n: 1 } }),
        update(b, { _id: 'b9' }, { $inc: { n: 1 } }),
        update(b, { _id: 'b8' }, { $setOnInsert: { n: 8 } }, true),
        update(b, { _id: 'b2' }, { $setOnInsert: { n: 8 } }, true),
        insert(a, { _id: 3 }),
      ]);
      expect(outcome).toEqual({ kind: 'applied', unmatched: 1 }); // b9: no such document, no upsert
      expect(await a.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
      expect(await b.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 'b1', n: 1 }, { _id: 'b2', n: 0 }, { _id: 'b8', n: 8 }]);
    });

    it('stops at the first failing write: the writes before it are applied, the ones after it are not', async () => {
      const ctx = await setUp();
      if (!ctx) return;
      const { write, a, b } = ctx;
      const outcome = await write([insert(a, { _id: 1 }), update(b, { _id: 'b1' }, { $inc: { n: 1 } }), insert(a, { _id: 2 }), insert(a, { _id: 1 }), update(b, { _id: 'b2' }, { $inc: { n: 1 } }), insert(a, { _id: 3 })]);
      expect(outcome).toMatchObject({ kind: 'stopped', applied: 3, failed: { code: 11000, errmsg: expect.stringContaining('index: _id_') } });
      expect(await a.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 1 }, { _id: 2 }]);
      expect(await b.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 'b1', n: 1 }, { _id: 'b2', n: 0 }]);
    });
  });

  describe('with a write concern error (a replica set that could not replicate in time)', () => {
    const concern = { code: 64, errmsg: 'waiting for replication timed out' };

    it('acknowledges nothing of one bulkWrite command, even beside a write error', async () => {
      const error = new MongoClientBulkWriteError({ message: 'write concern' } as never);
      error.writeConcernErrors.push({ code: concern.code, message: concern.errmsg });
      error.writeErrors.set(1, { code: 11000, message: 'E11000 duplicate key' });
      const standIn = { bulkWrite: async () => Promise.reject(error) } as unknown as MongoClient;
      const outcome = await inOneCommand(standIn)([{ kind: 'insert', collection: { dbName: 'db', collectionName: 'a' } as Collection, document: { _id: 1 } }]);
      expect(outcome).toMatchObject({ kind: 'unknown', error: { code: 'ERR_INTERNAL', message: expect.stringContaining('replication timed out') } });
    });

    it('acknowledges nothing of a command per collection, even beside a write error', async () => {
      const duplicate = { index: 0, code: 11000, errmsg: 'E11000 duplicate key error collection: db.a index: _id_ dup key' };
      const result = { getWriteConcernError: () => concern };
      const error = new MongoBulkWriteError({ message: duplicate.errmsg, code: 11000, writeErrors: [duplicate] } as never, result as never);
      const collection = { insertMany: async () => Promise.reject(error) } as unknown as Collection;
      const outcome = await inCommandPerCollection([{ kind: 'insert', collection, document: { _id: 1 } }, { kind: 'insert', collection, document: { _id: 2 } }]);
      expect(outcome).toMatchObject({ kind: 'unknown', error: { code: 'ERR_INTERNAL', message: expect.stringContaining('replication timed out') } });
    });
  });
});
