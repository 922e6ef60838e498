/** Proof that a visitor is the website's user `externalId`: hex HMAC-SHA256 of it under the identity secret. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const userHashOf = (identitySecret: string, externalId: string): string =>
  createHmac('sha256', identitySecret).update(externalId).digest('hex');

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export function verifyUserHash(identitySecret: string, externalId: string, userHash: string): boolean {
  if (!HEX_SHA256.test(userHash)) return false;
  const expected = Buffer.from(userHashOf(identitySecret, externalId), 'hex');
  const given = Buffer.from(userHash, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
