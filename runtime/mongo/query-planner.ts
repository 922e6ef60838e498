// Picks an index for a filter (equality on a prefix of its fields, then optionally a range or $in
// on the next field) and yields candidate document ids in index order. The candidates are a
// superset of the matches: mingo applies the exact filter afterwards.
import type { Document } from 'bson';
import { compareBson, typeRank } from './bson-order';
import type { Index, IndexEntry } from './indexes';

interface Range {
  lo?: unknown;
  loInclusive: boolean;
  hi?: unknown;
  hiInclusive: boolean;
}

interface FieldCondition {
  eq?: { value: unknown };
  in?: unknown[];
  range?: Range;
}

export interface Plan {
  index?: Index;
  /** Candidate ids (may repeat for multikey indexes); undefined means scan the whole collection. */
  ids?: Iterable<string>;
  /** The candidates already come in the requested sort order. */
  sortCovered: boolean;
  /**
   * Set when the index bounds are the whole filter: a candidate whose values on these (top-level)
   * fields are plain strings or numbers matches it, with no need to run the filter.
   */
  exactFields?: string[];
}

export type SortSpec = Record<string, 1 | -1>;

const RANK_OBJECT = typeRank({});
const RANK_ARRAY = typeRank([]);
const RANK_REGEX = typeRank(/x/);

/** A value an index bound can use: not an array, an embedded document or a regular expression. */
function isBoundValue(value: unknown): boolean {
  if (value === undefined) return false;
  const rank = typeRank(value);
  return rank !== RANK_OBJECT && rank !== RANK_ARRAY && rank !== RANK_REGEX && rank < 14;
}

function isOperatorObject(value: unknown): value is Document {
  return typeRank(value) === RANK_OBJECT && Object.keys(value as Document).every((k) => k.startsWith('$'));
}

function collectConditions(filter: Document, into: Map<string, FieldCondition>): void {
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(value)) {
      for (const clause of value) if (typeRank(clause) === RANK_OBJECT) collectConditions(clause as Document, into);
      continue;
    }
    if (field.startsWith('$')) continue;
    const condition = into.get(field) ?? {};
    if (!isOperatorObject(value)) {
      if (isBoundValue(value)) condition.eq = { value };
    } else {
      if ('$eq' in value && isBoundValue(value.$eq)) condition.eq = { value: value.$eq };
      if (Array.isArray(value.$in) && value.$in.length > 0 && value.$in.every((v) => isBoundValue(v))) condition.in = value.$in;
      const range: Range = condition.range ?? { loInclusive: false, hiInclusive: false };
      for (const [op, inclusive] of [['$gt', false], ['$gte', true]] as const) {
        if (op in value && isBoundValue(value[op]) && value[op] !== null) Object.assign(range, { lo: value[op], loInclusive: inclusive });
      }
      for (const [op, inclusive] of [['$lt', false], ['$lte', true]] as const) {
        if (op in value && isBoundValue(value[op]) && value[op] !== null) Object.assign(range, { hi: value[op], hiInclusive: inclusive });
      }
      if (range.lo !== undefined || range.hi !== undefined) condition.range = range;
    }
    into.set(field, condition);
  }
}

/** -1 below the range, 0 inside, 1 above, in value order; values of another BSON type are outside. */
function rangeSide(value: unknown, range: Range): number {
  const anchorRank = typeRank(range.lo !== undefined ? range.lo : range.hi);
  const rank = typeRank(value);
  if (rank !== anchorRank) return rank < anchorRank ? -1 : 1;
  if (range.lo !== undefined) {
    const c = compareBson(value, range.lo);
    if (c < 0 || (c === 0 && !range.loInclusive)) return -1;
  }
  if (range.hi !== undefined) {
    const c = compareBson(value, range.hi);
    if (c > 0 || (c === 0 && !range.hiInclusive)) return 1;
  }
  return 0;
}

/** Ids of entries whose first fields equal `prefix` and whose next field lies in `range`. */
function* scan(index: Index, prefix: unknown[], range: Range | undefined, reverse: boolean, counter: ScanCounter): Generator<string> {
  const k = prefix.length;
  const direction = index.directions[k] ?? 1;
  // -1: sorts before the wanted entries, 0: wanted, 1: after them (all in index order).
  const classify = (entry: IndexEntry): number => {
    const c = index.compareKeys(entry.key, prefix, k);
    if (c !== 0 || !range) return c;
    return rangeSide(entry.key[k], range) * direction;
  };
  const entries = index.entries;
  const iterator = reverse
    ? entries.backward(entries.lowerBound((e) => (classify(e) > 0 ? 1 : -1)))
    : entries.forward(entries.lowerBound((e) => (classify(e) < 0 ? -1 : 1)));
  for (const entry of iterator) {
    counter.keysExamined++;
    const side = classify(entry);
    if (side === 0) yield entry.id;
    else if (reverse ? side < 0 : side > 0) return;
  }
}

