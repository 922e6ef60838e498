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

/** Conversations a socket may resume as it opens (`?resume=`). */
export const MAX_CONNECT_RESUMES = 100;

export type ResumeFrame = Extract<ClientFrame, { type: 'resume' }>;

/**
 * One `?resume=<conversationId>:<afterSeq>` of `/ws` (repeated): a resume frame the socket acts on
 * as it opens, before any live item reaches it (a conversation id may hold `:`; the last one splits).
 */
export const connectResume = z.string().transform((value, issue): ResumeFrame => {
  const at = value.lastIndexOf(':');
  const conversationId = clientId.safeParse(value.slice(0, Math.max(at, 0)));
  const afterSeq = /^\d{1,15}$/.test(value.slice(at + 1)) ? Number(value.slice(at + 1)) : NaN;
  if (at < 0 || !conversationId.success || !Number.isSafeInteger(afterSeq)) {
    issue.addIssue({ code: 'custom', message: 'expected <conversationId>:<afterSeq>' });
    return z.NEVER;
  }
  return { type: 'resume', payload: { conversationId: conversationId.data, afterSeq } };
});

