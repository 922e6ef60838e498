import { MongoClient } from 'mongodb';
import { describe } from 'vitest';
import { MongoJournalStore } from '../../../runtime/engine/mongo-journal-store';
import { freshDbName, testMongo } from '../../support/mongo';
import { describeJournalStoreContract } from './journal-store-contract';

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
});
