import { z } from 'zod';
import { personName } from './common';

export const identifyBody = z.object({
  externalId: z.string().min(1).max(256),
  // Any string: one that is not a hex HMAC-SHA256 is a wrong proof (401, as the contract says), not bad input.
  userHash: z.string().max(256),
  // zod's address pattern is ASCII without controls, so it holds no control or text-direction character either.
  email: z.email().max(320).optional(),
  name: personName.optional(),
});
