import { Router } from 'express';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { noteConversationId } from '../middleware/logged-conversation';
import { postMessageBody } from '../schemas/messages';
import { parseInput } from '../schemas/parse';
import { postItem } from '../services/items';

export function messageRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/', ...ctx.authenticate, ...ctx.jsonBody, async (req, res) => {
    const { conversationId, item } = parseInput(postMessageBody, req.body, 'body');
    noteConversationId(res, conversationId);
    const stored = await postItem(ctx, callerOf(res), conversationId, item);
    res.status(201).json({ item: stored });
  });
  return router;
}
