import { Router } from 'express';
import { AppError } from '../../domain/errors';
import type { ApiContext } from '../context';
import { invalidField } from '../http-errors';
import { callerOf } from '../middleware/authenticate';
import { identifyBody } from '../schemas/contacts';
import { parseInput } from '../schemas/parse';
import { verifyUserHash } from '../services/identity';
import { verifyUserJwt, type SignedIdentity } from '../services/identity-token';

export function contactRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.post('/identify', ...ctx.authenticate, ...ctx.jsonBody, async (req, res) => {
    const caller = callerOf(res);
    if (caller.kind !== 'visitor') throw new AppError('ERR_FORBIDDEN', 'Identify is for the widget (public key)');
    const body = parseInput(identifyBody, req.body, 'body');
    const { identitySecret } = caller.website;
    let identity: SignedIdentity;
    if (body.userJwt !== undefined) {
      identity = await verifyUserJwt(identitySecret, body.userJwt);
      if (body.externalId !== undefined && body.externalId !== identity.externalId) {
        throw invalidField('body.externalId', "names another user than userJwt's sub", 'Invalid input: body.externalId');
      }
    } else {
      // The schema has both without a token.
      const { externalId = '', userHash = '', email, name } = body;
      if (!verifyUserHash(identitySecret, externalId, userHash)) throw new AppError('ERR_UNAUTHENTICATED', 'userHash does not match externalId');
      identity = { externalId, ...(email === undefined ? {} : { email }), ...(name === undefined ? {} : { name }) };
    }
    const linked = await ctx.store.identifyContact(caller.website.id, caller.visitorId, identity);
    ctx.directory.forgetVisitor(caller.website.id, caller.visitorId);
    // Sockets of this visitor, on every instance, start hearing the contact's conversations.
    await ctx.publisher.visitorLinked(caller.website.id, { visitorId: caller.visitorId, contactId: linked.contact.id });
    res.json(linked);
  });
  return router;
}
