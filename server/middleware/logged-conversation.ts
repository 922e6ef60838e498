/**
 * The conversation a request is about, for its access line (access-log.ts): noted in `res.locals`
 * from what the request already names, a path's `:id` or a message's body, never read from the store.
 */
import type { RequestHandler, Response } from 'express';
import { clientId } from '../schemas/common';

/** Notes `conversationId` (once validated by the route) as the request's conversation. */
export function noteConversationId(res: Response, conversationId: string): void {
  res.locals.conversationId = conversationId;
}

/** Mounted on `/v1/conversations/:conversationId`: notes the id when it is shaped as one (the route still checks it). */
export const noteConversation: RequestHandler = (req, res, next) => {
  const id = req.params.conversationId;
  if (typeof id === 'string' && clientId.safeParse(id).success) noteConversationId(res, id);
  next();
};
