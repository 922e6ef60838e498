import { describe, expect, it, vi } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

// The default configuration: webhooks go to public https: URLs only.
const t = useTestApp();

const make = (body: unknown, who: Parameters<typeof t.api.call>[2] = AGENT) => t.api.call('POST', '/v1/webhooks', who, body);

async function memberToken(memberId: string, role: 'admin' | 'agent'): Promise<string> {
  expect((await t.api.call('POST', '/v1/team/members', AGENT, { id: memberId, name: memberId })).status).toBe(201);
  const made = await t.api.call('POST', `/v1/team/members/${memberId}/tokens`, { agent: null }, { role });
  expect(made.status).toBe(201);
  return made.body.token;
}

describe('Webhook endpoints', () => {
  it('answer the signing secret when made, and never again', async () => {
    const made = await make({ url: 'https://hooks.example.com/chat', events: ['message.created', 'conversation.resolved'], description: 'CRM' });
    expect(made.status).toBe(201);
    expect(made.body.secret).toMatch(/^whsec_/);
    expect(made.body.webhook).toMatchObject({ url: 'https://hooks.example.com/chat', events: ['message.created', 'conversation.resolved'], description: 'CRM' });
    expect(made.body.webhook).not.toHaveProperty('secret');
    const { id } = made.body.webhook;
    const listed = await t.api.call('GET', '/v1/webhooks', AGENT);
    expect(listed.body.webhooks.find((w: { id: string }) => w.id === id)).toEqual(made.body.webhook);
    expect(JSON.stringify(listed.body)).not.toContain(made.body.secret);
    const read = await t.api.call('GET', `/v1/webhooks/${id}`, AGENT);
    expect(read.body).toEqual({ webhook: made.body.webhook });
  });

  it('are answered as made once stored, also when telling the other instances fails (a retry would make a second one, its secret never shown)', async () => {
    const publish = t.app.store.publishEphemeral.bind(t.app.store);
    // Only the word of the change fails (presence and typing of other sockets still go).
    const told = vi.spyOn(t.app.store, 'publishEphemeral').mockImplementation(async (event) => {
      if (event.type === 'webhooksChanged') throw new Error('store unreachable a moment');
      return publish(event);
    });
    try {
      const made = await make({ url: 'https://hooks.example.com/told-later', events: ['message.created'] });
      expect(made.status).toBe(201);
      expect(made.body.secret).toMatch(/^whsec_/);
      expect(told.mock.calls.filter(([event]) => event.type === 'webhooksChanged')).toHaveLength(1);
      const listed = await t.api.call('GET', '/v1/webhooks', AGENT);
      expect(listed.body.webhooks.filter((w: { url: string }) => w.url === 'https://hooks.example.com/told-later')).toEqual([made.body.webhook]);
    } finally {
      told.mockRestore();
    }
  });

  it('are made once for an Idempotency-Key: a retry answers the same endpoint and secret, other fields are a 409', async () => {
    const url = 'https://hooks.example.com/keyed';
    const keyed = (key: string, body: unknown = { url, events: ['message.created'] }) => t.api.call('POST', '/v1/webhooks', AGENT, body, { 'Idempotency-Key': key });
    const made = await keyed('crm-setup-1');
    expect(made.status).toBe(201);
    const retried = await keyed('crm-setup-1');
    expect(retried.status).toBe(200);
    expect(retried.body).toEqual(made.body);
    const listed = async () => (await t.api.call('GET', '/v1/webhooks', AGENT)).body.webhooks.filter((w: { url: string }) => w.url === url);
    expect(await listed()).toEqual([made.body.webhook]);

    const other = await keyed('crm-setup-1', { url, events: ['note.created'] });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/other fields/);
    expect((await keyed('crm-setup-2')).status).toBe(201); // another key, another endpoint
    expect(await listed()).toHaveLength(2);
    // Deleted, the key names no endpoint: it makes one again, with a new secret.
    expect((await t.api.call('DELETE', `/v1/webhooks/${made.body.webhook.id}`, AGENT)).status).toBe(204);
    const again = await keyed('crm-setup-1');
    expect(again.status).toBe(201);
    expect(again.body.secret).not.toBe(made.body.secret);
  });

  it('change what a PATCH names, rotate their secret, and are gone once deleted', async () => {
    const made = await make({ url: 'https://hooks.example.com/a', events: ['message.created'], description: 'first' });
    const { id } = made.body.webhook;
    const patched = await t.api.call('PATCH', `/v1/webhooks/${id}`, AGENT, { events: ['note.created'], description: null });
    expect(patched.status).toBe(200);
    expect(patched.body.webhook).toMatchObject({ url: 'https://hooks.example.com/a', events: ['note.created'] });
    expect(patched.body.webhook).not.toHaveProperty('description');
    const rotated = await t.api.call('POST', `/v1/webhooks/${id}/rotate-secret`, AGENT);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(made.body.secret);
    expect((await t.api.call('DELETE', `/v1/webhooks/${id}`, AGENT)).status).toBe(204);
    expect((await t.api.call('GET', `/v1/webhooks/${id}`, AGENT)).status).toBe(404);
    expect((await t.api.call('DELETE', `/v1/webhooks/${id}`, AGENT)).status).toBe(404);
    expect((await t.api.call('GET', `/v1/webhooks/${id}/deliveries`, AGENT)).status).toBe(404);
  });

  it("tell the team's sockets, and no visitor's, of each change: made, changed, a new secret, deleted", async () => {
    const team = await t.open(AGENT);
    const visitor = await t.open({ visitorId: await t.api.newVisitor() });
    const heard = () => team.of('webhooksUpdated').length;
    const after = async (change: () => Promise<{ status: number }>, status: number) => {
      const before = heard();
      expect((await change()).status).toBe(status);
      await team.waitFor(() => heard() > before);
    };
    let id = '';
    await after(async () => {
      const made = await make({ url: 'https://hooks.example.com/told', events: ['message.created'] });
      id = made.body.webhook.id;
      return made;
    }, 201);
    expect(team.of('webhooksUpdated')[0]!.payload).toEqual({ websiteId: t.app.websiteId });
    await after(() => t.api.call('PATCH', `/v1/webhooks/${id}`, AGENT, { description: 'told' }), 200);
    await after(() => t.api.call('POST', `/v1/webhooks/${id}/rotate-secret`, AGENT), 200);
    await after(() => t.api.call('DELETE', `/v1/webhooks/${id}`, AGENT), 204);
    expect(visitor.of('webhooksUpdated')).toEqual([]);
  });

  it('refuse a body they cannot take, naming the field', async () => {
    const noEvents = await make({ url: 'https://hooks.example.com/x', events: [] });
    expect(noEvents.status).toBe(400);
    expect(noEvents.body.error.code).toBe('ERR_INVALID_INPUT');
    expect(noEvents.body.error.details.fields).toEqual([expect.objectContaining({ path: 'body.events' })]);
    const unknownEvent = await make({ url: 'https://hooks.example.com/x', events: ['message.deleted'] });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.error.details.fields[0].path).toBe('body.events.0');
    const notUrl = await make({ url: 'hooks.example.com', events: ['message.created'] });
    expect(notUrl.status).toBe(400);
    expect(notUrl.body.error.details.fields[0]).toMatchObject({ path: 'body.url', message: 'expected an absolute URL' });
    expect((await make({ url: 'https://hooks.example.com/x', events: ['message.created'], secret: 'mine' })).status).toBe(400);
    const made = await make({ url: 'https://hooks.example.com/x', events: [...WEBHOOK_EVENT_TYPES] });
    expect(made.status).toBe(201);
    const emptyPatch = await t.api.call('PATCH', `/v1/webhooks/${made.body.webhook.id}`, AGENT, {});
    expect(emptyPatch.status).toBe(400);
  });

  it.each([
    ['http://hooks.example.com/x', 'must be an https: URL'],
    ['https://127.0.0.1/x', 'must not name a loopback, private or link-local address'],
    ['https://localhost:8080/x', 'must not name a loopback, private or link-local address'],
    ['https://10.1.2.3/x', 'must not name a loopback, private or link-local address'],
    ['https://192.168.0.10/x', 'must not name a loopback, private or link-local address'],
    ['https://169.254.169.254/latest/meta-data', 'must not name a loopback, private or link-local address'],
    ['https://[::1]/x', 'must not name a loopback, private or link-local address'],
    ['https://[::ffff:127.0.0.1]/x', 'must not name a loopback, private or link-local address'],
    ['https://[fd00::1]/x', 'must not name a loopback, private or link-local address'],
    ['https://user:pw@hooks.example.com/x', 'must not carry a user name or password'],
  ])('refuse %s', async (url, message) => {
    const refused = await make({ url, events: ['message.created'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields).toEqual([{ path: 'body.url', message }]);
  });

  it('are for admins only: an agent member token and a visitor are refused', async () => {
    const agentToken = await memberToken('usr-hooks-agent', 'agent');
    const adminToken = await memberToken('usr-hooks-admin', 'admin');
    const body = { url: 'https://hooks.example.com/admin', events: ['message.created'] };
    expect((await make(body, { memberToken: agentToken })).status).toBe(403);
    expect((await t.api.call('GET', '/v1/webhooks', { memberToken: agentToken })).status).toBe(403);
    const visitor = { visitorId: await t.api.newVisitor() };
    expect((await make(body, visitor)).status).toBe(403);
    expect((await t.api.call('GET', '/v1/webhooks', visitor)).status).toBe(403);
    const made = await make(body, { memberToken: adminToken });
    expect(made.status).toBe(201);
    expect((await t.api.call('DELETE', `/v1/webhooks/${made.body.webhook.id}`, { memberToken: agentToken })).status).toBe(403);
    expect((await t.api.call('POST', `/v1/webhooks/${made.body.webhook.id}/redeliver`, { memberToken: agentToken }, { since: new Date(0).toISOString() })).status).toBe(403);
    expect((await t.api.call('POST', `/v1/webhooks/${made.body.webhook.id}/deliveries/evt_${'0'.repeat(32)}/redeliver`, { memberToken: agentToken })).status).toBe(403);
    expect((await t.api.call('POST', `/v1/webhooks/${made.body.webhook.id}/redeliver`, { memberToken: adminToken }, { since: new Date(0).toISOString() })).body).toEqual({ redelivered: 0 });
  });
});
