/**
 * The website's outgoing webhook endpoints, for its admins (the secret key, or an admin member
 * token): made, listed, read, changed, deleted, given a new secret, the record of recent attempts
 * to reach one, and events sent to it again. An endpoint's signing secret is in the answer that makes it or rotates it,
 * and never again. Every instance is told of a change and reads the endpoints afresh.
 */
import { Router, type Response } from 'express';
import type { WebhookEndpoint } from '../../activities/store';
import { sameContent } from '../../activities/store/same-content';
import { AppError } from '../../domain/errors';
import { requireActingPerson } from '../caller';
import type { ApiContext } from '../context';
import { keyedWebhookId } from '../idempotency';
import { callerOf } from '../middleware/authenticate';
import { idempotencyHeaders } from '../schemas/common';
import { parseInput, parseInputs } from '../schemas/parse';
import { changedWebhookBody, newWebhookBody, redeliveryBody, webhookEventParams, webhookParams } from '../schemas/webhooks';
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

  /** The caller's website's endpoint named in the path, or a `404`. */
  async function endpointOf(res: Response, id: string): Promise<WebhookEndpoint> {
    const endpoint = await ctx.store.getWebhook(requireActingPerson(callerOf(res)).website.id, id);
    if (!endpoint) throw notFound();
    return endpoint;
  }

  router.get('/:id/deliveries', async (req, res) => {
    const endpoint = await endpointOf(res, parseInput(webhookParams, req.params, 'params').id);
    res.json({ deliveries: await ctx.store.listWebhookAttempts(endpoint.id, LISTED_ATTEMPTS) });
  });

  // Sent again at once, as new events are, to the endpoint as it is now (its URL, its secret).
  router.post('/:id/redeliver', async (req, res) => {
    const endpoint = await endpointOf(res, parseInput(webhookParams, req.params, 'params').id);
    const { since } = parseInput(redeliveryBody, req.body, 'body');
    const redelivered = await ctx.store.redeliverWebhookEvents(endpoint.id, since);
    if (redelivered > 0) ctx.webhooks.sendDue();
    res.status(202).json({ redelivered });
  });

  router.post('/:id/deliveries/:eventId/redeliver', async (req, res) => {
    const { id, eventId } = parseInput(webhookEventParams, req.params, 'params');
    const endpoint = await endpointOf(res, id);
    const redelivery = await ctx.store.redeliverWebhookEvent(endpoint.id, eventId);
    if (redelivery === 'unknown') throw new AppError('ERR_NOT_FOUND', 'No such event was owed to this endpoint this past week');
    if (redelivery === 'sending') throw new AppError('ERR_CONFLICT', 'This event is being sent to the endpoint now: its attempt is listed in a moment');
    ctx.webhooks.sendDue();
    res.status(202).json({ redelivered: 1 });
  });

  return router;
}
