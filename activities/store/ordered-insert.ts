/**
 * An ordered insertMany and what it says about each document. Ordered, the server stops at the
 * first document that fails: the ones before it are stored, the ones after it were not tried.
 */
import { MongoBulkWriteError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';
import { AppError } from '../../domain/errors';

export type InsertOutcome =
  /** `docs[0, stored)` are stored; `failed`, if any, is why `docs[stored]` was not (and the rest were not tried). */
  | { kind: 'known'; stored: number; failed?: unknown }
  /** The command failed as a whole, or stored without the durability asked for: nothing is acknowledged. */
  | { kind: 'unknown'; error: unknown };

export async function insertOrdered<T extends Document>(collection: Collection<T>, docs: T[]): Promise<InsertOutcome> {
  try {
    await collection.insertMany(docs as OptionalUnlessRequiredId<T>[], { ordered: true });
    return { kind: 'known', stored: docs.length };
  } catch (error) {
    // A write concern error rides on `result`, beside any write error: then no insert counts as durable.
    const concern = error instanceof MongoBulkWriteError ? error.result?.getWriteConcernError() : undefined;
    if (concern) return { kind: 'unknown', error: new AppError('ERR_INTERNAL', `items not durably written (${concern.errmsg ?? 'write concern error'}); retry`) };
    const first = error instanceof MongoBulkWriteError ? [error.writeErrors].flat()[0] : undefined;
    if (!first) return { kind: 'unknown', error };
    return { kind: 'known', stored: first.index, failed: first };
  }
}
