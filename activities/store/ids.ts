import { randomBytes } from 'node:crypto';

export type IdPrefix = 'web' | 'conv' | 'item' | 'vis' | 'ct' | 'file' | 'evt' | 'inst' | 'usr' | 'ai' | 'mt' | 'sr' | 'wh' | 'whatt';

/** A prefixed random id such as `conv_9f3c…`: 96 random bits in hex, so ids never need escaping. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
