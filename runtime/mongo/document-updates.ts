// Computing the new version of a document for update/findAndModify: operator updates (mingo),
// replacements and pipeline updates, upsert documents, and the change event's update description.
import { ObjectId, type Document } from 'bson';
import { canonicalKey } from './bson-order';
import type { UpdateDescription } from './engine';
import { MongoCommandError } from './errors';
import { deepCopy } from './deep-copy';
import { applyPipelineUpdate, applyUpdate, isOperatorUpdate, upsertSeed, validateUpdate } from './mingo-extensions';
import { isTopLevelUpdate } from './top-level-update';

function valueAtPath(doc: Document, path: string): { found: boolean; value?: unknown } {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !(part in current)) return { found: false };
    current = (current as Document)[part];
  }
  return { found: true, value: current };
}

function withIdFirst(doc: Document, id: unknown): Document {
  const { _id: _ignored, ...rest } = doc;
  return { _id: id, ...rest };
}

export type UpdateSpec = Document | Document[];

export interface UpdatedDocument {
  after: Document;
  /** Set for operator and pipeline updates ('update' events); absent for replacements. */
  description?: UpdateDescription;
}

function describe(before: Document, after: Document, paths: string[]): UpdateDescription {
  const updatedFields: Document = {};
  const removedFields: string[] = [];
  for (const path of paths) {
    const { found, value } = valueAtPath(after, path);
    if (found) updatedFields[path] = value;
    else if (valueAtPath(before, path).found) removedFields.push(path);
  }
  return { updatedFields, removedFields, truncatedArrays: [] };
}

function topLevelChanges(before: Document, after: Document): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !(k in before) || !(k in after) || canonicalKey(before[k]) !== canonicalKey(after[k]));
}

/** The updated document, or undefined when the update changes nothing. */
export function updateDocument(before: Document, update: UpdateSpec, arrayFilters?: Document[]): UpdatedDocument | undefined {
  let after: Document;
  let description: UpdateDescription | undefined;
  if (Array.isArray(update)) {
    after = applyPipelineUpdate(deepCopy(before), update);
    const changed = topLevelChanges(before, after);
    if (changed.length === 0) return undefined;
    description = describe(before, after, changed);
  } else if (isOperatorUpdate(update)) {
    validateUpdate(update);
    // A top-level update replaces whole fields, so the stored document's nested values can be shared.
    after = isTopLevelUpdate(update) ? { ...before } : deepCopy(before);
    const paths = applyUpdate(after, update, { inserting: false, arrayFilters });
    if (paths.length === 0) return undefined;
    description = describe(before, after, paths);
  } else {
    if ('_id' in update && canonicalKey(update._id) !== canonicalKey(before._id)) {
      throw new MongoCommandError('ImmutableField', "After applying the update, the (immutable) field '_id' was found to have been altered");
    }
    after = withIdFirst(update, before._id);
  }
  if (canonicalKey(after._id) !== canonicalKey(before._id)) {
    throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return { after, description };
}

/** The document an upsert inserts when nothing matched `filter`. */
export function upsertDocument(filter: Document, update: UpdateSpec, arrayFilters?: Document[]): Document {
  const seed = upsertSeed(filter);
  let doc: Document;
  if (Array.isArray(update)) doc = applyPipelineUpdate(seed, update);
  else if (isOperatorUpdate(update)) {
    validateUpdate(update);
    doc = seed;
    applyUpdate(doc, update, { inserting: true, arrayFilters });
  } else doc = { ...update, ...('_id' in seed ? { _id: seed._id } : {}) };
  return withIdFirst(doc, doc._id ?? new ObjectId());
}
