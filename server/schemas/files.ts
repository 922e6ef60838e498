import { z } from 'zod';
import { clientId, displayName, entityId, pathParams, queryObject } from './common';

export const uploadQuery = queryObject({
  conversationId: clientId,
  filename: displayName(
    z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[^/\\]+$/, 'no path separators')
      // A name a download would save as the folder itself, or its parent.
      .refine((name) => name !== '.' && name !== '..', 'not a file name'),
  ),
});
export const fileParams = pathParams(z.object({ id: entityId }));
