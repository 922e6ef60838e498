// Writes: insert, update, delete, findAndModify.
import type { Document } from 'bson';
import type { UpdateSpec } from '../document-updates';
import { MongoCommandError } from '../errors';
import { applyProjection } from '../mingo-extensions';
import type { SortSpec } from '../query-planner';
import type { CommandHandler } from './context';
import { targetCollection } from './context';
import { deleteStatement, insertStatement, runStatements, updateStatement, type StatementFailure, type UpdateStatement } from './write-statements';

function withErrors(reply: Document, failures: StatementFailure[]): Document {
  return failures.length > 0 ? { ...reply, writeErrors: failures.map(({ index, error }) => ({ index, ...error })) } : reply;
}

const insert: CommandHandler = async (ctx) => {
  const name = targetCollection(ctx);
  const docs = (ctx.command.documents as Document[]) ?? [];
  let n = 0;
  const failures = await runStatements(ctx, docs, ctx.command.ordered !== false, (write, doc) => {
    insertStatement(ctx.engine, write, ctx.db, name, doc);
    n++;
  });
  return withErrors({ n, ok: 1 }, failures);
};

const update: CommandHandler = async (ctx) => {
  const name = targetCollection(ctx);
  let matched = 0;
  let modified = 0;
  const upserted: Document[] = [];
  const statements = (ctx.command.updates as UpdateStatement[]) ?? [];
  const failures = await runStatements(ctx, statements, ctx.command.ordered !== false, (write, statement, index) => {
    const outcome = updateStatement(ctx.engine, write, ctx.db, name, statement);
    matched += outcome.matched;
    modified += outcome.modified;
    if (outcome.upsertedId !== undefined) upserted.push({ index, _id: outcome.upsertedId });
  });
  const reply: Document = { n: matched + upserted.length, nModified: modified, ok: 1 };
  if (upserted.length > 0) reply.upserted = upserted;
  return withErrors(reply, failures);
};

interface DeleteStatement {
  q: Document;
  limit: number;
}

const remove: CommandHandler = async (ctx) => {
  const name = targetCollection(ctx);
  let n = 0;
  const statements = (ctx.command.deletes as DeleteStatement[]) ?? [];
  const failures = await runStatements(ctx, statements, ctx.command.ordered !== false, (write, statement) => {
    n += deleteStatement(ctx.engine, write, ctx.db, name, statement.q, Number(statement.limit) === 1);
  });
  return withErrors({ n, ok: 1 }, failures);
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
      const outcome = updateStatement(ctx.engine, write, ctx.db, name, statement);
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
