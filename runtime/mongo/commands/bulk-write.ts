// bulkWrite (MongoDB 8.0): inserts, updates and deletes on any collections in one command, run
// against the admin database; the driver's `MongoClient.bulkWrite` sends it.
import { Long, type Document } from 'bson';
import type { UpdateSpec } from '../document-updates';
import type { WriteContext } from '../engine';
import { MongoCommandError } from '../errors';
import type { SortSpec } from '../query-planner';
import type { CommandContext, CommandHandler } from './context';
import { deleteStatement, insertStatement, runStatements, updateStatement } from './write-statements';

type Operation =
  | { insert: number; document: Document }
  | { update: number; filter: Document; updateMods: UpdateSpec; multi?: boolean; upsert?: boolean; arrayFilters?: Document[]; sort?: SortSpec }
  | { delete: number; filter: Document; multi?: boolean };

interface Namespace {
  db: string;
  coll: string;
}

function parseNamespaces(nsInfo: unknown): Namespace[] {
  if (!Array.isArray(nsInfo)) throw new MongoCommandError('FailedToParse', "BSON field 'bulkWrite.nsInfo' is missing but a required field");
  return nsInfo.map((info: Document) => {
    const ns = String(info?.ns ?? '');
    const dot = ns.indexOf('.');
    if (dot <= 0 || dot === ns.length - 1) throw new MongoCommandError('InvalidNamespace', `Invalid namespace specified '${ns}'`);
    return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) };
  });
}

function namespaceOf(namespaces: Namespace[], index: unknown): Namespace {
  const ns = typeof index === 'number' ? namespaces[index] : undefined;
  if (!ns) throw new MongoCommandError('BadValue', `BulkWrite ops entry refers to namespace index ${String(index)}, which is not in nsInfo`);
  return ns;
}

type Counts = Record<'nInserted' | 'nMatched' | 'nModified' | 'nUpserted' | 'nDeleted', number>;

/** One op's contribution to the counts, and its entry in the reply's cursor. */
interface OpResult {
  counts: Partial<Counts>;
  item: Document;
}

function runOp(ctx: CommandContext, write: WriteContext, namespaces: Namespace[], op: Operation, idx: number): OpResult {
  if ('insert' in op) {
    const { db, coll } = namespaceOf(namespaces, op.insert);
    insertStatement(ctx.engine, write, db, coll, op.document);
    return { counts: { nInserted: 1 }, item: { ok: 1, idx, n: 1 } };
  }
  if ('update' in op) {
    const { db, coll } = namespaceOf(namespaces, op.update);
    const outcome = updateStatement(ctx.engine, write, db, coll, { q: op.filter, u: op.updateMods, multi: op.multi, upsert: op.upsert, arrayFilters: op.arrayFilters, sort: op.sort });
    const upserted = outcome.upsertedId !== undefined;
    return {
      counts: { nMatched: outcome.matched, nModified: outcome.modified, nUpserted: upserted ? 1 : 0 },
      item: { ok: 1, idx, n: outcome.matched + (upserted ? 1 : 0), nModified: outcome.modified, ...(upserted ? { upserted: { _id: outcome.upsertedId } } : {}) },
    };
  }
  if ('delete' in op) {
    const { db, coll } = namespaceOf(namespaces, op.delete);
    const n = deleteStatement(ctx.engine, write, db, coll, op.filter, op.multi === true ? 0 : 1);
    return { counts: { nDeleted: n }, item: { ok: 1, idx, n } };
  }
  throw new MongoCommandError('FailedToParse', 'Unrecognized bulkWrite op: expected insert, update or delete');
}

const bulkWrite: CommandHandler = async (ctx) => {
  if (ctx.db !== 'admin') throw new MongoCommandError('Unauthorized', 'bulkWrite may only be run against the admin database.');
  const namespaces = parseNamespaces(ctx.command.nsInfo);
  const ops = (ctx.command.ops as Operation[] | undefined) ?? [];
  const errorsOnly = ctx.command.errorsOnly === true;
  const outcome = await runStatements(ctx, ops, ctx.command.ordered !== false, (write, op, idx) => runOp(ctx, write, namespaces, op, idx));
  const counts: Counts = { nInserted: 0, nMatched: 0, nModified: 0, nUpserted: 0, nDeleted: 0 };
  const results: Document[] = [];
  for (const result of outcome.results) {
    if (!result) continue;
    for (const [name, n] of Object.entries(result.counts) as Array<[keyof Counts, number]>) counts[name] += n;
    if (!errorsOnly) results.push(result.item);
  }
  for (const { index, error } of outcome.failures) results.push({ ok: 0, idx: index, ...error });
  results.sort((a, b) => a.idx - b.idx);
  return {
    cursor: { id: Long.ZERO, firstBatch: results, ns: 'admin.$cmd.bulkWrite' },
    nErrors: outcome.failures.length,
    ...counts,
    ...(outcome.retried.length > 0 ? { retriedStmtIds: outcome.retried } : {}),
    ok: 1,
  };
};

export const bulkWriteCommands: Record<string, CommandHandler> = { bulkWrite };
