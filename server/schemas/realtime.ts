/** Frames a client may send on `/ws`. */
import { z } from 'zod';
import { clientId } from './common';

export const clientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conversationTyping'), payload: z.object({ conversationId: clientId, isTyping: z.boolean() }) }),
  z.object({ type: z.literal('conversationSeen'), payload: z.object({ conversationId: clientId }) }),
  z.object({
    type: z.literal('resume'),
    payload: z.object({ conversationId: clientId, afterSeq: z.number().int().min(0) }),
  }),
]);
export type ClientFrame = z.output<typeof clientFrame>;
