import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoJournalStore } from '../../../runtime/engine/mongo-journal-store';
import { freshDbName, testMongo, type TestMongo } from '../../support/mongo';
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
    let mongo: TestMongo;
    let client: MongoClient;
    beforeAll(async () => {
      mongo = await testMongo();
      client = await MongoClient.connect(mongo.uri, { monitorCommands: true });
    });
    afterAll(async () => {
      await client?.close();
      await mongo?.close();
    });

    it('writes the appends made while a write is under way together, in order', async () => {
      const store = await MongoJournalStore.open(client.db(freshDbName('journal_group')));
      const inserts: number[] = [];
      client.on('commandStarted', (event) => {
        if (event.commandName === 'insert') inserts.push((event.command.documents as unknown[]).length);
      });
      const appends = [store.append([started('wf-g', 'run-g', 1_000)])];
      // One workflow task per event-loop turn, as busy workflows finish theirs.
      for (let seq = 2; seq <= 31; seq++) {
        await new Promise((resolve) => setImmediate(resolve));
        appends.push(store.append([activation('wf-g', 'run-g', seq)]));
      }
      await Promise.all(appends);
      expect(inserts.reduce((a, b) => a + b, 0)).toBe(31);
      expect(inserts.length).toBeLessThan(10);
      expect((await store.readRun('run-g')).map((record) => record.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    });
  });
});
