import { MongoClient, type Db } from 'mongodb';

export interface Connection {
  client: MongoClient;
  db: Db;
}

/** Connects one MongoClient; writes wait for the journal so an acknowledged write survives a crash. */
export async function connect(uri: string, dbName: string): Promise<Connection> {
  // ignoreUndefined: optional domain fields that are absent must stay absent in storage, not become null.
  const client = new MongoClient(uri, { writeConcern: { w: 'majority', journal: true }, ignoreUndefined: true });
  await client.connect();
  return { client, db: client.db(dbName) };
}
