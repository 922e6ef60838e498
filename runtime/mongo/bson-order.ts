// MongoDB's BSON comparison order, used by indexes and by the id map. mingo compares values for
// queries; this ordering only decides where keys sit in an index, so both agree on equality.
// One known difference from MongoDB: strings compare by UTF-16 code units (JavaScript's `<`, as
// mingo's query operators and sorts do), where MongoDB compares UTF-8 bytes. The two orders differ
// only between a character from U+E000 to U+FFFF and one from U+10000 up (an emoji); changing it
// here alone would make an index's range disagree with the filter run on its candidates.
import { EJSON, Long, type Binary, type ObjectId, type Timestamp } from 'bson';

type BsonTagged = { _bsontype?: string };

const enum Rank {
  MinKey = 1,
  Null = 2,
  Number = 3,
  String = 4,
  Object = 5,
  Array = 6,
  BinData = 7,
  ObjectId = 8,
  Boolean = 9,
  Date = 10,
  Timestamp = 11,
  RegExp = 12,
  MaxKey = 13,
  Other = 14,
}

function bsonTypeOf(value: unknown): string | undefined {
  return (value as BsonTagged | null | undefined)?._bsontype;
}

export function typeRank(value: unknown): number {
  if (value === null || value === undefined) return Rank.Null;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return Rank.Number;
    case 'string':
      return Rank.String;
    case 'boolean':
      return Rank.Boolean;
    case 'object':
      break;
    default:
      return Rank.Other;
  }
  if (Array.isArray(value)) return Rank.Array;
  if (value instanceof Date) return Rank.Date;
  if (value instanceof RegExp) return Rank.RegExp;
  switch (bsonTypeOf(value)) {
    case undefined:
      return Rank.Object;
    case 'Long':
    case 'Double':
    case 'Int32':
    case 'Decimal128':
      return Rank.Number;
    case 'BSONSymbol':
      return Rank.String;
    case 'Binary':
      return Rank.BinData;
    case 'ObjectId':
      return Rank.ObjectId;
    case 'Timestamp':
      return Rank.Timestamp;
    case 'BSONRegExp':
      return Rank.RegExp;
    case 'MinKey':
      return Rank.MinKey;
    case 'MaxKey':
      return Rank.MaxKey;
    default:
      return Rank.Object;
  }
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (bsonTypeOf(value) === 'Decimal128') return Number.parseFloat(String(value));
  return Number((value as { valueOf(): unknown }).valueOf());
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
const compareScalars = <T extends string | number>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return sign(a.length - b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return sign(a[i]! - b[i]!);
  return 0;
}

function compareNumbers(a: unknown, b: unknown): number {
  if (a instanceof Long && b instanceof Long) return a.compare(b);
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1; // NaN sorts below every number
  if (Number.isNaN(y)) return 1;
  return compareScalars(x, y);
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const common = Math.min(keysA.length, keysB.length);
  for (let i = 0; i < common; i++) {
    const ka = keysA[i]!;
    const kb = keysB[i]!;
    const byType = typeRank(a[ka]) - typeRank(b[kb]);
    if (byType !== 0) return sign(byType);
    const byName = compareScalars(ka, kb);
    if (byName !== 0) return byName;
    const byValue = compareBson(a[ka], b[kb]);
    if (byValue !== 0) return byValue;
  }
  return sign(keysA.length - keysB.length);
}

/** Total order over BSON values as MongoDB sorts them (simple collation). */
export function compareBson(a: unknown, b: unknown): number {
  // Fast paths for the common key types; the same results as the generic order below. Equal values
  // are common in index keys (a prefix field all entries share, null for an unset field), and
  // for strings one scan beats the two of < and >.
  if (a === b) return 0;
  if (typeof a === 'string') {
    if (typeof b === 'string') return a < b ? -1 : 1;
  } else if (typeof a === 'number' && typeof b === 'number' && a === a && b === b) {
    return a < b ? -1 : 1;
  } else if (bsonTypeOf(a) === 'ObjectId' && bsonTypeOf(b) === 'ObjectId') {
    return compareBytes((a as ObjectId).id, (b as ObjectId).id);
  }
  return compareBsonGeneric(a, b);
}

/** The reference order without the fast paths (exported for tests that check both agree). */
export function compareBsonGeneric(a: unknown, b: unknown): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return sign(rankA - rankB);
  switch (rankA) {
    case Rank.Null:
    case Rank.MinKey:
    case Rank.MaxKey:
      return 0;
    case Rank.Number:
      return compareNumbers(a, b);
    case Rank.String:
      return compareScalars(String(a), String(b));
    case Rank.Boolean:
      return compareScalars(Number(a), Number(b));
    case Rank.Date:
      return compareScalars((a as Date).getTime(), (b as Date).getTime());
    case Rank.ObjectId:
      // Byte order is hex order. Comparing the bytes (`id` copies them out) is ~5x faster than making two hex strings.
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case Rank.Timestamp:
      return (a as Timestamp).compare(b as Timestamp);
    case Rank.BinData: {
      const x = a as Binary;
      const y = b as Binary;
      if (x.position !== y.position) return sign(x.position - y.position);
      if (x.sub_type !== y.sub_type) return sign(x.sub_type - y.sub_type);
      return compareBytes(x.value(), y.value());
    }
    case Rank.Array: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareBson(x[i], y[i]);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
    case Rank.RegExp:
      return compareScalars(String(a), String(b));
    default:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
  }
}

/**
 * A string that is equal for two values exactly when MongoDB considers them equal
 * (1, 1.0 and Long(1) share a key). Used to key documents by `_id` and to deduplicate.
 */
export function canonicalKey(value: unknown): string {
  switch (typeRank(value)) {
    case Rank.Null:
      return 'z';
    case Rank.String:
      return 's' + String(value);
    case Rank.Number:
      return 'n' + (value instanceof Long ? value.toString() : String(toNumber(value)));
    case Rank.ObjectId:
      return 'o' + (value as ObjectId).toHexString();
    case Rank.Date:
      return 'd' + (value as Date).getTime();
    case Rank.Boolean:
      return value ? 'b1' : 'b0';
    default:
      return 'j' + EJSON.stringify(value as object, { relaxed: false });
  }
}
