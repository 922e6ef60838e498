/** Frames a client may send on `/ws`. */
import { z } from 'zod';
import { clientId } from './common';

/** A client's own name for a frame, which the `error` frame it causes carries back. */
export const frameRef = z.string().min(1).max(64);

const frameOf = <T extends string, P extends z.ZodType>(type: T, payload: P) => z.object({ type: z.literal(type), payload, ref: frameRef.optional() });

export const clientFrame = z.discriminatedUnion('type', [
  frameOf('conversationTyping', z.object({ conversationId: clientId, isTyping: z.boolean() })),
  frameOf('conversationSeen', z.object({ conversationId: clientId })),
  frameOf('resume', z.object({ conversationId: clientId, afterSeq: z.number().int().min(0) })),
]);
export type ClientFrame = z.output<typeof clientFrame>;
