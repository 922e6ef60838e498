/** Frames a client may send on `/ws`. */
import { z } from 'zod';
import { clientId, itemSeq } from './common';
import { viewedPageSchema } from './widget-context';

/** A client's own name for a frame, which the `error` frame it causes carries back. */
export const frameRef = z.string().min(1).max(64);

const frameOf = <T extends string, P extends z.ZodType>(type: T, payload: P) => z.object({ type: z.literal(type), payload, ref: frameRef.optional() });

export const clientFrame = z.discriminatedUnion('type', [
  frameOf('conversationTyping', z.object({ conversationId: clientId, isTyping: z.boolean() })),
  frameOf('conversationSeen', z.object({ conversationId: clientId, seq: itemSeq.optional() })),
  // `stateVersion`: the conversation's version the client holds; its state comes after the items unless that is current.
  frameOf('resume', z.object({ conversationId: clientId, afterSeq: z.number().int().min(0), stateVersion: z.number().int().min(0).optional() })),
  // The widget's visitor is on this page now (visitors only).
  frameOf('pageViewed', viewedPageSchema),
]);
export type ClientFrame = z.output<typeof clientFrame>;

/**
 * `?presence=` of `/ws`: `off` for a team socket that must not make its person online (a backend
 * acting as them, a page only looking): it gets every frame, but no presence is announced for it,
 * so routing offers its person nothing and the widget does not count them.
 */
export const socketPresence = z.object({ presence: z.enum(['on', 'off']).default('on') });
export type SocketPresence = z.output<typeof socketPresence>['presence'];

/** Conversations a socket may resume as it opens (`?resume=`). */
export const MAX_CONNECT_RESUMES = 100;

export type ResumeFrame = Extract<ClientFrame, { type: 'resume' }>;

/**
 * One `?resume=<conversationId>:<afterSeq>` of `/ws` (repeated): a resume frame the socket acts on
 * as it opens, before any live item reaches it (a conversation id may hold `:`; the last one splits).
 */
export const connectResume = z.string().transform((value, issue): ResumeFrame => {
  const refuse = (message: string) => {
    issue.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  const at = value.lastIndexOf(':');
  if (at < 0) return refuse('expected <conversationId>:<afterSeq>');
  const conversationId = clientId.safeParse(value.slice(0, at));
  if (!conversationId.success) return refuse(`conversationId: ${conversationId.error.issues[0]?.message ?? 'invalid'}`);
  // What a resume frame takes: a whole number up to 2^53 - 1 (16 digits), here in decimal digits only.
  const afterSeq = /^\d{1,16}$/.test(value.slice(at + 1)) ? Number(value.slice(at + 1)) : NaN;
  if (!Number.isSafeInteger(afterSeq)) return refuse(`afterSeq: expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`);
  return { type: 'resume', payload: { conversationId: conversationId.data, afterSeq } };
});
