import { Router } from 'express';
import { AppError } from '../../domain/errors';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { identifyBody } from '../schemas/contacts';
import { parseInput } from '../schemas/parse';
import { verifyUserHash } from '../services/identity';

export function contactRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/identify', ...ctx.authenticate, ...ctx.jsonBody, async (req, res) => {
    const caller = callerOf(res);
    if (caller.kind !== 'visitor') throw new AppError('ERR_FORBIDDEN', 'Identify is for the widget (public key)');
    const { externalId, userHash, email, name } = parseInput(identifyBody, req.body, 'body');
    if (!verifyUserHash(caller.website.identitySecret, externalId, userHash)) throw new AppError('ERR_UNAUTHENTICATED', 'userHash does not match externalId');
    const linked = await ctx.store.identifyContact(caller.website.id, caller.visitorId, { externalId, email, name });
    ctx.directory.forgetVisitor(caller.website.id, caller.visitorId);
    // Sockets of this visitor, on every instance, start hearing the contact's conversations.
    await ctx.publisher.visitorLinked(caller.website.id, { visitorId: caller.visitorId, contactId: linked.contact.id });
    res.json(linked);
  });
  return router;
}
