import { MongoServerError, type Db } from 'mongodb';

/**
 * IndexNotFound, NamespaceNotFound: nothing to drop (never made, or another store dropped it first).
 * BackgroundOperationInProgressForNamespace: MongoDB before 5.2 refuses to drop an index while
 * another of the collection is being built, as a store starting beside this one does; the index is
 * left for a later start to drop.
 */
const NOT_DROPPED_NOW = new Set([26, 27, 12587]);

/**
 * Drops an index no version reads any more (it only costs writes) if it is there; safe to repeat
 * and to race with another store doing the same.
 */
export async function dropIndexIfPresent(db: Db, collection: string, index: string): Promise<void> {
  await db
    .collection(collection)
    .dropIndex(index)
    .catch((error: unknown) => {
      if (!(error instanceof MongoServerError && NOT_DROPPED_NOW.has(error.code as number))) throw error;
    });
}
