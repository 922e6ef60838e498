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
      .regex(/^[^/\\]+$/, 'no path separators'),
  ),
});
export const fileParams = pathParams(z.object({ id: entityId }));
