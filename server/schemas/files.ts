import { z } from 'zod';
import { fileNameProblem } from '../../domain/file-names';
import { clientId, entityId, pathParams, queryObject } from './common';

export const uploadQuery = queryObject({
  conversationId: clientId,
  filename: z
    .string()
    .trim()
    .superRefine((name, ctx) => {
      const problem = fileNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: name });
    }),
});
export const fileParams = pathParams(z.object({ id: entityId }));
