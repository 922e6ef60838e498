/**
 * The signed way to identify a visitor: a JWT the website's backend makes for its signed-in user,
 * HS256 under the website's identity secret, naming the user (`sub`) and, signed with it, their
 * `email` and `name`, with an expiry (`exp`). Unlike `userHash` (identity.ts), which signs the id
 * alone and never expires, the profile cannot be changed by the browser and a leaked token stops
 * working, as Intercom's and Zendesk's newer identity verification do.
 */
import { errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { AppError } from '../../domain/errors';
import { invalidInput } from '../http-errors';
import { personName } from '../schemas/common';

/** Clocks of the website's backend and of this server may differ this much. */
const CLOCK_TOLERANCE_SECONDS = 60;

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
  if (error instanceof errors.JWSSignatureVerificationFailed) return "userJwt's signature does not match: sign it with this website's identity secret";
  if (error instanceof errors.JWTClaimValidationFailed) return `userJwt's ${error.claim} claim is ${error.reason === 'missing' ? 'missing' : 'not valid'}`;
  return 'userJwt is not a signed JWT';
}

/** The user a token names, once its signature, algorithm and expiry check out (401 otherwise; 400 naming a claim of the wrong shape). */
export async function verifyUserJwt(identitySecret: string, token: string): Promise<SignedIdentity> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(identitySecret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw new AppError('ERR_UNAUTHENTICATED', refusal(error));
  }
  const parsed = claims.safeParse(payload);
  if (!parsed.success) throw invalidInput(parsed.error.issues.map((issue) => ({ ...issue, path: ['userJwt', ...issue.path] })), 'body');
  const { sub, email, name } = parsed.data;
  return { externalId: sub, ...(email === undefined ? {} : { email }), ...(name === undefined ? {} : { name }) };
}
