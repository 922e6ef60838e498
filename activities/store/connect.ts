import { MongoClient, type Db } from 'mongodb';

export interface Connection {
  client: MongoClient;
  db: Db;
}

/** Where the store reports connection trouble (a pino logger fits). */
export interface StoreLog {
  warn(obj: object, msg: string): void;
}

/** Connects one MongoClient; writes wait for the journal so an acknowledged write survives a crash. */
export async function connect(uri: string, dbName: string, log?: StoreLog): Promise<Connection> {
  // ignoreUndefined: optional domain fields that are absent must stay absent in storage, not become null.
  const client = new MongoClient(uri, { writeConcern: { w: 'majority', journal: true }, ignoreUndefined: true });
  if (log) {
    // The driver recovers from these by itself, but each one holds every operation back until it
    // finds the server again (half a second or more), so they are worth a line in the log.
    client.on('serverHeartbeatFailed', (event) => log.warn({ err: event.failure.message }, 'store: server monitoring failed; operations wait until the server is found again'));
    client.on('connectionPoolCleared', (event) => log.warn({ address: event.address }, 'store: connection pool cleared'));
  }
  await client.connect();
  return { client, db: client.db(dbName) };
}
