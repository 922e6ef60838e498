import { z } from 'zod';

export const identifyBody = z.object({
  externalId: z.string().min(1).max(256),
  // Any string: one that is not a hex HMAC-SHA256 is a wrong proof (401, as the contract says), not bad input.
  userHash: z.string().max(256),
  email: z.email().max(320).optional(),
  name: z.string().trim().min(1).max(200).optional(),
});
