import { Router } from 'express';
import type { ApiContext } from '../context';
import { requireAgent } from '../caller';
import { callerOf } from '../middleware/authenticate';

export function teamRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/', ...ctx.authenticate, async (_req, res) => {
    const { website } = requireAgent(callerOf(res));
    const members = await ctx.store.listTeamMembers(website.id);
    res.json({
      members: members.map(({ id, name, kind }) => ({
        id,
        name,
        kind,
        // The AI assistant is always there; humans are online while a socket of theirs is open on any instance.
        online: kind === 'ai' || ctx.online.isOnline({ websiteId: website.id, kind: 'user', id }),
      })),
    });
  });
  return router;
}
