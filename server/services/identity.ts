/** Proof that a visitor is the website's user `externalId`: hex HMAC-SHA256 of it under the identity secret. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const userHashOf = (identitySecret: string, externalId: string): string =>
  createHmac('sha256', identitySecret).update(externalId).digest('hex');

export function verifyUserHash(identitySecret: string, externalId: string, userHash: string): boolean {
  const expected = Buffer.from(userHashOf(identitySecret, externalId), 'hex');
  const given = Buffer.from(userHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