export interface ScanCounter {
  keysExamined: number;
}

interface Candidate {
  index: Index;
  score: number;
  prefix: unknown[];
  inValues?: unknown[];
  range?: Range;
  sortCovered: boolean;
  reverse: boolean;
}

function sortCoverage(index: Index, k: number, sort: SortSpec | undefined, conditions: Map<string, FieldCondition>): { covered: boolean; reverse: boolean } {
  const keys = Object.entries(sort ?? {}).filter(([field]) => !conditions.get(field)?.eq);
  if (keys.length === 0) return { covered: true, reverse: false };
  if (index.multikey) return { covered: false, reverse: false };
  let relative = 0;
  for (let i = 0; i < keys.length; i++) {
    const [field, direction] = keys[i]!;
    if (index.fields[k + i] !== field) return { covered: false, reverse: false };
    const r = direction * index.directions[k + i]! > 0 ? 1 : -1;
    if (relative !== 0 && r !== relative) return { covered: false, reverse: false };
    relative = r;
  }
  return { covered: true, reverse: relative < 0 };
}

function evaluate(index: Index, conditions: Map<string, FieldCondition>, sort: SortSpec | undefined, hasLimit: boolean): Candidate | undefined {
  const prefix: unknown[] = [];
  for (const field of index.fields) {
    const condition = conditions.get(field);
    if (condition?.eq) prefix.push(condition.eq.value);
    else if (condition?.in?.length === 1) prefix.push(condition.in[0]);
    else break;
  }
  const k = prefix.length;
  const next = k < index.fields.length ? conditions.get(index.fields[k]!) : undefined;
  let range = next?.range;
  const inValues = next?.in;
  if (range && index.multikey && range.lo !== undefined) range = { ...range, hi: undefined }; // element-wise bounds cannot be intersected
  const coverage = inValues ? { covered: false, reverse: false } : sortCoverage(index, k, sort, conditions);
  let score = k * 4 + (range || inValues ? 2 : 0) + (coverage.covered && sort ? 1 : 0);
  if (index.unique && k === index.fields.length) score += 8;
  if (score === 0 || (score === 1 && !hasLimit)) return undefined;
  return { index, score, prefix, inValues, range: inValues ? undefined : range, sortCovered: coverage.covered, reverse: coverage.reverse };
}

const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);

/** A string, or a number other than NaN: values whose BSON order is JavaScript's `<`, as mingo compares them. */
export function isPlainScalar(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && !Number.isNaN(value));
}

/**
 * The filter fields, if the candidate's bounds express the whole filter: only top-level fields,
 * each an equality on the index prefix or the range on the next field, with plain scalar values
 * of one type per field, and an index without arrays (whose bounds would be element-wise).
 */
function exactFields(filter: Document, candidate: Candidate): string[] | undefined {
  const { index, prefix, range, inValues } = candidate;
  if (index.multikey || inValues) return undefined;
  const fields = Object.keys(filter);
  if (fields.length !== prefix.length + (range ? 1 : 0)) return undefined;
  for (let i = 0; i < fields.length; i++) {
    const field = index.fields[i];
    if (field === undefined || field.includes('.') || !(field in filter)) return undefined;
    const condition = filter[field] as unknown;
    if (i < prefix.length) {
      if (!isPlainScalar(condition)) return undefined;
      continue;
    }
    // One lower and/or one upper bound: with both $gt and $gte the range keeps only one of them.
    const operators = Object.entries(condition as Document);
    const lower = operators.filter(([op]) => op === '$gt' || op === '$gte').length;
    if (operators.length === 0 || lower > 1 || operators.length - lower > 1) return undefined;
    if (!operators.every(([op, bound]) => RANGE_OPERATORS.has(op) && isPlainScalar(bound) && typeof bound === typeof operators[0]![1])) return undefined;
  }
  return fields;
}

export function planQuery(indexes: Iterable<Index>, filter: Document, sort: SortSpec | undefined, hasLimit: boolean, counter: ScanCounter): Plan {
  const conditions = new Map<string, FieldCondition>();
  collectConditions(filter, conditions);
  let best: Candidate | undefined;
  for (const index of indexes) {
    const candidate = evaluate(index, conditions, sort, hasLimit);
    if (candidate && (!best || candidate.score > best.score)) best = candidate;
  }
  if (!best) return { sortCovered: false };
  const { index, prefix, inValues, range, reverse } = best;
  const ids = inValues
    ? (function* () {
        for (const value of [...inValues].sort(compareBson)) yield* scan(index, [...prefix, value], undefined, false, counter);
      })()
    : scan(index, prefix, range, reverse, counter);
  return { index, ids, sortCovered: best.sortCovered, exactFields: exactFields(filter, best) };
}
