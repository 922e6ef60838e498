// The statements write commands are made of (an insert, an update, a delete), shared by insert,
// update, delete, findAndModify and bulkWrite.
import { ObjectId, type Document } from 'bson';
import type { Collection } from '../collection';
import { upsertDocument, updateDocument, type UpdateSpec } from '../document-updates';
import type { Engine, WriteContext } from '../engine';
import { MongoCommandError } from '../errors';
import type { SortSpec } from '../query-planner';
import type { StatementHistory } from '../retryable-writes';
import type { CommandContext } from './context';

/** A statement that failed: its position in the command and MongoDB's description of the error. */
export interface StatementFailure {
  index: number;
  error: Document;
}

/** A write error as MongoDB reports it: labels belong to whole commands, never to a write error. */
function describeError(error: unknown): Document {
  if (!(error instanceof MongoCommandError)) throw error;
  const { errorLabels: _labels, ...extra } = error.extra;
  return { code: error.code, codeName: error.codeName, errmsg: error.message, ...extra };
}

/** What the statements of a write command came to. */
export interface StatementsOutcome<R> {
  /** Each statement's result (for a retried one, the recorded one); undefined where it failed or did not run. */
  results: Array<R | undefined>;
  failures: StatementFailure[];
  /** The statements a retry found already run (MongoDB's retriedStmtIds). */
  retried: number[];
}

/**
 * Runs each statement of a write command in order. A failing statement is reported; an ordered
 * command (and any command in a transaction, which the failure aborts) stops there. Outside a
 * transaction that includes a statement that gave up waiting for a transaction's lock: the
 * statements before it are applied, so they are finished (journaled, published) like any other.
 * A retryable write (retryable-writes.ts) records what each statement returns (never undefined)
 * once it is finished, and a retry of it returns that instead of running the statement again.
 */
export function runStatements<S, R>(
  ctx: CommandContext,
  statements: S[],
  ordered: boolean,
  run: (write: WriteContext, statement: S, index: number) => R,
): Promise<StatementsOutcome<R>> {
  return holdingHistory(ctx, async (history) => {
    const write = ctx.engine.newContext(ctx.txn);
    const outcome: StatementsOutcome<R> = { results: new Array<R | undefined>(statements.length), failures: [], retried: [] };
    for (let i = 0; i < statements.length; i++) {
      const recorded = history?.result(i) as R | undefined;
      if (recorded !== undefined) {
        outcome.results[i] = recorded;
        outcome.retried.push(i);
        continue;
      }
      try {
        outcome.results[i] = await ctx.engine.statement(write, () => run(write, statements[i]!, i));
      } catch (error) {
        // In a transaction a labelled error (a write conflict) fails the command: the client retries the transaction.
        if (ctx.txn && error instanceof MongoCommandError && error.extra.errorLabels) throw error;
        outcome.failures.push({ index: i, error: describeError(error) });
        if (ctx.txn) {
          ctx.engine.transactions.abort(ctx.txn);
          break;
        }
        if (ordered) break;
      }
    }
    await ctx.engine.finish(write);
    outcome.results.forEach((result, i) => {
      if (result !== undefined && !outcome.retried.includes(i)) history?.record(i, result);
    });
    return outcome;
  });
}

/** Runs `body` holding the command's statement history if it is a retryable write (retryable-writes.ts). */
export async function holdingHistory<T>(ctx: CommandContext, body: (history: StatementHistory | undefined) => Promise<T>): Promise<T> {
  const pending = ctx.txn ? undefined : ctx.engine.retryableWrites.checkOut(ctx.command);
  const history = pending instanceof Promise ? await pending : pending;
  try {
    return await body(history);
  } finally {
    history?.checkIn();
  }
}

/** MongoDB stores _id as the first field, generating an ObjectId when the client sent none. */
export function withIdFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}

/** Inserts one document into `db.name` (creating the collection). */
export function insertStatement(engine: Engine, write: WriteContext, db: string, name: string, doc: Document): void {
  engine.insert(write, engine.ensureCollection(write, db, name), withIdFirst(doc));
}

export interface UpdateStatement {
  q: Document;
  u: UpdateSpec;
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
  sort?: SortSpec;
}

export interface UpdateOutcome {
  matched: number;
  modified: number;
  before?: Document;
  after?: Document;
  upsertedId?: unknown;
}

/** One update statement on `db.name`: lock the targets, then write them (or insert the upsert document). */
export function updateStatement(engine: Engine, write: WriteContext, db: string, name: string, statement: UpdateStatement): UpdateOutcome {
  const existing = engine.collection(db, name);
  const targets = existing?.find(statement.q ?? {}, { sort: statement.sort, limit: statement.multi ? 0 : 1 }) ?? [];
  if (targets.length === 0) {
    if (!statement.upsert) return { matched: 0, modified: 0 };
    const doc = upsertDocument(statement.q ?? {}, statement.u, statement.arrayFilters);
    engine.insert(write, engine.ensureCollection(write, db, name), doc);
    return { matched: 0, modified: 0, after: doc, upsertedId: doc._id };
  }
  const collection = existing as Collection;
  engine.lockDocuments(write, collection, targets.map((doc) => doc._id));
  const updates = targets.map((before) => ({ before, updated: updateDocument(before, statement.u, statement.arrayFilters) }));
  let modified = 0;
  for (const { before, updated } of updates) {
    if (!updated) continue;
    engine.replace(write, collection, before, updated.after, updated.description);
    modified++;
  }
  const first = updates[0]!;
  return { matched: targets.length, modified, before: first.before, after: first.updated?.after ?? first.before };
}

/** One delete statement on `db.name` (the first `limit` matches, all of them for 0); returns how many went. */
export function deleteStatement(engine: Engine, write: WriteContext, db: string, name: string, filter: Document, limit: number): number {
  const collection = engine.collection(db, name);
  if (!collection) return 0;
  const targets = collection.find(filter ?? {}, { limit });
  engine.lockDocuments(write, collection, targets.map((doc) => doc._id));
  for (const doc of targets) engine.remove(write, collection, doc);
  return targets.length;
}
