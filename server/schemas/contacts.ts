import { z } from 'zod';

export const identifyBody = z.object({
  externalId: z.string().min(1).max(256),
  userHash: z.string().regex(/^[0-9a-fA-F]{64}$/, 'hex HMAC-SHA256'),
  email: z.email().max(320).optional(),
  name: z.string().trim().min(1).max(200).optional(),
});
