/**
 * The team's saved replies: listed and searched by any team caller; added by any person on the
 * team; changed or deleted by their author or an admin (the secret key, an admin member token).
 * Every change tells the website's team sockets (`savedRepliesUpdated`), so open inboxes read the
 * list again.
 */
import { Router } from 'express';
import { newId } from '../../activities/store';
import { AppError } from '../../domain/errors';
import type { SavedReply } from '../../domain/saved-reply';
import { requireActingAgent, requireAgent, roleOf, type Caller } from '../caller';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { parseInput } from '../schemas/parse';
import { listSavedRepliesQuery, newSavedReplyBody, savedReplyChangeBody, savedReplyParams } from '../schemas/saved-replies';

/** A person writing saved replies: what they write is sent in their name, so no AI assistant. */
function requireWriter(caller: Caller) {
  const agent = requireActingAgent(caller);
  if (agent.memberKind === 'ai') throw new AppError('ERR_FORBIDDEN', 'An AI assistant cannot write saved replies');
  return agent;
}

export function savedReplyRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.use(...ctx.authenticate, ...ctx.jsonBody);

  /** The saved reply the path names, if the writer may change it: `404` when the website has none, `403` when it is another's and the writer no admin. */
  const changeable = async (caller: Caller, pathParams: unknown): Promise<SavedReply> => {
    const writer = requireWriter(caller);
    const { id } = parseInput(savedReplyParams, pathParams, 'params');
    const reply = await ctx.store.getSavedReply(writer.website.id, id);
    if (!reply) throw new AppError('ERR_NOT_FOUND', `Unknown saved reply ${id}`);
    if (reply.createdBy !== writer.userId && roleOf(writer) !== 'admin') throw new AppError('ERR_FORBIDDEN', 'Only its author or an admin may change or delete a saved reply');
    return reply;
  };

  router.get('/', async (req, res) => {
    const { website } = requireAgent(callerOf(res));
    const { q } = parseInput(listSavedRepliesQuery, req.query, 'query');
    res.json({ savedReplies: await ctx.store.listSavedReplies(website.id, q) });
  });

  router.post('/', async (req, res) => {
    const { website, userId } = requireWriter(callerOf(res));
    const body = parseInput(newSavedReplyBody, req.body, 'body');
    const now = new Date().toISOString();
    const savedReply = await ctx.store.addSavedReply({ id: newId('sr'), websiteId: website.id, ...body, createdBy: userId, createdAt: now, updatedAt: now });
    await ctx.publisher.savedRepliesChanged(website.id);
    res.status(201).json({ savedReply });
  });

  router.patch('/:id', async (req, res) => {
    const change = parseInput(savedReplyChangeBody, req.body, 'body');
    const { id, websiteId } = await changeable(callerOf(res), req.params);
    const savedReply = await ctx.store.changeSavedReply(websiteId, id, change);
    if (!savedReply) throw new AppError('ERR_NOT_FOUND', `Unknown saved reply ${id}`);
    await ctx.publisher.savedRepliesChanged(websiteId);
    res.json({ savedReply });
  });

  router.delete('/:id', async (req, res) => {
    const { id, websiteId } = await changeable(callerOf(res), req.params);
    if (await ctx.store.removeSavedReply(websiteId, id)) await ctx.publisher.savedRepliesChanged(websiteId);
    res.status(204).end();
  });

  return router;
}
