/** What webhook tests do as a website: make an endpoint for a receiver, have a visitor write, check a delivery's signature. */
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import { AGENT, type Api } from './clients';
import type { WebhookReceiver } from './webhook-receiver';

/** An endpoint sending `events` to the receiver, made by the website's admin: its id and secret. */
export async function endpointFor(api: Api, receiver: WebhookReceiver, events: string[]): Promise<{ id: string; secret: string }> {
  const made = await api.call('POST', '/v1/webhooks', AGENT, { url: receiver.url, events });
  expect(made.status).toBe(201);
  return { id: made.body.webhook.id, secret: made.body.secret };
}

/**
 * A visitor's new conversation and its first message (the item id). The assistant is paused first:
 * its answer, about 1.5 s later (later still on a loaded machine), would be an event of its own
 * among those a test counts.
 */
export async function visitorWrites(api: Api, conversationId: string): Promise<string> {
  const visitor = { visitorId: await api.newVisitor() };
  expect((await api.call('POST', '/v1/conversations', visitor, { conversationId })).status).toBe(201);
  expect((await api.call('POST', `/v1/conversations/${conversationId}/ai/pause`, AGENT, { minutes: 30 })).status).toBe(200);
  const itemId = `${conversationId}-m1`;
  expect((await api.call('POST', '/v1/messages', visitor, { conversationId, item: { id: itemId, type: 'message', text: 'hello' } })).status).toBe(201);
  return itemId;
}

/** Selects the events about this item (`WebhookReceiver.events`). */
export const aboutItem = (itemId: string) => (data: any) => data.item?.id === itemId;

/** What the docs tell a receiver to check: the HMAC of `<t>.<body>` under the secret, `t` within 5 minutes. */
export function verifies(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex');
  return parts.v1 === expected && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
}
