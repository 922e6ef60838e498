/**
 * Where contract tests find MongoDB: the real server named by MONGODB_URI (a replica set, for
 * change streams), or else a fresh in-memory embedded server.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedMongo } from '../../runtime/mongo';

export interface TestMongo {
  uri: string;
  /** True when running against the embedded server (not MONGODB_URI). */
  embedded: boolean;
  close(): Promise<void>;
}

export async function testMongo(): Promise<TestMongo> {
  const uri = process.env.MONGODB_URI;
  if (uri) return { uri, embedded: false, close: async () => {} };
  const server = await startEmbeddedMongo({ memory: true });
  return { uri: server.uri, embedded: true, close: () => server.close() };
}

/** A database name no other test file uses. */
export const freshDbName = (label: string): string => `test_${label}_${randomBytes(4).toString('hex')}`;

/** A driver client for the tests of the enclosing block, on `testMongo()`; closed, with its server, after them. */
export function useMongoClient(): () => MongoClient {
  let mongo: TestMongo | undefined;
  let client: MongoClient | undefined;
  beforeAll(async () => {
    mongo = await testMongo();
    client = await MongoClient.connect(mongo.uri);
  });
  afterAll(async () => {
    await client?.close();
    await mongo?.close();
  });
  return () => {
    if (!client) throw new Error('useMongoClient(): the client is there only inside the tests');
    return client;
  };
}
