// Filters of the hot path matched without mingo: a conjunction of top-level fields, each equal to
// a scalar, in a list of scalars ($in) or compared with $eq/$ne/$lt/$lte/$gt/$gte. mingo compiles
// every filter through a fresh copy of its whole operator table, and nearly every write the server
// runs carries such a filter (`{_id, lastSeqAll: {$lt: n}}`). A document whose field holds
// anything but a string, number, boolean or null (an array, whose elements MongoDB matches; a Long,
// a date, NaN …) is judged by mingo instead, so both paths always agree.
import type { Document } from 'bson';
import { compareBson, typeRank } from './bson-order';
import { isPlainScalar } from './query-planner';
import { isJsonScalar, isPlainObject } from './value-kinds';

/** true/false, or undefined: leave this document to mingo. */
export type SimpleMatcher = (doc: Document) => boolean | undefined;

type Condition = (value: unknown, present: boolean) => boolean;

const equals =
  (operand: unknown): Condition =>
  (value, present) =>
    present ? compareBson(value, operand) === 0 : operand === null;

const ORDERS: Record<string, (order: number) => boolean> = {
  $lt: (order) => order < 0,
  $lte: (order) => order <= 0,
  $gt: (order) => order > 0,
  $gte: (order) => order >= 0,
};

function condition(operator: string, operand: unknown): Condition | undefined {
  if (operator === '$in') {
    if (!Array.isArray(operand) || !operand.every(isJsonScalar)) return undefined;
    // Strings alone (ids, mostly) in a set: a search sends hundreds of conversation ids, and one
    // look-up a document costs far less than a comparison per id. Only a string equals a string.
    if (operand.every((option) => typeof option === 'string')) {
      const strings = new Set(operand);
      return (value, present) => present && typeof value === 'string' && strings.has(value);
    }
    const options = operand.map(equals);
    return (value, present) => options.some((option) => option(value, present));
  }
  if (operator === '$eq' || operator === '$ne') {
    if (!isJsonScalar(operand)) return undefined;
    const equal = equals(operand);
    return operator === '$eq' ? equal : (value, present) => !equal(value, present);
  }
  const accepts = ORDERS[operator];
  // Comparisons only between values of one BSON type (type bracketing); null and booleans are left to mingo.
  if (!accepts || !isPlainScalar(operand)) return undefined;
  const rank = typeRank(operand);
  return (value, present) => present && typeRank(value) === rank && accepts(compareBson(value, operand));
}

/** The matcher for a filter of that simple shape, or undefined for any other filter. */
export function compileSimpleFilter(filter: Document): SimpleMatcher | undefined {
  const conditions: Array<[string, Condition]> = [];
  for (const [field, spec] of Object.entries(filter)) {
    if (field === '' || field.startsWith('$') || field.includes('.')) return undefined;
    if (isJsonScalar(spec)) {
      conditions.push([field, equals(spec)]);
      continue;
    }
    if (!isPlainObject(spec) || Object.keys(spec).length === 0) return undefined;
    for (const [operator, operand] of Object.entries(spec)) {
      const check = condition(operator, operand);
      if (!check) return undefined;
      conditions.push([field, check]);
    }
  }
  return (doc) => {
    for (const [field, check] of conditions) {
      const value = doc[field];
      if (value !== undefined && !isJsonScalar(value)) return undefined;
      if (!check(value, field in doc)) return false;
    }
    return true;
  };
}
