// The hot updates applied without mingo: `$set`, `$inc`, `$min` and `$max` on distinct top-level
// fields. mingo builds an operator context for every update call and deep-copies what it sets;
// these updates touch only top-level fields, so the document needs only a shallow copy and the
// result is the one MongoDB gives.
import type { Document } from 'bson';
import { compareBson } from './bson-order';
import { deepCopy } from './deep-copy';

const DIRECT_OPERATORS = new Set(['$set', '$inc', '$min', '$max']);

const isPlainObject = (value: unknown): value is Document => value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
const isPlainNumber = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);

/** True when every operator is one of the direct ones and names distinct, plain top-level fields (never `_id`). */
export function isTopLevelUpdate(modifier: Document): boolean {
  const fields = new Set<string>();
  for (const [operator, operand] of Object.entries(modifier)) {
    if (!DIRECT_OPERATORS.has(operator) || !isPlainObject(operand)) return false;
    for (const field of Object.keys(operand)) {
      if (field === '' || field === '_id' || field === '__proto__' || field.includes('.') || field.startsWith('$') || fields.has(field)) return false;
      fields.add(field);
    }
  }
  return fields.size > 0;
}

/** Whether `operator` with `value` changes `doc[field]`; throws nothing, undefined when mingo should judge (a non-numeric $inc). */
function changes(doc: Document, operator: string, field: string, value: unknown): boolean | undefined {
  const present = field in doc;
  switch (operator) {
    case '$set':
      return !present || compareBson(doc[field], value) !== 0;
    case '$inc':
      if (!isPlainNumber(value) || (present && !isPlainNumber(doc[field]))) return undefined;
      return !present || value !== 0;
    case '$min':
      return !present || compareBson(value, doc[field]) < 0;
    default: // $max
      return !present || compareBson(value, doc[field]) > 0;
  }
}

/**
 * Applies a top-level update (see `isTopLevelUpdate`) to `doc` in place, sharing nothing with the
 * command. Returns the modified fields, sorted, or undefined (doc untouched) when mingo must apply
 * it instead, to report an error such as $inc on a string.
 */
export function applyTopLevelUpdate(doc: Document, modifier: Document): string[] | undefined {
  const planned: Array<[string, string, unknown]> = [];
  for (const [operator, operand] of Object.entries(modifier) as Array<[string, Document]>) {
    for (const [field, value] of Object.entries(operand)) {
      const changed = changes(doc, operator, field, value);
      if (changed === undefined) return undefined;
      if (changed) planned.push([operator, field, value]);
    }
  }
  for (const [operator, field, value] of planned) {
    doc[field] = operator === '$inc' ? ((doc[field] as number | undefined) ?? 0) + (value as number) : deepCopy(value);
  }
  return planned.map(([, field]) => field).sort();
}
