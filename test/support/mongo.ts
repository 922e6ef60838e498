/**
 * Where contract tests find MongoDB: the real server named by MONGODB_URI (a replica set, for
 * change streams), or else a fresh in-memory embedded server.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongoOptions } from '../../runtime/mongo';

export interface TestMongo {
  uri: string;
  /** True when running against the embedded server (not MONGODB_URI). */
  embedded: boolean;
  close(): Promise<void>;
}

/** Options for the embedded server (a real MongoDB keeps its own). */
export type TestMongoOptions = Pick<EmbeddedMongoOptions, 'ttlMonitorIntervalMs'>;

export async function testMongo(options: TestMongoOptions = {}): Promise<TestMongo> {
  const uri = process.env.MONGODB_URI;
  if (uri) return { uri, embedded: false, close: async () => {} };
  const server = await startEmbeddedMongo({ memory: true, ...options });
  return { uri: server.uri, embedded: true, close: () => server.close() };
}

/** A TTL monitor interval for tests that wait for TTL indexes to delete documents. */
export const QUICK_TTL: TestMongoOptions = { ttlMonitorIntervalMs: 100 };

/** How long such a test waits for a deletion: a few passes of the embedded monitor, or a minute and more of MongoDB's. */
export const TTL_WAIT_MS = process.env.MONGODB_URI ? 75_000 : 5_000;

/** The timeout of a test that waits for such a deletion: the wait, and the test's own time as any test has it (vitest.config.ts). */
export const TTL_TEST = { timeout: TTL_WAIT_MS + 60_000 };

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
