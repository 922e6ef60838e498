// Databases and collections: listCollections, create, drop, dropDatabase, listDatabases, compact.
import type { Document } from 'bson';
import { MongoCommandError } from '../errors';
import { Query } from '../mingo-context';
import { MINGO_OPTIONS } from '../mingo-extensions';
import type { CommandContext, CommandHandler } from './context';
import { targetCollection } from './context';
import { firstBatchReply } from './queries';

const ID_INDEX_INFO = { v: 2, key: { _id: 1 }, name: '_id_' };

function filtered(docs: Document[], filter: unknown): Document[] {
  if (!filter || typeof filter !== 'object' || Object.keys(filter).length === 0) return docs;
  return new Query(filter as Document, MINGO_OPTIONS).find<Document>(docs).all();
}

const listCollections: CommandHandler = (ctx) => {
  const nameOnly = ctx.command.nameOnly === true;
  const infos = ctx.engine.collections(ctx.db).map((collection) =>
    nameOnly
      ? { name: collection.name, type: 'collection' }
      : { name: collection.name, type: 'collection', options: {}, info: { readOnly: false }, idIndex: ID_INDEX_INFO },
  );
  const batchSize = (ctx.command.cursor as Document | undefined)?.batchSize;
  return firstBatchReply(ctx, `${ctx.db}.$cmd.listCollections`, filtered(infos, ctx.command.filter), batchSize);
};

async function create(ctx: CommandContext): Promise<Document> {
  const name = targetCollection(ctx);
  if (ctx.engine.collection(ctx.db, name)) throw new MongoCommandError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
  const write = ctx.engine.newContext(ctx.txn);
  ctx.engine.ensureCollection(write, ctx.db, name);
  await ctx.engine.finish(write);
  return { ok: 1 };
}

async function drop(ctx: CommandContext): Promise<Document> {
  const write = ctx.engine.newContext(ctx.txn);
  const collection = ctx.engine.collection(ctx.db, targetCollection(ctx));
  if (!collection) throw new MongoCommandError('NamespaceNotFound', 'ns not found');
  const nIndexesWas = collection.indexes.size;
  ctx.engine.dropCollection(write, ctx.db, collection.name);
  await ctx.engine.finish(write);
  return { nIndexesWas, ns: collection.ns, ok: 1 };
}

async function dropDatabase(ctx: CommandContext): Promise<Document> {
  const write = ctx.engine.newContext(ctx.txn);
  ctx.engine.dropDatabase(write, ctx.db);
  await ctx.engine.finish(write);
  return { dropped: ctx.db, ok: 1 };
}

const listDatabases: CommandHandler = (ctx) => {
  const databases = ctx.engine.databaseNames().map((name) => {
    const docs = ctx.engine.collections(name).reduce((n, collection) => n + collection.docs.size, 0);
    return ctx.command.nameOnly === true ? { name } : { name, sizeOnDisk: docs * 300, empty: docs === 0 };
  });
  const shown = filtered(databases, ctx.command.filter);
  return { databases: shown, totalSize: shown.reduce((n, db) => n + Number(db.sizeOnDisk ?? 0), 0), ok: 1 };
};

/** Rewrites the snapshot and starts a fresh operation log (does nothing without a data directory). */
const compact: CommandHandler = (ctx) => ({ compacted: ctx.engine.compactNow(), ok: 1 });

export const catalogCommands: Record<string, CommandHandler> = { listCollections, create, drop, dropDatabase, listDatabases, compact };
