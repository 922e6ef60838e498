/** A website's visitors as the team reads them: who they are linked to, when they were last seen, on which page, and the pages before it. */
import { Router } from 'express';
import { AppError } from '../../domain/errors';
import { requireAgent } from '../caller';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { parseInput } from '../schemas/parse';
import { visitorParams } from '../schemas/visitors';

export function visitorRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/:visitorId', ...ctx.authenticate, async (req, res) => {
    const { website } = requireAgent(callerOf(res));
    const { visitorId } = parseInput(visitorParams, req.params, 'params');
    const visitor = await ctx.store.getVisitor(website.id, visitorId);
    if (!visitor) throw new AppError('ERR_NOT_FOUND', `Unknown visitor ${visitorId}`);
    const { id, contactId, createdAt, lastSeenAt, lastPage, recentPages = [] } = visitor;
    res.json({ visitor: { id, contactId, createdAt, lastSeenAt, lastPage, recentPages } });
  });
  return router;
}
