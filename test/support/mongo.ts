/**
 * Where contract tests find MongoDB: the real server named by MONGODB_URI (a replica set, for
 * change streams), or else a fresh in-memory embedded server.
 */
import { randomBytes } from 'node:crypto';
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
