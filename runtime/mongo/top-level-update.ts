// The hot updates applied without mingo: `$set`, `$inc`, `$min`, `$max`, `$push` (of values, or
// `$each` of values) and `$pull` (of a value, or `$in` values) on distinct top-level fields. mingo
// builds an operator context for every update call and deep-copies what it sets; these updates
// replace whole top-level fields, so the document needs only a shallow copy, and the result is the
// one MongoDB gives.
import type { Document } from 'bson';
import { compareBson } from './bson-order';
import { deepCopy } from './deep-copy';
import { isJsonScalar, isPlainObject } from './value-kinds';

const DIRECT_OPERATORS = new Set(['$set', '$inc', '$min', '$max', '$push', '$pull']);

const isPlainNumber = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);

/** The values a `$push`/`$pull` operand names: `{$each: [...]}` / `{$in: [...]}` or one scalar; undefined for any other form (modifiers, conditions). */
function listOperand(operator: string, operand: unknown): unknown[] | undefined {
  const key = operator === '$push' ? '$each' : '$in';
  if (isJsonScalar(operand)) return [operand];
  if (!isPlainObject(operand) || Object.keys(operand).length !== 1 || !Array.isArray(operand[key])) return undefined;
  const values = operand[key] as unknown[];
  return values.every(isJsonScalar) ? values : undefined;
}

/** True when every operator is one of the direct ones, in its plain form, on distinct plain top-level fields (never `_id`). */
export function isTopLevelUpdate(modifier: Document): boolean {
  const fields = new Set<string>();
  for (const [operator, operand] of Object.entries(modifier)) {
    if (!DIRECT_OPERATORS.has(operator) || !isPlainObject(operand)) return false;
    for (const [field, value] of Object.entries(operand)) {
      if (field === '' || field === '_id' || field === '__proto__' || field.includes('.') || field.startsWith('$') || fields.has(field)) return false;
      if ((operator === '$push' || operator === '$pull') && !listOperand(operator, value)) return false;
      fields.add(field);
    }
  }
  return fields.size > 0;
}

/** The field's new value, `unchanged`, or undefined when mingo should judge (and report the error MongoDB gives). */
function nextValue(doc: Document, operator: string, field: string, operand: unknown): { value: unknown } | 'unchanged' | undefined {
  const present = field in doc;
  const current = doc[field];
  switch (operator) {
    case '$set':
      return present && compareBson(current, operand) === 0 ? 'unchanged' : { value: deepCopy(operand) };
    case '$inc':
      if (!isPlainNumber(operand) || (present && !isPlainNumber(current))) return undefined;
      return present && operand === 0 ? 'unchanged' : { value: ((current as number | undefined) ?? 0) + operand };
    case '$min':
      return present && compareBson(operand, current) >= 0 ? 'unchanged' : { value: deepCopy(operand) };
    case '$max':
      return present && compareBson(operand, current) <= 0 ? 'unchanged' : { value: deepCopy(operand) };
    case '$push': {
      if (present && !Array.isArray(current)) return undefined;
      const values = listOperand(operator, operand)!;
      return present && values.length === 0 ? 'unchanged' : { value: [...((current as unknown[] | undefined) ?? []), ...values] };
    }
    default: {
      // $pull
      if (!present) return 'unchanged';
      if (!Array.isArray(current)) return undefined;
      const values = listOperand(operator, operand)!;
      const kept = current.filter((element) => !values.some((value) => compareBson(element, value) === 0));
      return kept.length === current.length ? 'unchanged' : { value: kept };
    }
  }
}

/**
 * Applies a top-level update (see `isTopLevelUpdate`) to `doc` in place, sharing nothing with the
 * command and changing no value `doc` held (arrays are replaced, not grown). Returns the modified
 * fields, sorted, or undefined (doc untouched) when mingo must apply it instead, to report an
 * error such as $inc on a string.
 */
export function applyTopLevelUpdate(doc: Document, modifier: Document): string[] | undefined {
  const planned: Array<[string, unknown]> = [];
  for (const [operator, operand] of Object.entries(modifier) as Array<[string, Document]>) {
    for (const [field, value] of Object.entries(operand)) {
      const next = nextValue(doc, operator, field, value);
      if (next === undefined) return undefined;
      if (next !== 'unchanged') planned.push([field, next.value]);
    }
  }
  for (const [field, value] of planned) doc[field] = value;
  return planned.map(([field]) => field).sort();
}
