import { MongoServerError } from 'mongodb';

/**
 * Whether a write failed on a unique index (E11000). Concurrent upserts on the same unique key need
 * no retry here: MongoDB retries them itself when the filter is equality on that key.
 */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
