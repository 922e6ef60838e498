import { z } from 'zod';
import { clientId, entityId } from './common';

export const uploadQuery = z.object({
  conversationId: clientId,
  filename: z.string().trim().min(1).max(255).regex(/^[^/\\\0]+$/, 'no path separators'),
});
export const fileParams = z.object({ id: entityId });
