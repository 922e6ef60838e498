/** Opaque paging cursors: a base64url JSON position, validated when read back. */
import type { z } from 'zod';
import { AppError } from '../../domain/errors';

/** Encodes a listing position as an opaque string. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Reads a cursor made by `encodeCursor`; anything else is `ERR_INVALID_INPUT`. */
export function decodeCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('ERR_INVALID_INPUT', 'invalid cursor', { fields: ['cursor'] });
  }
  const parsed = schema.safeParse(position);
  if (!parsed.success) throw new AppError('ERR_INVALID_INPUT', 'invalid cursor', { fields: ['cursor'] });
  return parsed.data;
}

/** Checks a page size against the contract's bounds (1…100). */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new AppError('ERR_INVALID_INPUT', 'limit must be an integer from 1 to 100', { fields: ['limit'] });
  }
  return limit;
}
