/**
 * The website's outgoing webhook endpoints, for its admins (the secret key, or an admin member
 * token): made, listed, read, changed, deleted, given a new secret, and the record of recent
 * attempts to reach one. An endpoint's signing secret is in the answer that makes it or rotates it,
 * and never again. Every instance is told of a change and reads the endpoints afresh.
 */
import { Router } from 'express';
import type { WebhookEndpoint } from '../../activities/store';
import { AppError } from '../../domain/errors';
import { requireActingPerson } from '../caller';
import type { ApiContext } from '../context';
import { callerOf } from '../middleware/authenticate';
import { parseInput } from '../schemas/parse';
import { changedWebhookBody, newWebhookBody, webhookParams } from '../schemas/webhooks';
import { newWebhookSecret } from '../webhooks/signature';

/** Attempts `GET /v1/webhooks/:id/deliveries` lists, newest first. */
const LISTED_ATTEMPTS = 100;

/** An endpoint as answered: without its secret. */
const shown = ({ secret: _secret, ...endpoint }: WebhookEndpoint) => endpoint;

const notFound = () => new AppError('ERR_NOT_FOUND', 'No such webhook endpoint');

export function webhookRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.use(...ctx.authenticate, ...ctx.jsonBody);
  const { allowPrivateUrls } = ctx.webhooks.settings;
  const newBody = newWebhookBody(allowPrivateUrls);
  const changedBody = changedWebhookBody(allowPrivateUrls);

  /**
   * This instance sends by the change at once; the others as they hear of it. The change is stored
   * by then, so a failure here does not fail the request (a creation answered 500 would be made again,
   * its secret never shown): every instance reads the endpoints again within 10 s anyway (webhooks.ts).
   */
  const changed = async (websiteId: string) => {
    try {
      await ctx.webhooks.outbox.reload();
      await ctx.publisher.webhooksChanged(websiteId);
    } catch (err) {
      ctx.log.error({ err }, 'telling the instances of a webhook change failed: they read the endpoints again within 10 s');
    }
  };

  router.post('/', async (req, res) => {
    const { website } = requireActingPerson(callerOf(res));
    const body = parseInput(newBody, req.body, 'body');
    const endpoint = await ctx.store.createWebhook({ websiteId: website.id, ...body, secret: newWebhookSecret() });
    await changed(website.id);
    res.status(201).json({ webhook: shown(endpoint), secret: endpoint.secret });
  });

  router.get('/', async (_req, res) => {
    const { website } = requireActingPerson(callerOf(res));
    res.json({ webhooks: (await ctx.store.listWebhooks(website.id)).map(shown) });
  });

  router.get('/:id', async (req, res) => {
    const { website } = requireActingPerson(callerOf(res));
    const endpoint = await ctx.store.getWebhook(website.id, parseInput(webhookParams, req.params, 'params').id);
    if (!endpoint) throw notFound();
    res.json({ webhook: shown(endpoint) });
  });

  router.patch('/:id', async (req, res) => {
    const { website } = requireActingPerson(callerOf(res));
    const { id } = parseInput(webhookParams, req.params, 'params');
    const endpoint = await ctx.store.updateWebhook(website.id, id, parseInput(changedBody, req.body, 'body'));
    if (!endpoint) throw notFound();
    await changed(website.id);
    res.json({ webhook: shown(endpoint) });
  });

  router.post('/:id/rotate-secret', async (req, res) => {
    const { website } = requireActingPerson(callerOf(res));
    const { id } = parseInput(webhookParams, req.params, 'params');
    const endpoint = await ctx.store.updateWebhook(website.id, id, { secret: newWebhookSecret() });
    if (!endpoint) throw notFound();
    await changed(website.id);
    res.json({ webhook: shown(endpoint), secret: endpoint.secret });
  });

  router.delete('/:id', async (req, res) => {
    const { website } = requireActingPerson(callerOf(res));
    if (!(await ctx.store.deleteWebhook(website.id, parseInput(webhookParams, req.params, 'params').id))) throw notFound();
    await changed(website.id);
    res.status(204).end();
  });

  router.get('/:id/deliveries', async (req, res) => {
    const { website } = requireActingPerson(callerOf(res));
    const endpoint = await ctx.store.getWebhook(website.id, parseInput(webhookParams, req.params, 'params').id);
    if (!endpoint) throw notFound();
    res.json({ deliveries: await ctx.store.listWebhookAttempts(endpoint.id, LISTED_ATTEMPTS) });
  });

  return router;
}
