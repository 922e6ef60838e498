/** A fresh database for one workflow test file: the real store, and a second client for the engine's journal and projections. */
import { MongoClient } from 'mongodb';
import { openStore } from '../../../activities/store';
import { projectionLoader } from '../../../runtime/projection';
import { freshDbName, testMongo } from '../../support/mongo';

export async function testDatabase(label: string) {
  const mongo = await testMongo();
  const dbName = freshDbName(label);
  const store = await openStore({ uri: mongo.uri, dbName });
  const client = await MongoClient.connect(mongo.uri);
  const db = client.db(dbName);
  return {
    store,
    db,
    loadProjection: projectionLoader(db),
    async close() {
      await store.close();
      await client.close();
      await mongo.close();
    },
  };
}
