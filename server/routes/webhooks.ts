/**
 * The website's outgoing webhook endpoints, for its admins (the secret key, or an admin member
 * token): made, listed, read, changed, deleted, given a new secret, and the record of recent
 * attempts to reach one. An endpoint's signing secret is in the answer that makes it or rotates it,
 * and never again. Every instance is told of a change and reads the endpoints afresh.
 */
import { Router } from 'express';
import type { WebhookEndpoint } from '../../activities/store';
import { sameContent } from '../../activities/store/same-content';
import { AppError } from '../../domain/errors';
import { requireActingPerson } from '../caller';
import type { ApiContext } from '../context';
import { keyedWebhookId } from '../idempotency';
import { callerOf } from '../middleware/authenticate';
import { idempotencyHeaders } from '../schemas/common';
import { parseInput, parseInputs } from '../schemas/parse';
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
   * This instance sends by the change at once (unless its read fails); the others as they hear of it. The change is stored
   * by then, so a failure here does not fail the request (a creation answered 500 would be made again,
   * its secret never shown): every instance reads the endpoints again within 10 s anyway (webhooks.ts).
   */
  const changed = async (websiteId: string) => {
    const [read, told] = await Promise.allSettled([ctx.webhooks.outbox.reload(), ctx.publisher.webhooksChanged(websiteId)]);
    if (read.status === 'rejected') ctx.log.error({ err: read.reason }, 'reading the webhook endpoints again failed: this instance reads them within 10 s');
    if (told.status === 'rejected') ctx.log.error({ err: told.reason }, 'telling the instances of a webhook change failed: they read the endpoints again within 10 s');
  };

  router.post('/', async (req, res) => {
    const { website, userId } = requireActingPerson(callerOf(res));
    const [body, headers] = parseInputs([newBody, req.body, 'body'], [idempotencyHeaders, req.headers, 'headers']);
    const key = headers['idempotency-key'];
    const id = key === undefined ? undefined : keyedWebhookId(key, { websiteId: website.id, agentId: userId });
    const made = await ctx.store.createWebhook({ websiteId: website.id, ...body, secret: newWebhookSecret() }, id);
    // A retry of a keyed request: the endpoint its first attempt made, with its secret (that answer may have been lost).
    const endpoint = made ?? (await madeBefore(website.id, id, body));
    await changed(website.id);
    res.status(made ? 201 : 200).json({ webhook: shown(endpoint), secret: endpoint.secret });
  });

  /** The endpoint an earlier attempt of a keyed creation made; a `409` when it has other fields (or was deleted just now). */
  async function madeBefore(websiteId: string, id: string | undefined, body: Pick<WebhookEndpoint, 'url' | 'events' | 'description'>): Promise<WebhookEndpoint> {
    const existing = id === undefined ? null : await ctx.store.getWebhook(websiteId, id);
    if (!existing) throw new AppError('ERR_CONFLICT', 'The endpoint this Idempotency-Key made was deleted meanwhile: try again');
    const { url, events, description } = existing;
    if (!sameContent({ url, events, description }, body)) throw new AppError('ERR_CONFLICT', 'This Idempotency-Key made an endpoint with other fields: use another key');
    return existing;
  }

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
