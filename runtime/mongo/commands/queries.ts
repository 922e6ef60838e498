// Reads: find, getMore, killCursors, count, distinct, explain.
import { type Document } from 'bson';
import { resolve } from 'mingo/util';
import { canonicalKey } from '../bson-order';
import type { FindOptions } from '../collection';
import { cursorReply, DEFAULT_FIRST_BATCH, takeBatch, type DocumentCursor } from '../cursors';
import { MongoCommandError } from '../errors';
import { applyProjection } from '../mingo-extensions';
import type { SortSpec } from '../query-planner';
import type { CommandContext, CommandHandler } from './context';
import { targetCollection } from './context';

const DEFAULT_CHANGE_STREAM_WAIT_MS = 1000;

function findOptions(command: Document): FindOptions & { singleBatch: boolean } {
  const limit = Number(command.limit ?? 0);
  return {
    sort: command.sort && Object.keys(command.sort).length > 0 ? (command.sort as SortSpec) : undefined,
    skip: Number(command.skip ?? 0),
    limit: Math.abs(limit),
    singleBatch: command.singleBatch === true || limit < 0,
  };
}

/** Replies with the first batch of `docs` and keeps the rest in a cursor if needed. */
export function firstBatchReply(ctx: CommandContext, ns: string, docs: Document[], batchSize: unknown, singleBatch = false): Document {
  const size = batchSize === undefined ? DEFAULT_FIRST_BATCH : Number(batchSize);
  const batch = takeBatch(docs, 0, size);
  if (batch.length === docs.length || singleBatch) return cursorReply(0, ns, 'firstBatch', batch);
  const cursor = ctx.cursors.open<DocumentCursor>({ kind: 'documents', ns, docs, position: batch.length });
  return cursorReply(cursor.id, ns, 'firstBatch', batch);
}

function runFind(ctx: CommandContext, command: Document): { docs: Document[]; ns: string } {
  const name = String(command.find);
  const ns = `${ctx.db}.${name}`;
  const collection = ctx.engine.collection(ctx.db, name);
  if (!collection) return { docs: [], ns };
  const options = findOptions(command);
  const docs = collection.find((command.filter as Document) ?? {}, options);
  return { docs: applyProjection(docs, command.projection as Document | undefined), ns };
}

const find: CommandHandler = (ctx) => {
  const { docs, ns } = runFind(ctx, ctx.command);
  return firstBatchReply(ctx, ns, docs, ctx.command.batchSize, findOptions(ctx.command).singleBatch);
};

async function getMore(ctx: CommandContext): Promise<Document> {
  const ns = `${ctx.db}.${String(ctx.command.collection)}`;
  const cursor = ctx.cursors.get(ctx.command.getMore, ns);
  const batchSize = ctx.command.batchSize === undefined ? Infinity : Number(ctx.command.batchSize);
  if (cursor.kind === 'documents') {
    const batch = takeBatch(cursor.docs, cursor.position, batchSize);
    cursor.position += batch.length;
    const exhausted = cursor.position >= cursor.docs.length;
    if (exhausted) ctx.cursors.close(cursor.id);
    return cursorReply(exhausted ? 0 : cursor.id, ns, 'nextBatch', batch);
  }
  const waitMs = Number(ctx.command.maxTimeMS ?? DEFAULT_CHANGE_STREAM_WAIT_MS);
  const deadline = Date.now() + waitMs;
  let batch = cursor.reader.read(batchSize);
  while (batch.length === 0 && Date.now() < deadline && !ctx.signal.aborted) {
    await ctx.engine.changeLog.waitForEvent(deadline - Date.now(), ctx.signal);
    batch = cursor.reader.read(batchSize);
  }
  return cursorReply(cursor.id, ns, 'nextBatch', batch, { postBatchResumeToken: cursor.reader.resumeToken });
}

const count: CommandHandler = (ctx) => {
  const collection = ctx.engine.collection(ctx.db, targetCollection(ctx));
  const query = (ctx.command.query as Document) ?? {};
  const skip = Number(ctx.command.skip ?? 0);
  const limit = Math.abs(Number(ctx.command.limit ?? 0));
  let n = !collection ? 0 : Object.keys(query).length === 0 ? collection.docs.size : collection.find(query).length;
  n = Math.max(0, n - skip);
  return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 };
};

const distinct: CommandHandler = (ctx) => {
  const collection = ctx.engine.collection(ctx.db, targetCollection(ctx));
  const key = String(ctx.command.key);
  const values = new Map<string, unknown>();
  for (const doc of collection?.find((ctx.command.query as Document) ?? {}) ?? []) {
    const value = resolve(doc, key, { unwrapArray: true });
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) values.set(canonicalKey(v), v);
  }
  return { values: [...values.values()], ok: 1 };
};

/** `explain` for find: which index the planner used and how many documents it examined. */
const explain: CommandHandler = (ctx) => {
  const inner = ctx.command.explain as Document;
  if (!inner || typeof inner.find !== 'string') throw new MongoCommandError('IllegalOperation', 'explain is only supported for find');
  const { docs, ns } = runFind(ctx, inner);
  const stats = ctx.engine.collection(ctx.db, inner.find)?.lastQueryStats ?? { keysExamined: 0, docsExamined: 0 };
  const winningPlan = stats.indexName ? { stage: 'IXSCAN', indexName: stats.indexName } : { stage: 'COLLSCAN' };
  return {
    queryPlanner: { namespace: ns, winningPlan },
    executionStats: { nReturned: docs.length, totalKeysExamined: stats.keysExamined, totalDocsExamined: stats.docsExamined },
    ok: 1,
  };
};

export const queryCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors: (ctx) => ({ ...ctx.cursors.kill((ctx.command.cursors as unknown[]) ?? []), ok: 1 }),
  count,
  distinct,
  explain,
};
