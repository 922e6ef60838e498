/**
 * Writes to several collections, in order, stopping at the first that fails: in one command where
 * the server has MongoDB 8.0's bulkWrite (`MongoClient.bulkWrite`; the embedded server has it),
 * else as one command per run of writes to the same collection, in the same order. The message
 * path's writes (its items, their conversations' last items, the signals they owe) cost one round
 * trip this way instead of three.
 */
import {
  MongoBulkWriteError,
  MongoClientBulkWriteError,
  type AnyClientBulkWriteModel,
  type Collection,
  type Document,
  type MongoClient,
} from 'mongodb';
import { AppError } from '../../domain/errors';

/** Any of the store's collections (their document types differ; a write names its own). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCollection = Collection<any>;

export type OrderedWrite =
  | { kind: 'insert'; collection: AnyCollection; document: Document }
  | { kind: 'update'; collection: AnyCollection; filter: Document; update: Document; upsert?: boolean };

export type WritesOutcome =
  /** Every write is applied; `unmatched` updates matched no document (and upserted none). */
  | { kind: 'applied'; unmatched: number }
  /** `writes[0, applied)` are applied; `failed` is why `writes[applied]` was not, and the rest were not tried. */
  | { kind: 'stopped'; applied: number; failed: { code?: number; errmsg: string } }
  /** The command failed as a whole, or wrote without the durability asked for: nothing is acknowledged. */
  | { kind: 'unknown'; error: unknown };

export type OrderedWriter = (writes: OrderedWrite[]) => Promise<WritesOutcome>;

const notDurable = (errmsg: string | undefined) => new AppError('ERR_INTERNAL', `writes not durably applied (${errmsg ?? 'write concern error'}); retry`);

/** The first bulkWrite command: MongoDB 8.0 (wire version 25). */
const BULK_WRITE_WIRE_VERSION = 25;

export async function orderedWriter(client: MongoClient): Promise<OrderedWriter> {
  const hello = await client.db('admin').command({ hello: 1 });
  return Number(hello.maxWireVersion) >= BULK_WRITE_WIRE_VERSION ? inOneCommand(client) : inCommandPerCollection;
}

export function inOneCommand(client: MongoClient): OrderedWriter {
  return async (writes) => {
    const models = writes.map((write): AnyClientBulkWriteModel<Document> => {
      const namespace = `${write.collection.dbName}.${write.collection.collectionName}`;
      return write.kind === 'insert'
        ? { name: 'insertOne', namespace, document: write.document }
        : { name: 'updateOne', namespace, filter: write.filter, update: write.update, upsert: write.upsert === true };
    });
    try {
      const result = await client.bulkWrite(models, { ordered: true });
      return { kind: 'applied', unmatched: unmatchedOf(writes, result) };
    } catch (error) {
      if (!(error instanceof MongoClientBulkWriteError)) return { kind: 'unknown', error };
      if (error.writeConcernErrors.length > 0) return { kind: 'unknown', error: notDurable(error.writeConcernErrors[0]?.message) };
      const [index, failure] = [...error.writeErrors].sort(([a], [b]) => a - b)[0] ?? [];
      if (index === undefined || !failure) return { kind: 'unknown', error };
      return { kind: 'stopped', applied: index, failed: { code: failure.code, errmsg: failure.message } };
    }
  };
}

/** Servers before 8.0: a command per run of consecutive writes to one collection. */
export const inCommandPerCollection: OrderedWriter = async (writes) => {
  let applied = 0;
  let unmatched = 0;
  for (const run of consecutiveRuns(writes)) {
    const { collection } = run[0]!;
    try {
      if (run[0]!.kind === 'insert') await collection.insertMany(run.map(documentOf), { ordered: true });
      else unmatched += unmatchedOf(run, await collection.bulkWrite(run.map((write) => ({ updateOne: updateOf(write) })), { ordered: true }));
      applied += run.length;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) return { kind: 'unknown', error };
      const concern = error.result?.getWriteConcernError();
      if (concern) return { kind: 'unknown', error: notDurable(concern.errmsg) };
      const first = [error.writeErrors].flat()[0];
      if (!first) return { kind: 'unknown', error };
      return { kind: 'stopped', applied: applied + first.index, failed: { code: first.code, errmsg: first.errmsg ?? '' } };
    }
  }
  return { kind: 'applied', unmatched };
};

/** How many of the writes' updates matched no document and upserted none, from their command's counts. */
function unmatchedOf(writes: OrderedWrite[], counts: { matchedCount: number; upsertedCount: number }): number {
  return writes.filter((write) => write.kind === 'update').length - counts.matchedCount - counts.upsertedCount;
}

function documentOf(write: OrderedWrite): Document {
  if (write.kind !== 'insert') throw new TypeError('expected an insert');
  return write.document;
}

function updateOf(write: OrderedWrite): { filter: Document; update: Document; upsert: boolean } {
  if (write.kind !== 'update') throw new TypeError('expected an update');
  return { filter: write.filter, update: write.update, upsert: write.upsert === true };
}

/** The writes cut where the collection or the kind of write changes. */
function consecutiveRuns(writes: OrderedWrite[]): OrderedWrite[][] {
  const runs: OrderedWrite[][] = [];
  for (const write of writes) {
    const last = runs.at(-1)?.[0];
    if (last && last.collection === write.collection && last.kind === write.kind) runs.at(-1)!.push(write);
    else runs.push([write]);
  }
  return runs;
}
