// The `expireAfterSeconds` option of createIndexes, checked as MongoDB checks it (index_key_validate).
import { EJSON, type Document } from 'bson';
import { MongoCommandError } from '../errors';

const INT32_MAX = 2 ** 31 - 1;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

/** Whole seconds (MongoDB truncates a fraction), or undefined for an index without the option. */
export function parseExpireAfterSeconds(raw: Document, key: Record<string, unknown>): number | undefined {
  const value = raw.expireAfterSeconds;
  if (value === undefined) return undefined;
  const spec = EJSON.stringify(raw, { relaxed: true });
  const refuse = (reason: string) => new MongoCommandError('CannotCreateIndex', `${reason}. Index spec: ${spec}`);
  if (typeof value !== 'number') throw refuse(`TTL index 'expireAfterSeconds' option must be numeric, but received a type of '${typeName(value)}'`);
  if (Number.isNaN(value)) throw refuse("TTL index 'expireAfterSeconds' option must not be NaN");
  const seconds = Math.trunc(value);
  if (seconds < 0) throw refuse("TTL index 'expireAfterSeconds' option cannot be less than 0");
  if (seconds > INT32_MAX) throw refuse("TTL index 'expireAfterSeconds' must be within the range of a 32-bit integer");
  if (Object.keys(key).length !== 1) throw refuse('TTL indexes are single-field indexes, compound indexes do not support TTL');
  return seconds;
}
