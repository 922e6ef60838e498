import type { ClientSession, MongoClient } from 'mongodb';

/**
 * Runs `work` in a transaction whose first write claims a document: of two at once claiming the
 * same one, on any instances, the second conflicts on that write and the driver runs it again once
 * the first has committed or aborted. It never reads what the other has not committed (the embedded
 * server's reads are not isolated), and what it reads and writes with `session` holds when it
 * commits. `work` may therefore run more than once, and should only read and write the store, all of
 * it with `session`.
 */
export async function claimingTransaction<T>(client: MongoClient, work: (session: ClientSession) => Promise<T>): Promise<T> {
  const session = client.startSession();
  try {
    return await session.withTransaction(() => work(session));
  } finally {
    await session.endSession();
  }
}
