/**
 * The signed way to identify a visitor: a JWT the website's backend makes for its signed-in user,
 * HS256 under the website's identity secret, naming the user (`sub`) and, signed with it, their
 * `email` and `name`, with an expiry (`exp`). Unlike `userHash` (identity.ts), which signs the id
 * alone and never expires, the profile cannot be changed by the browser and a leaked token stops
 * working, as Intercom's and Zendesk's newer identity verification do.
 *
 * Tokens are signed with a key derived from the identity secret, not with the secret itself: a
 * `userHash` is the secret's HMAC of an id the website's user may choose, and an id chosen to be a
 * JWT's header and payload would make its `userHash` that token's signature, for any `sub`.
 */
import { hkdfSync } from 'node:crypto';
import { errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { invalidInput } from '../http-errors';
import { personName } from '../schemas/common';

/** Clocks of the website's backend and of this server may differ this much. */
const CLOCK_TOLERANCE_SECONDS = 60;
/** A token is made for a page view: one that would work for longer than this is refused, so a leaked one cannot live for ever. */
export const MAX_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * The key `userJwt`s are signed with, as a hex string (its UTF-8 bytes are the HS256 key, as JWT
 * libraries take a string secret): HKDF-SHA256 of the identity secret, salt `support-chat`, info
 * `userJwt`, 32 bytes. HKDF keys its HMAC with the salt, so no `userHash` (the secret's HMAC of a
 * chosen message) reveals it.
 */
export const identityTokenKey = (identitySecret: string): string => Buffer.from(hkdfSync('sha256', identitySecret, 'support-chat', 'userJwt', 32)).toString('hex');

const claims = z.object({
  sub: z.string().min(1).max(256),
  email: z.email().max(320).optional(),
  name: personName.optional(),
});

export type SignedIdentity = { externalId: string; email?: string; name?: string };

/** Why a token proves nothing, in words a developer fixing their backend can act on. */
function refusal(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'userJwt has expired: make a new one for each page your backend serves';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'userJwt must be signed with HS256';
  if (error instanceof errors.JWSSignatureVerificationFailed) return "userJwt's signature does not match: sign it with this website's identity token key (derived from its identity secret)";
  if (error instanceof errors.JWTClaimValidationFailed) return `userJwt's ${error.claim} claim is ${error.reason === 'missing' ? 'missing' : 'not valid'}`;
  return 'userJwt is not a signed JWT';
}

/** The user a token names, once its signature, algorithm and expiry check out (401 otherwise; 400 naming a claim of the wrong shape). */
export async function verifyUserJwt(identitySecret: string, token: string): Promise<SignedIdentity> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(identityTokenKey(identitySecret)), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw new AppError('ERR_UNAUTHENTICATED', refusal(error));
  }
  const lifetime = Number((payload as { exp?: unknown }).exp) - Date.now() / 1000;
  if (lifetime > MAX_TOKEN_LIFETIME_SECONDS + CLOCK_TOLERANCE_SECONDS) {
    throw new AppError('ERR_UNAUTHENTICATED', 'userJwt expires more than 24 hours from now: make a token for each page view, valid for minutes to hours');
  }
  const parsed = claims.safeParse(payload);
  if (!parsed.success) throw invalidInput(parsed.error.issues.map((issue) => ({ ...issue, path: ['userJwt', ...issue.path] })), 'body');
  const { sub, email, name } = parsed.data;
  return { externalId: sub, ...(email === undefined ? {} : { email }), ...(name === undefined ? {} : { name }) };
}
