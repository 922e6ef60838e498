import { z } from 'zod';
import { MAX_EMAIL_LENGTH } from '../../domain/people';
import { personName } from './common';

/**
 * Identify, proven one of two ways: `externalId` with `userHash` (its HMAC; `email` and `name`
 * as the browser sends them), or `userJwt` alone (the profile signed in its claims, with an expiry:
 * services/identity-token.ts). `externalId` may go with a token if it names the same user.
 */
export const identifyBody = z
  .object({
    externalId: z.string().min(1).max(256).optional(),
    // Any string: one that is not a hex HMAC-SHA256 is a wrong proof (401, as the contract says), not bad input.
    userHash: z.string().max(256).optional(),
    userJwt: z.string().min(1).max(8_192).optional(),
    // zod's address pattern is ASCII without controls, so it holds no control or text-direction character either.
    email: z.email().max(MAX_EMAIL_LENGTH).optional(),
    name: personName.optional(),
  })
  .superRefine((body, ctx) => {
    const issue = (field: keyof typeof body, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
    if (body.userJwt === undefined) {
      if (body.externalId === undefined) issue('externalId', "required with userHash: the signed-in user's id in your system (or give userJwt instead)");
      if (body.userHash === undefined) issue('userHash', 'required: the hex HMAC-SHA256 of externalId under the identity secret (or give userJwt instead)');
      return;
    }
    if (body.userHash !== undefined) issue('userHash', 'give userJwt or userHash, not both');
    for (const field of ['email', 'name'] as const) if (body[field] !== undefined) issue(field, `comes from userJwt's claims when identifying with a token, signed`);
  });
