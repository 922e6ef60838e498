/**
 * A member token is `mt_<24 hex>.<secret>`: its id (what the store keys it by, and what a page
 * revokes it by) and 256 random bits. The store keeps only the secret's SHA-256, so a copy of the
 * store cannot act as anyone; a token is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { newId } from '../activities/store';

const PREFIX = 'mt_';
const TOKEN = /^(mt_[0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/;

const hashOf = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/** Whether a bearer credential is meant as a member token (website secret keys start `sk_`). */
export const isMemberToken = (bearer: string): boolean => bearer.startsWith(PREFIX);

/** A member token's id and secret, or undefined when it is not a well-formed one. */
export function parseMemberToken(token: string): { id: string; secret: string } | undefined {
  const [, id, secret] = TOKEN.exec(token) ?? [];
  return id === undefined || secret === undefined ? undefined : { id, secret };
}

/** Whether the secret is the one whose hash (hex) was stored. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const stored = Buffer.from(secretHash, 'hex');
  const given = hashOf(secret);
  return stored.length === given.length && timingSafeEqual(stored, given);
}

/** A short fingerprint of a website's secret key: a token made under another key is refused. */
export const keyFingerprintOf = (secretKey: string): string => createHash('sha256').update(secretKey).digest('hex').slice(0, 16);

/** A new token: what the caller is given once (`token`), and what the store keeps. */
export function newMemberToken(): { id: string; token: string; secretHash: string } {
  const id = newId('mt');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${id}.${secret}`, secretHash: hashOf(secret).toString('hex') };
}
