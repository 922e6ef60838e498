import { MongoServerError, type Db } from 'mongodb';

/** IndexNotFound, NamespaceNotFound: nothing to drop (never made, or another store dropped it first). */
const NOTHING_TO_DROP = new Set([26, 27]);

/** Drops an index if it is there; safe to repeat and to race with another store doing the same. */
export async function dropIndexIfPresent(db: Db, collection: string, index: string): Promise<void> {
  await db
    .collection(collection)
    .dropIndex(index)
    .catch((error: unknown) => {
      if (!(error instanceof MongoServerError && NOTHING_TO_DROP.has(error.code as number))) throw error;
    });
}
