// Starts an in-memory embedded server and a driver client for a test file.
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from '../../../runtime/mongo';

export interface Harness {
  server: EmbeddedMongo;
  client: MongoClient;
  db: Db;
}

export function useEmbeddedMongo(dbName = 'test', options: Pick<EmbeddedMongoOptions, 'ttlMonitorIntervalMs'> = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.server = await startEmbeddedMongo({ memory: true, ...options });
    harness.client = await new MongoClient(harness.server.uri, { serverSelectionTimeoutMS: 5000 }).connect();
    harness.db = harness.client.db(dbName);
  });
  afterAll(async () => {
    await harness.client?.close();
    await harness.server?.close();
  });
  return harness;
}

/** Loosely typed documents, so tests can use any _id type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDoc = { _id?: number | string | object; [key: string]: any };
