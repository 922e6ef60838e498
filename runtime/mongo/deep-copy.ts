import type { Document } from 'bson';
import { isPlainObject } from './value-kinds';

/** Copies plain objects, arrays and dates; BSON value objects (ObjectId, Binary, …) are immutable and shared. */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out as T;
  }
  return value;
}
