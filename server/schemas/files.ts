import { z } from 'zod';
import { clientId, entityId } from './common';

/**
 * Control characters (line breaks among them) and bidirectional controls, which make a name read
 * as another (`\u202Etxt.exe` shows as `exe.txt`).
 */
const MISLEADING = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

export const uploadQuery = z.object({
  conversationId: clientId,
  filename: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^/\\]+$/, 'no path separators')
    .refine((name) => !MISLEADING.test(name), 'no control or text-direction characters'),
});
export const fileParams = z.object({ id: entityId });
