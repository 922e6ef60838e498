import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { describe } from 'vitest';
import { MongoJournalStore } from '../../../runtime/engine/mongo-journal-store';
import { describeJournalStoreContract } from './journal-store-contract';

const embeddedMongoPath = fileURLToPath(new URL('../../../runtime/mongo/index.ts', import.meta.url));

describe.skipIf(!existsSync(embeddedMongoPath))('MongoJournalStore (skipped: runtime/mongo is not there yet)', () => {
  describeJournalStoreContract('over the embedded MongoDB server', async () => {
    const { startEmbeddedMongo } = await import('../../../runtime/mongo/index');
    const mongo = await startEmbeddedMongo({ memory: true });
    const client = await MongoClient.connect(mongo.uri);
    const store = await MongoJournalStore.open(client.db('engine-test'));
    return {
      store,
      close: async () => {
        await client.close();
        await mongo.close();
      },
    };
  });
});
