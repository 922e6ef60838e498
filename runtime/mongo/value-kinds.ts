import type { Document } from 'bson';

/** A plain `{…}` object: a document or operator spec, not an array, a date or a BSON value object. */
export const isPlainObject = (value: unknown): value is Document =>
  value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/** A string, a number other than NaN, a boolean or null. */
export const isJsonScalar = (value: unknown): value is string | number | boolean | null =>
  value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));
