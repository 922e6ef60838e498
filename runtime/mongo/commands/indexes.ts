// Index management: createIndexes, listIndexes, dropIndexes.
import { EJSON, type Document } from 'bson';
import { ID_INDEX, type Collection } from '../collection';
import { cursorReply } from '../cursors';
import { MongoCommandError } from '../errors';
import type { IndexSpec } from '../indexes';
import type { CommandContext, CommandHandler } from './context';
import { targetCollection } from './context';
import { parseExpireAfterSeconds } from './ttl-option';

/** Index options this server does not implement: refusing them beats silently ignoring them. */
const UNSUPPORTED_OPTIONS = ['partialFilterExpression', 'sparse', 'collation', 'wildcardProjection', 'hidden'];

function sameKey(a: Record<string, number>, b: Record<string, number>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function parseSpec(raw: Document): IndexSpec {
  const key = raw.key as Record<string, unknown> | undefined;
  if (!key || Object.keys(key).length === 0) throw new MongoCommandError('BadValue', 'Index key pattern must be a non-empty document');
  for (const [field, direction] of Object.entries(key)) {
    if (Number(direction) !== 1 && Number(direction) !== -1) {
      throw new MongoCommandError('BadValue', `Index type '${String(direction)}' on field '${field}' is not supported by the embedded MongoDB server`);
    }
  }
  for (const option of UNSUPPORTED_OPTIONS) {
    if (raw[option] !== undefined) throw new MongoCommandError('BadValue', `Index option '${option}' is not supported by the embedded MongoDB server`);
  }
  const expireAfterSeconds = parseExpireAfterSeconds(raw, key);
  const normalized = Object.fromEntries(Object.entries(key).map(([f, d]) => [f, Number(d) as 1 | -1]));
  const name = typeof raw.name === 'string' ? raw.name : Object.entries(normalized).map(([f, d]) => `${f}_${d}`).join('_');
  return { name, key: normalized, ...(raw.unique === true ? { unique: true } : {}), ...(expireAfterSeconds === undefined ? {} : { expireAfterSeconds }) };
}

/** Options that make two indexes on the same key different ones (a TTL index and a plain one are). */
function sameOptions(a: IndexSpec, b: IndexSpec): boolean {
  return Boolean(a.unique) === Boolean(b.unique) && a.expireAfterSeconds === b.expireAfterSeconds;
}

/** The spec as listIndexes and MongoDB's messages show it. */
function describeSpec(spec: IndexSpec): Document {
  return {
    v: 2,
    key: spec.key,
    name: spec.name,
    ...(spec.unique && spec.name !== ID_INDEX.name ? { unique: true } : {}),
    ...(spec.expireAfterSeconds === undefined ? {} : { expireAfterSeconds: spec.expireAfterSeconds }),
  };
}

async function createIndexes(ctx: CommandContext): Promise<Document> {
  const name = targetCollection(ctx);
  const write = ctx.engine.newContext(ctx.txn);
  const existed = ctx.engine.collection(ctx.db, name) !== undefined;
  const collection = ctx.engine.ensureCollection(write, ctx.db, name);
  const before = collection.indexes.size;
  try {
    for (const raw of (ctx.command.indexes as Document[]) ?? []) {
      const spec = parseSpec(raw);
      const sameName = collection.indexes.get(spec.name);
      if (sameName) {
        if (!sameKey(sameName.spec.key, spec.key)) {
          throw new MongoCommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index: ${spec.name}`);
        }
        if (!sameOptions(sameName.spec, spec)) {
          const [requested, existing] = [spec, sameName.spec].map((s) => EJSON.stringify(describeSpec(s), { relaxed: true }));
          throw new MongoCommandError(
            'IndexOptionsConflict',
            `An equivalent index already exists with the same name but different options. Requested index: ${requested}, existing index: ${existing}`,
          );
        }
        continue;
      }
      const sameKeyIndex = [...collection.indexes.values()].find((index) => sameKey(index.spec.key, spec.key));
      if (sameKeyIndex) {
        throw new MongoCommandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKeyIndex.name}`);
      }
      ctx.engine.createIndex(write, collection, spec);
    }
  } finally {
    await ctx.engine.finish(write);
  }
  return { createdCollectionAutomatically: !existed, numIndexesBefore: before, numIndexesAfter: collection.indexes.size, ok: 1 };
}

function requireCollection(ctx: CommandContext): Collection {
  const collection = ctx.engine.collection(ctx.db, targetCollection(ctx));
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${targetCollection(ctx)}`);
  return collection;
}

const listIndexes: CommandHandler = (ctx) => {
  const collection = requireCollection(ctx);
  const indexes = [...collection.indexes.values()].map(({ spec }) => describeSpec(spec));
  return cursorReply(0, collection.ns, 'firstBatch', indexes);
};

async function dropIndexes(ctx: CommandContext): Promise<Document> {
  const collection = requireCollection(ctx);
  const requested = ctx.command.index;
  const before = collection.indexes.size;
  let names: string[];
  if (requested === '*') names = [...collection.indexes.keys()].filter((n) => n !== ID_INDEX.name);
  else if (Array.isArray(requested)) names = requested.map(String);
  else if (typeof requested === 'string') names = [requested];
  else {
    const match = [...collection.indexes.values()].find((index) => sameKey(index.spec.key, requested as Record<string, number>));
    if (!match) throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(requested)}`);
    names = [match.name];
  }
  for (const name of names) {
    if (name === ID_INDEX.name) throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    if (!collection.indexes.has(name)) throw new MongoCommandError('IndexNotFound', `index not found with name [${name}]`);
  }
  const write = ctx.engine.newContext(ctx.txn);
  for (const name of names) ctx.engine.dropIndex(write, collection, name);
  await ctx.engine.finish(write);
  return { nIndexesWas: before, ok: 1 };
}

export const indexCommands: Record<string, CommandHandler> = { createIndexes, listIndexes, dropIndexes };
