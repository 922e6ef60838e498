import { MongoClient, type Collection } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../../runtime/engine/journal-store';
import { MongoJournalStore } from '../../../runtime/engine/mongo-journal-store';
import { freshDbName, testMongo, useMongoClient } from '../../support/mongo';
import { activation, describeJournalStoreContract, started } from './journal-store-contract';

describe('MongoJournalStore', () => {
  describeJournalStoreContract('over MongoDB (MONGODB_URI, else the embedded server)', async () => {
    const mongo = await testMongo();
    const client = await MongoClient.connect(mongo.uri);
    const store = await MongoJournalStore.open(client.db(freshDbName('journal')));
    return {
      store,
      close: async () => {
        await client.close();
        await mongo.close();
      },
    };
  });

  describe('#append', () => {
    const mongoClient = useMongoClient();

    it('writes the appends made while a write is under way together, in order', async () => {
      // The journal's record inserts wait at a gate, so the first write is surely under way while the others are made.
      let open = () => {};
      const gate = new Promise<void>((resolve) => (open = resolve));
      const inserts: number[] = [];
      const gated = (collection: Collection) =>
        new Proxy(collection, {
          get: (target, key, receiver) =>
            key === 'insertMany'
              ? async (docs: unknown[], options: unknown) => {
                  inserts.push(docs.length);
                  await gate;
                  return target.insertMany(docs as never, options as never);
                }
              : Reflect.get(target, key, receiver),
        });
      const db = mongoClient().db(freshDbName('journal_group'));
      const store = await MongoJournalStore.open(new Proxy(db, { get: (target, key) => (key === 'collection' ? (name: string) => gated(target.collection(name)) : Reflect.get(target, key)) }));
      const appends = [store.append([started('wf-g', 'run-g', 1_000)])];
      // One workflow task per event-loop turn, as busy workflows finish theirs.
      for (let seq = 2; seq <= 31; seq++) {
        await new Promise((resolve) => setImmediate(resolve));
        appends.push(store.append([activation('wf-g', 'run-g', seq)]));
      }
      open();
      await Promise.all(appends);
      expect(inserts).toEqual([1, 30]);
      expect((await store.readRun('run-g')).map((record) => record.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    });

    it('starts a write no sooner than minWriteIntervalMs after the one before it, and at once when writes are rare', async () => {
      const inserts: number[] = [];
      const counted = (collection: Collection) =>
        new Proxy(collection, {
          get: (target, key, receiver) =>
            key === 'insertMany' ? (docs: unknown[], options: unknown) => (inserts.push(docs.length), target.insertMany(docs as never, options as never)) : Reflect.get(target, key, receiver),
        });
      const db = mongoClient().db(freshDbName('journal_spaced'));
      const store = await MongoJournalStore.open(new Proxy(db, { get: (target, key) => (key === 'collection' ? (name: string) => counted(target.collection(name)) : Reflect.get(target, key)) }), {
        minWriteIntervalMs: 1_000,
      });
      const firstStarted = performance.now();
      await store.append([started('wf-s', 'run-s', 1_000)]);
      await Promise.all([store.append([activation('wf-s', 'run-s', 2)]), store.append([activation('wf-s', 'run-s', 3)])]);
      expect(performance.now() - firstStarted).toBeGreaterThanOrEqual(950);
      expect(inserts).toEqual([1, 2]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const rareStarted = performance.now();
      await store.append([activation('wf-s', 'run-s', 4)]);
      expect(performance.now() - rareStarted).toBeLessThan(900);
      expect((await store.readRun('run-s')).map((record) => record.seq)).toEqual([1, 2, 3, 4]);
    });

    it('fails only the append that cannot be written, not the others that shared its write', async () => {
      const store = await MongoJournalStore.open(mongoClient().db(freshDbName('journal_poison')));
      await store.append([started('wf-p', 'run-p', 1_000), activation('wf-p', 'run-p', 2)]);
      const outcomes = await Promise.allSettled([
        store.append([started('wf-q', 'run-q', 1_000)]),
        // Over MongoDB's 16 MB document limit.
        store.append([{ ...activation('wf-x', 'run-x', 2), commands: [{ note: 'x'.repeat(17 * 2 ** 20) }] } as JournalRecord]),
        store.append([activation('wf-p', 'run-p', 3)]),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await store.readRun('run-q')).map((record) => record.seq)).toEqual([1]);
      expect((await store.readRun('run-p')).map((record) => record.seq)).toEqual([1, 2, 3]);
    });
  });
});
