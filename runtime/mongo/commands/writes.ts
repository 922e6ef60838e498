// Writes: insert, update, delete, findAndModify.
import type { Document } from 'bson';
import type { UpdateSpec } from '../document-updates';
import type { WriteContext } from '../engine';
import { MongoCommandError } from '../errors';
import { applyProjection } from '../mingo-extensions';
import type { SortSpec } from '../query-planner';
import type { CommandContext, CommandHandler } from './context';
import { targetCollection } from './context';
import { deleteStatement, holdingHistory, insertStatement, runStatements, updateStatement, type StatementsOutcome, type UpdateStatement } from './write-statements';

/** The reply with the failed statements and those a retry found already run, if any. */
function withOutcome(reply: Document, { failures, retried }: StatementsOutcome<unknown>): Document {
  if (failures.length > 0) reply.writeErrors = failures.map(({ index, error }) => ({ index, ...error }));
  if (retried.length > 0) reply.retriedStmtIds = retried;
  return reply;
}

const insert: CommandHandler = async (ctx) => {
  const name = targetCollection(ctx);
  const docs = (ctx.command.documents as Document[]) ?? [];
  const outcome = await runStatements(ctx, docs, ctx.command.ordered !== false, (write, doc) => {
    insertStatement(ctx.engine, write, ctx.db, name, doc);
    return true;
  });
  const n = outcome.results.filter((inserted) => inserted).length;
  return withOutcome({ n, ok: 1 }, outcome);
};

const update: CommandHandler = async (ctx) => {
  const name = targetCollection(ctx);
  const statements = (ctx.command.updates as UpdateStatement[]) ?? [];
  const outcome = await runStatements(ctx, statements, ctx.command.ordered !== false, (write, statement) => {
    const { matched, modified, upsertedId } = updateStatement(ctx.engine, write, ctx.db, name, statement);
    return { matched, modified, upsertedId };
  });
  let matched = 0;
  let modified = 0;
  const upserted: Document[] = [];
  outcome.results.forEach((result, index) => {
    if (!result) return;
    matched += result.matched;
    modified += result.modified;
    if (result.upsertedId !== undefined) upserted.push({ index, _id: result.upsertedId });
  });
  const reply: Document = { n: matched + upserted.length, nModified: modified, ok: 1 };
  if (upserted.length > 0) reply.upserted = upserted;
  return withOutcome(reply, outcome);
};

interface DeleteStatement {
  q: Document;
  limit: number;
}

const remove: CommandHandler = async (ctx) => {
  const name = targetCollection(ctx);
  const statements = (ctx.command.deletes as DeleteStatement[]) ?? [];
  const outcome = await runStatements(ctx, statements, ctx.command.ordered !== false, (write, statement) =>
    deleteStatement(ctx.engine, write, ctx.db, name, statement.q, Number(statement.limit) === 1 ? 1 : 0),
  );
  const n = outcome.results.reduce((sum: number, deleted = 0) => sum + deleted, 0);
  return withOutcome({ n, ok: 1 }, outcome);
};

function removeOne(ctx: CommandContext, write: WriteContext): Document {
  const { command } = ctx;
  const collection = ctx.engine.collection(ctx.db, targetCollection(ctx));
  const target = collection?.find(command.query ?? {}, { sort: command.sort as SortSpec, limit: 1 })[0];
  if (target) ctx.engine.remove(write, collection!, target);
  return { lastErrorObject: { n: target ? 1 : 0 }, value: target ?? null };
}

function modifyOne(ctx: CommandContext, write: WriteContext): Document {
  const { command } = ctx;
  const statement: UpdateStatement = {
    q: command.query ?? {},
    u: command.update as UpdateSpec,
    upsert: command.upsert === true,
    sort: command.sort as SortSpec,
    arrayFilters: command.arrayFilters as Document[],
  };
  const outcome = updateStatement(ctx.engine, write, ctx.db, targetCollection(ctx), statement);
  const value = command.new === true ? outcome.after : outcome.before;
  const lastErrorObject: Document = { n: outcome.matched + (outcome.upsertedId !== undefined ? 1 : 0), updatedExisting: outcome.matched > 0 };
  if (outcome.upsertedId !== undefined) lastErrorObject.upserted = outcome.upsertedId;
  return { lastErrorObject, value: value ?? null };
}

const findAndModify: CommandHandler = async (ctx) => {
  const { command } = ctx;
  if (command.remove && command.update !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!command.remove && command.update === undefined) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const reply = await holdingHistory(ctx, async (history) => {
    const recorded = history?.result(0) as Document | undefined;
    if (recorded) return recorded;
    const write = ctx.engine.newContext(ctx.txn);
    const result = await ctx.engine.statement(write, () => (command.remove ? removeOne(ctx, write) : modifyOne(ctx, write)));
    await ctx.engine.finish(write);
    history?.record(0, result);
    return result;
  });
  const projection = (command.fields ?? command.projection) as Document | undefined;
  const value = reply.value && projection ? applyProjection([reply.value as Document], projection)[0] : reply.value;
  return { ...reply, value, ok: 1 };
};

export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: remove, findAndModify };
