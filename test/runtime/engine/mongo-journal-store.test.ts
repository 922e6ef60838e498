import { MongoClient, type Collection, type Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { JournalRecord, RunClosedRecord, RunStartedRecord } from '../../../runtime/engine/journal-store';
import { MongoJournalStore } from '../../../runtime/engine/mongo-journal-store';
import { freshDbName, testMongo, useMongoClient } from '../../support/mongo';
import { activation, describeJournalStoreContract, started } from './journal-store-contract';

const closing = (workflowId: string, runId: string, seq: number, status: RunClosedRecord['status'], nextRunId?: string): JournalRecord => ({
  type: 'run_closed',
  workflowId,
  runId,
  seq,
  time: 5_000 + seq,
  status,
  ...(nextRunId ? { nextRunId } : {}),
});
const continuedFrom = (previous: string, workflowId: string, runId: string, time: number): JournalRecord => ({ ...(started(workflowId, runId, time) as RunStartedRecord), continuedFromRunId: previous });

/** What a write's first command stores, its records, without the run summaries its second would: the engine's thread ended between them. */
const storeRecordsOnly = async (db: Db, records: JournalRecord[]): Promise<void> => {
  await db.collection('workflow_journal').insertMany(records.map((record) => ({ ...record })));
};
const statuses = (runs: { runId: string; status: string }[]) => runs.map((run) => [run.runId, run.status]);

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

  describe('#openRuns', () => {
    const mongoClient = useMongoClient();

    it('leaves out a run whose closing was stored without its summary, and stores the summary', async () => {
      const db = mongoClient().db(freshDbName('journal_closed'));
      await (await MongoJournalStore.open(db)).append([started('wf-c', 'run-c', 1_000)]);
      await storeRecordsOnly(db, [activation('wf-c', 'run-c', 2), closing('wf-c', 'run-c', 3, 'completed')]);

      const store = await MongoJournalStore.open(db);
      expect(statuses(await store.openRuns())).toEqual([]);
      expect(await store.runsOf('wf-c')).toEqual([{ workflowId: 'wf-c', runId: 'run-c', workflowType: 'counterWorkflow', status: 'completed', startedAt: 1_000, closedAt: 5_003 }]);
    });

    it('lists the run a continue-as-new opened when neither run\'s summary was stored, and stores both', async () => {
      const db = mongoClient().db(freshDbName('journal_continued'));
      await (await MongoJournalStore.open(db)).append([started('wf-n', 'run-n1', 1_000)]);
      await storeRecordsOnly(db, [activation('wf-n', 'run-n1', 2), closing('wf-n', 'run-n1', 3, 'continued', 'run-n2'), continuedFrom('run-n1', 'wf-n', 'run-n2', 6_000)]);

      const store = await MongoJournalStore.open(db);
      expect(await store.openRuns()).toEqual([{ workflowId: 'wf-n', runId: 'run-n2', workflowType: 'counterWorkflow', status: 'running', startedAt: 6_000 }]);
      expect(statuses(await store.runsOf('wf-n'))).toEqual([
        ['run-n1', 'continued'],
        ['run-n2', 'running'],
      ]);
    });

    it('follows a chain of continued runs to the one still open, and closes one closed too', async () => {
      const db = mongoClient().db(freshDbName('journal_chain'));
      await (await MongoJournalStore.open(db)).append([started('wf-k', 'run-k1', 1_000), started('wf-z', 'run-z1', 1_000)]);
      await storeRecordsOnly(db, [
        closing('wf-k', 'run-k1', 2, 'continued', 'run-k2'),
        continuedFrom('run-k1', 'wf-k', 'run-k2', 6_000),
        closing('wf-k', 'run-k2', 2, 'continued', 'run-k3'),
        continuedFrom('run-k2', 'wf-k', 'run-k3', 7_000),
        closing('wf-z', 'run-z1', 2, 'continued', 'run-z2'),
        continuedFrom('run-z1', 'wf-z', 'run-z2', 6_000),
        closing('wf-z', 'run-z2', 2, 'completed'),
      ]);

      const store = await MongoJournalStore.open(db);
      expect(statuses(await store.openRuns())).toEqual([['run-k3', 'running']]);
      expect(statuses(await store.runsOf('wf-k'))).toEqual([
        ['run-k1', 'continued'],
        ['run-k2', 'continued'],
        ['run-k3', 'running'],
      ]);
      expect(statuses(await store.runsOf('wf-z'))).toEqual([
        ['run-z1', 'continued'],
        ['run-z2', 'completed'],
      ]);
    });

    it('finds the next run from its link back when the closing does not name it (journals written before it did)', async () => {
      const db = mongoClient().db(freshDbName('journal_unnamed'));
      await (await MongoJournalStore.open(db)).append([started('wf-u', 'run-u1', 1_000)]);
      await storeRecordsOnly(db, [closing('wf-u', 'run-u1', 2, 'continued'), continuedFrom('run-u1', 'wf-u', 'run-u2', 6_000)]);

      const store = await MongoJournalStore.open(db);
      expect(statuses(await store.openRuns())).toEqual([['run-u2', 'running']]);
      expect(statuses(await store.runsOf('wf-u'))).toEqual([
        ['run-u1', 'continued'],
        ['run-u2', 'running'],
      ]);
    });

    it('leaves out a first run whose start was never acknowledged (its caller starts again)', async () => {
      const db = mongoClient().db(freshDbName('journal_unacknowledged'));
      await storeRecordsOnly(db, [started('wf-f', 'run-f', 1_000)]);

      const store = await MongoJournalStore.open(db);
      expect(await store.openRuns()).toEqual([]);
      expect(await store.runsOf('wf-f')).toEqual([]);
    });

    it('repairs many runs with a few record queries, not one per run', async () => {
      const finds: unknown[] = [];
      const counted = (collection: Collection) =>
        new Proxy(collection, {
          get: (target, key, receiver) => (key === 'find' ? (filter: unknown, options: unknown) => (finds.push(filter), target.find(filter as never, options as never)) : Reflect.get(target, key, receiver)),
        });
      const db = mongoClient().db(freshDbName('journal_many'));
      const ids = Array.from({ length: 200 }, (_, i) => i);
      await (await MongoJournalStore.open(db)).append(ids.map((i) => started(`wf-m${i}`, `run-m${i}`, 1_000)));
      await storeRecordsOnly(
        db,
        ids.flatMap((i) => [closing(`wf-m${i}`, `run-m${i}`, 2, 'continued', `run-m${i}b`), continuedFrom(`run-m${i}`, `wf-m${i}`, `run-m${i}b`, 6_000)]),
      );

      const store = await MongoJournalStore.open(
        new Proxy(db, { get: (target, key) => (key === 'collection' ? (name: string) => (name === 'workflow_journal' ? counted(target.collection(name)) : target.collection(name)) : Reflect.get(target, key)) }),
      );
      expect((await store.openRuns()).map((run) => run.runId).sort()).toEqual(ids.map((i) => `run-m${i}b`).sort());
      // The closings of the runs said to be running, the next runs' starts, and those runs' closings.
      expect(finds).toHaveLength(3);
    });
  });
});
