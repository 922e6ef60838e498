import { MongoBulkWriteError, MongoServerError, ObjectId, Long, Decimal128, Binary } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo, type AnyDoc } from '../harness';

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('writes');

  describe('#insert', () => {
    it('stores documents with their BSON types and returns copies', async () => {
      const items = h.db.collection<AnyDoc>('typed');
      const doc = { _id: new ObjectId(), at: new Date(1_700_000_000_000), big: Long.fromString('9007199254740993'), price: Decimal128.fromString('1.10'), bytes: new Binary(Buffer.from([1, 2, 3])) };
      await items.insertOne(doc);
      const found = await items.findOne({ _id: doc._id }, { promoteLongs: false });
      expect(found?.at).toEqual(doc.at);
      expect(found?.big).toBeInstanceOf(Long);
      expect(String(found?.big)).toBe('9007199254740993');
      expect(found?.price.toString()).toBe('1.10');
      expect(Buffer.from((found?.bytes as Binary).buffer)).toEqual(Buffer.from([1, 2, 3]));
      (found!.at as Date).setTime(0);
      expect((await items.findOne({ _id: doc._id }))?.at).toEqual(doc.at);
    });

    it('stops an ordered insertMany at the first duplicate and reports its index', async () => {
      const c = h.db.collection<AnyDoc>('ordered');
      const error = await c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoBulkWriteError);
      const bulk = error as MongoBulkWriteError;
      expect(bulk.code).toBe(11000);
      expect(bulk.writeErrors).toHaveLength(1);
      expect((bulk.writeErrors as unknown as { index: number }[])[0]!.index).toBe(2);
      expect(await c.countDocuments()).toBe(2);
    });

    it('continues an unordered insertMany past duplicates', async () => {
      const c = h.db.collection<AnyDoc>('unordered');
      const error = (await c.insertMany([{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }, { _id: 3 }], { ordered: false }).catch((e: unknown) => e)) as MongoBulkWriteError;
      expect(error.code).toBe(11000);
      expect((error.writeErrors as unknown as { index: number }[]).map((e) => e.index)).toEqual([1, 3]);
      expect(await c.countDocuments()).toBe(3);
    });

    it('enforces unique and compound unique indexes with E11000 details', async () => {
      const c = h.db.collection<AnyDoc>('people');
      await c.createIndex({ email: 1 }, { unique: true });
      await c.createIndex({ org: 1, handle: 1 }, { unique: true, name: 'org_handle' });
      await c.insertOne({ email: 'a@x', org: 'o', handle: 'h' });
      const single = (await c.insertOne({ email: 'a@x' }).catch((e: unknown) => e)) as MongoServerError;
      expect(single).toBeInstanceOf(MongoServerError);
      expect(single.code).toBe(11000);
      expect(single.message).toBe('E11000 duplicate key error collection: writes.people index: email_1 dup key: { email: "a@x" }');
      expect(single.keyPattern).toEqual({ email: 1 });
      expect(single.keyValue).toEqual({ email: 'a@x' });
      const compound = (await c.insertOne({ email: 'b@x', org: 'o', handle: 'h' }).catch((e: unknown) => e)) as MongoServerError;
      expect(compound.code).toBe(11000);
      expect(compound.message).toContain('index: org_handle dup key: { org: "o", handle: "h" }');
      await c.insertOne({ email: 'c@x', org: 'o', handle: 'other' });
      const update = (await c.updateOne({ email: 'c@x' }, { $set: { email: 'a@x' } }).catch((e: unknown) => e)) as MongoServerError;
      expect(update.code).toBe(11000);
      expect(await c.countDocuments({ email: 'c@x' })).toBe(1);
    });
  });

  describe('#update', () => {
    it('upserts with $setOnInsert only when inserting', async () => {
      const c = h.db.collection<AnyDoc>('upserts');
      const first = await c.updateOne({ key: 'k' }, { $set: { seen: 1 }, $setOnInsert: { createdBy: 'first' } }, { upsert: true });
      expect(first.upsertedCount).toBe(1);
      await c.updateOne({ key: 'k' }, { $set: { seen: 2 }, $setOnInsert: { createdBy: 'second' } }, { upsert: true });
      const doc = await c.findOne({ key: 'k' });
      expect(doc).toMatchObject({ key: 'k', seen: 2, createdBy: 'first' });
      expect(Object.keys(doc!)[0]).toBe('_id');
    });

    it('updates many, replaces, and reports matched/modified counts', async () => {
      const c = h.db.collection<AnyDoc>('many');
      await c.insertMany([{ g: 1, v: 0 }, { g: 1, v: 0 }, { g: 2, v: 0 }]);
      const many = await c.updateMany({ g: 1 }, { $inc: { v: 5 }, $push: { tags: 'x' } as never });
      expect([many.matchedCount, many.modifiedCount]).toEqual([2, 2]);
      const noop = await c.updateOne({ g: 2 }, { $set: { v: 0 } });
      expect([noop.matchedCount, noop.modifiedCount]).toEqual([1, 0]);
      await c.replaceOne({ g: 2 }, { g: 3, replaced: true });
      expect(await c.findOne({ g: 3 }, { projection: { _id: 0 } })).toEqual({ g: 3, replaced: true });
      expect(await c.find({ g: 1 }, { projection: { _id: 0, v: 1, tags: 1 } }).toArray()).toEqual([{ v: 5, tags: ['x'] }, { v: 5, tags: ['x'] }]);
    });

    it('applies arrayFilters', async () => {
      const c = h.db.collection<AnyDoc>('arrays');
      await c.insertOne({ _id: 1, items: [{ id: 'a', n: 1 }, { id: 'b', n: 1 }] });
      await c.updateOne({ _id: 1 }, { $set: { 'items.$[it].n': 9 } }, { arrayFilters: [{ 'it.id': 'b' }] });
      expect((await c.findOne({ _id: 1 }))?.items).toEqual([{ id: 'a', n: 1 }, { id: 'b', n: 9 }]);
    });

    it('refuses to change _id', async () => {
      const c = h.db.collection<AnyDoc>('immutable');
      await c.insertOne({ _id: 1, a: 1 });
      const error = (await c.updateOne({ _id: 1 }, { $set: { _id: 2 } }).catch((e: unknown) => e)) as MongoServerError;
      expect(error.code).toBe(66);
    });
  });

  describe('#findAndModify', () => {
    it('increments a counter atomically under concurrency and returns the new value', async () => {
      const c = h.db.collection<AnyDoc>('counters');
      const results = await Promise.all(
        Array.from({ length: 50 }, () => c.findOneAndUpdate({ _id: 'conv' as never }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })),
      );
      expect(results.map((r) => r?.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('returns the old document by default, sorts, projects and removes', async () => {
      const c = h.db.collection<AnyDoc>('fam');
      await c.insertMany([{ q: 1, p: 3 }, { q: 1, p: 1 }, { q: 1, p: 2 }]);
      const before = await c.findOneAndUpdate({ q: 1 }, { $set: { hit: true } }, { sort: { p: 1 }, projection: { _id: 0, p: 1, hit: 1 } });
      expect(before).toEqual({ p: 1 });
      const removed = await c.findOneAndDelete({ q: 1 }, { sort: { p: -1 } });
      expect(removed?.p).toBe(3);
      expect(await c.countDocuments()).toBe(2);
      expect(await c.findOneAndUpdate({ q: 99 }, { $set: { x: 1 } })).toBeNull();
    });
  });

  describe('#delete', () => {
    it('deletes one or many', async () => {
      const c = h.db.collection<AnyDoc>('deletes');
      await c.insertMany([{ k: 1 }, { k: 1 }, { k: 1 }, { k: 2 }]);
      expect((await c.deleteOne({ k: 1 })).deletedCount).toBe(1);
      expect((await c.deleteMany({ k: 1 })).deletedCount).toBe(2);
      expect(await c.find().project({ _id: 0 }).toArray()).toEqual([{ k: 2 }]);
    });
  });
});
