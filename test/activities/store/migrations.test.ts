import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../activities/store';
import { freshDbName, testMongo, type TestMongo } from '../../support/mongo';

describe('openStore', () => {
  let mongo: TestMongo;
  beforeAll(async () => {
    mongo = await testMongo();
  });
  afterAll(() => mongo.close());

  it('moves the owed signals an earlier version kept on its seq counters to the outbox, and drops the counters', async () => {
    const dbName = freshDbName('migrations');
    const client = await MongoClient.connect(mongo.uri);
    try {
      const counters = client.db(dbName).collection<{ _id: string; websiteId: string; seq: number; pendingSignals?: string[] }>('counters');
      await counters.insertMany([
        { _id: 'conv_a', websiteId: 'web_1', seq: 3, pendingSignals: ['item_a2', 'item_a3', 'item_a3'] },
        { _id: 'conv_b', websiteId: 'web_1', seq: 1, pendingSignals: [] },
        { _id: 'conv_c', websiteId: 'web_1', seq: 9 },
      ]);
      for (let start = 0; start < 2; start++) {
        const store = await openStore({ uri: mongo.uri, dbName });
        try {
          expect((await store.listPendingSignals()).sort((a, b) => a.itemId.localeCompare(b.itemId))).toEqual([
            { itemId: 'item_a2', conversationId: 'conv_a', recordedAt: expect.any(String) },
            { itemId: 'item_a3', conversationId: 'conv_a', recordedAt: expect.any(String) },
          ]);
        } finally {
          await store.close();
        }
      }
      expect(await client.db(dbName).listCollections({ name: 'counters' }).toArray()).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
