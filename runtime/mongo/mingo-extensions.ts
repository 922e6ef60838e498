// The small pieces of MongoDB semantics mingo leaves out, built on mingo's own operators:
// $setOnInsert for upserts, seeding an upsert document from its filter, and shared options.
import type { Document } from 'bson';
import { update as applyMingoUpdate, type Modifier } from 'mingo/updater';
import { MongoCommandError } from './errors';
import { compileExprFilter } from './expr-filter';
import { Aggregator, Query } from './mingo-context';
import { compileSimpleFilter } from './simple-filter';
import { compileTopLevelProjection } from './top-level-projection';
import { applyTopLevelUpdate, isTopLevelUpdate } from './top-level-update';

export const MINGO_OPTIONS = { idKey: '_id' } as const;

/** Update operators mingo implements, plus $setOnInsert which this module adds. */
const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$push', '$pull', '$pullAll', '$pop',
  '$addToSet', '$bit', '$currentDate', '$setOnInsert',
]);

export function isOperatorUpdate(update: Document): boolean {
  const keys = Object.keys(update);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

export function validateUpdate(update: Document): void {
  for (const op of Object.keys(update)) {
    if (!UPDATE_OPERATORS.has(op)) {
      throw new MongoCommandError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
  }
  if ('_id' in (update.$set ?? {}) || '_id' in (update.$unset ?? {}) || '_id' in (update.$inc ?? {})) {
    throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
}

/**
 * Applies an operator update to `doc` in place with mingo. `$setOnInsert` acts as `$set` when the
 * update is inserting a new document (upsert) and is ignored otherwise. Returns modified paths.
 */
export function applyUpdate(doc: Document, update: Document, options: { inserting: boolean; arrayFilters?: Document[] }): string[] {
  const { $setOnInsert, ...rest } = update;
  const modifier: Document = { ...rest };
  if (options.inserting && $setOnInsert) modifier.$set = { ...(modifier.$set ?? {}), ...$setOnInsert };
  if (Object.keys(modifier).length === 0) return [];
  const direct = isTopLevelUpdate(modifier) ? applyTopLevelUpdate(doc, modifier) : undefined;
  if (direct) return direct;
  return applyMingoUpdate(doc, modifier as Modifier<Document>, options.arrayFilters, undefined, { cloneMode: 'deep' });
}

/** Applies an aggregation-pipeline style update ([{$set: …}, …]) and returns the new document. */
export function applyPipelineUpdate(doc: Document, pipeline: Document[]): Document {
  const [result] = new Aggregator(pipeline, MINGO_OPTIONS).run([doc]);
  return result ?? doc;
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let target: Document = doc;
  for (const part of parts.slice(0, -1)) {
    if (typeof target[part] !== 'object' || target[part] === null) target[part] = {};
    target = target[part] as Document;
  }
  target[parts[parts.length - 1]!] = value;
}

/** The document an upsert starts from: the filter's equality conditions (MongoDB's rule). */
export function upsertSeed(filter: Document): Document {
  const seed: Document = {};
  const visit = (clause: Document): void => {
    for (const [field, value] of Object.entries(clause)) {
      if (field === '$and' && Array.isArray(value)) {
        for (const sub of value) visit(sub as Document);
      } else if (!field.startsWith('$')) {
        const isOperators = value !== null && typeof value === 'object' && !Array.isArray(value) &&
          Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).some((k) => k.startsWith('$'));
        if (!isOperators) setPath(seed, field, value);
        else if ('$eq' in value) setPath(seed, field, value.$eq);
      }
    }
  };
  visit(filter);
  return seed;
}

export interface FilterMatcher {
  test(doc: Document): boolean;
}

/**
 * A filter's matcher: simple filters skip mingo (simple-filter.ts), and so do compiled `$expr`
 * conditions (expr-filter.ts); mingo compiles the rest up front, so an invalid one fails at once.
 */
export function compileFilter(filter: Document): FilterMatcher {
  const direct = compileSimpleFilter(filter) ?? compileExprFilter(filter, compileFilter);
  if (!direct) return new Query(filter, MINGO_OPTIONS);
  let query: Query | undefined;
  return { test: (doc) => direct(doc) ?? (query ??= new Query(filter, MINGO_OPTIONS)).test(doc) };
}

export function applyProjection(docs: Document[], projection: Document | undefined): Document[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const direct = compileTopLevelProjection(projection);
  if (direct) return docs.map(direct);
  return new Query({}, MINGO_OPTIONS).find<Document>(docs, projection).all();
}
