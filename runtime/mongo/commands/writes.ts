// Writes: insert, update, delete, findAndModify.
import { ObjectId, type Document } from 'bson';
import type { Collection } from '../collection';
import { upsertDocument, updateDocument, type UpdateSpec } from '../document-updates';
import type { WriteContext } from '../engine';
import { MongoCommandError } from '../errors';
import { applyProjection } from '../mingo-extensions';
import type { SortSpec } from '../query-planner';
import type { CommandContext, CommandHandler } from './context';
import { targetCollection } from './context';

function writeError(index: number, error: unknown): Document {
  if (!(error instanceof MongoCommandError)) throw error;
  return { index, code: error.code, codeName: error.codeName, errmsg: error.message, ...error.extra };
}

/**
 * Runs each statement of a write command in order. A failing statement becomes a writeError; an
 * ordered command (and any command in a transaction, which the failure aborts) stops there.
 */
async function runStatements<S>(
  ctx: CommandContext,
  statements: S[],
  ordered: boolean,
  run: (write: WriteContext, statement: S, index: number) => void,
): Promise<Document[]> {
  const write = ctx.engine.newContext(ctx.txn);
  const writeErrors: Document[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      await ctx.engine.statement(write, () => run(write, statements[i]!, i));
    } catch (error) {
      if (error instanceof MongoCommandError && error.extra.errorLabels) throw error;
      writeErrors.push(writeError(i, error));
      if (ctx.txn) {
        ctx.engine.transactions.abort(ctx.txn);
        break;
      }
      if (ordered) break;
    }
  }
  await ctx.engine.finish(write);
  return writeErrors;
}

function withErrors(reply: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...reply, writeErrors } : reply;
}

const insert: CommandHandler = async (ctx) => {
  const name = targetCollection(ctx);
  const docs = (ctx.command.documents as Document[]) ?? [];
  let n = 0;
  const writeErrors = await runStatements(ctx, docs, ctx.command.ordered !== false, (write, doc) => {
    const collection = ctx.engine.ensureCollection(write, ctx.db, name);
    ctx.engine.insert(write, collection, withIdFirst(doc));
    n++;
  });
  return withErrors({ n, ok: 1 }, writeErrors);
};

/** MongoDB stores _id as the first field, generating an ObjectId when the client sent none. */
function withIdFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id: _id === undefined ? new ObjectId() : _id, ...rest };
}

interface UpdateStatement {
  q: Document;
  u: UpdateSpec;
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
  sort?: SortSpec;
}

interface UpdateOutcome {
  matched: number;
  modified: number;
  before?: Document;
  after?: Document;
  upsertedId?: unknown;
}

/** One update statement: lock the targets, then write them (or insert the upsert document). */
function applyUpdateStatement(ctx: CommandContext, write: WriteContext, name: string, statement: UpdateStatement): UpdateOutcome {
  const existing = ctx.engine.collection(ctx.db, name);
  const targets = existing?.find(statement.q ?? {}, { sort: statement.sort, limit: statement.multi ? 0 : 1 }) ?? [];
  if (targets.length === 0) {
    if (!statement.upsert) return { matched: 0, modified: 0 };
    const doc = upsertDocument(statement.q ?? {}, statement.u, statement.arrayFilters);
    ctx.engine.insert(write, ctx.engine.ensureCollection(write, ctx.db, name), doc);
    return { matched: 0, modified: 0, after: doc, upsertedId: doc._id };
  }
  const collection = existing as Collection;
  ctx.engine.lockDocuments(write, collection, targets.map((doc) => doc._id));
  const updates = targets.map((before) => ({ before, updated: updateDocument(before, statement.u, statement.arrayFilters) }));
  let modified = 0;
  for (const { before, updated } of updates) {
    if (!updated) continue;
    ctx.engine.replace(write, collection, before, updated.after, updated.description);
    modified++;
  }
  const first = updates[0]!;
  return { matched: targets.length, modified, before: first.before, after: first.updated?.after ?? first.before };
}

const update: CommandHandler = async (ctx) => {
  const name = targetCollection(ctx);
  let matched = 0;
  let modified = 0;
  const upserted: Document[] = [];
  const statements = (ctx.command.updates as UpdateStatement[]) ?? [];
  const writeErrors = await runStatements(ctx, statements, ctx.command.ordered !== false, (write, statement, index) => {
    const outcome = applyUpdateStatement(ctx, write, name, statement);
    matched += outcome.matched;
    modified += outcome.modified;
    if (outcome.upsertedId !== undefined) upserted.push({ index, _id: outcome.upsertedId });
  });
  const reply: Document = { n: matched + upserted.length, nModified: modified, ok: 1 };
  if (upserted.length > 0) reply.upserted = upserted;
  return withErrors(reply, writeErrors);
};

interface DeleteStatement {
  q: Document;
  limit: number;
}

const remove: CommandHandler = async (ctx) => {
  const collection = ctx.engine.collection(ctx.db, targetCollection(ctx));
  let n = 0;
  const statements = (ctx.command.deletes as DeleteStatement[]) ?? [];
  const writeErrors = await runStatements(ctx, statements, ctx.command.ordered !== false, (write, statement) => {
    if (!collection) return;
    const targets = collection.find(statement.q ?? {}, { limit: Number(statement.limit) === 1 ? 1 : 0 });
    ctx.engine.lockDocuments(write, collection, targets.map((doc) => doc._id));
    for (const doc of targets) ctx.engine.remove(write, collection, doc);
    n += targets.length;
  });
  return withErrors({ n, ok: 1 }, writeErrors);
};

const findAndModify: CommandHandler = async (ctx) => {
  const { command } = ctx;
  const name = targetCollection(ctx);
  const write = ctx.engine.newContext(ctx.txn);
  const projection = (command.fields ?? command.projection) as Document | undefined;
  let reply: Document;
  if (command.remove) {
    if (command.update !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    reply = await ctx.engine.statement(write, () => {
      const collection = ctx.engine.collection(ctx.db, name);
      const target = collection?.find(command.query ?? {}, { sort: command.sort as SortSpec, limit: 1 })[0];
      if (target) ctx.engine.remove(write, collection!, target);
      return { lastErrorObject: { n: target ? 1 : 0 }, value: target ?? null };
    });
  } else {
    if (command.update === undefined) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
    reply = await ctx.engine.statement(write, () => {
      const statement: UpdateStatement = {
        q: command.query ?? {},
        u: command.update as UpdateSpec,
        upsert: command.upsert === true,
        sort: command.sort as SortSpec,
        arrayFilters: command.arrayFilters as Document[],
      };
      const outcome = applyUpdateStatement(ctx, write, name, statement);
      const value = command.new === true ? outcome.after : outcome.before;
      const lastErrorObject: Document = { n: outcome.matched + (outcome.upsertedId !== undefined ? 1 : 0), updatedExisting: outcome.matched > 0 };
      if (outcome.upsertedId !== undefined) lastErrorObject.upserted = outcome.upsertedId;
      return { lastErrorObject, value: value ?? null };
    });
  }
  await ctx.engine.finish(write);
  if (reply.value && projection) reply.value = applyProjection([reply.value as Document], projection)[0];
  return { ...reply, ok: 1 };
};

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: remove, findAndModify };
