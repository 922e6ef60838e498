// Projections of the hot path applied without mingo: each field top-level and either all included
// or all excluded (`_id` may be excluded from an inclusion). mingo builds a query and a cursor per
// call, and every seq claim (`findAndModify` with a projection) paid that. Anything else — dotted
// paths, operators, computed fields — goes to mingo.
import type { Document } from 'bson';

export type Projector = (doc: Document) => Document;

const flag = (value: unknown): boolean | undefined => {
  if (value === 1 || value === true) return true;
  if (value === 0 || value === false) return false;
  return undefined;
};

/** The projector for a projection of that simple shape, or undefined for any other projection. */
export function compileTopLevelProjection(projection: Document): Projector | undefined {
  const included = new Set<string>();
  const excluded = new Set<string>();
  for (const [field, value] of Object.entries(projection)) {
    if (field === '' || field.startsWith('$') || field.includes('.')) return undefined;
    const include = flag(value);
    if (include === undefined) return undefined;
    (include ? included : excluded).add(field);
  }
  if (included.size > 0) {
    if ([...excluded].some((field) => field !== '_id')) return undefined; // MongoDB rejects the mix: mingo says so
    if (!excluded.has('_id')) included.add('_id');
    // Fields in the document's own order, as MongoDB returns them.
    return (doc) => {
      const out: Document = {};
      for (const field in doc) if (included.has(field)) out[field] = doc[field];
      return out;
    };
  }
  return (doc) => {
    const out: Document = {};
    for (const field in doc) if (!excluded.has(field)) out[field] = doc[field];
    return out;
  };
}
