/** Answers to interactive items over the wire: a quick-replies pick, its retry, a second answer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { AGENT, Api, SocketClient, waitUntil } from './support/clients';
import { startTestApp } from './support/app';

let app: RunningApp;
let api: Api;
let visitor: { visitorId: string };
let visitorSocket: SocketClient;

const OPTIONS = [
  { id: 'yes', label: 'Yes, that solved it' },
  { id: 'no', label: 'No, I still need help' },
];

/** An agent offers quick replies in `conversationId`. */
async function offer(conversationId: string, itemId: string) {
  const res = await api.call('POST', '/v1/messages', AGENT, { conversationId, item: { id: itemId, type: 'quick_replies', prompt: 'Did that help?', options: OPTIONS } });
  expect(res.status).toBe(201);
}

const choose = (conversationId: string, itemId: string, optionId: unknown, who: { visitorId: string } | typeof AGENT = visitor) =>
  api.call('POST', `/v1/conversations/${conversationId}/items/${itemId}/actions/choose`, who, { answer: { optionId } });

beforeAll(async () => {
  app = await startTestApp();
  api = new Api(app);
  visitor = { visitorId: await api.newVisitor() };
  visitorSocket = await SocketClient.open(app, visitor);
  await api.call('POST', '/v1/conversations', visitor, { conversationId: 'qr-1' });
});
afterAll(async () => {
  await visitorSocket?.close();
  await app?.close();
});

describe('interactive items', () => {
  it('records the pick as the visitor\'s message and marks the offer answered, live', async () => {
    await offer('qr-1', 'qr-1-offer');
    const picked = await choose('qr-1', 'qr-1-offer', 'yes');
    expect(picked.status).toBe(201);
    expect(picked.body.item).toMatchObject({ conversationId: 'qr-1', type: 'message', text: 'Yes, that solved it', author: { kind: 'visitor', id: visitor.visitorId } });
    await visitorSocket.itemFrame(picked.body.item.id);
    const updated = await visitorSocket.waitFor((f) => f.type === 'timelineItemUpdated' && f.payload.item.id === 'qr-1-offer');
    expect(updated.payload.item.answeredOptionId).toBe('yes');
    // The workflow hears of the item after the answer (the hot path does not wait for it).
    const audit = await waitUntil(
      () => api.call('GET', '/v1/conversations/qr-1/audit', AGENT),
      (res) => res.body.entries?.some((entry: { name?: string }) => entry.name === 'itemAdded'),
    );
    expect(audit.body.entries).toContainEqual(expect.objectContaining({ name: 'itemAdded' }));
  });

  it('answers a retry with the same reply, posted once, and refuses a second answer', async () => {
    const first = await choose('qr-1', 'qr-1-offer', 'yes');
    expect(first.status).toBe(201);
    const timeline = await api.call('GET', '/v1/conversations/qr-1/timeline', visitor);
    expect(timeline.body.items.filter((item: { text?: string }) => item.text === 'Yes, that solved it')).toHaveLength(1);
    expect(timeline.body.items.map((item: { id: string }) => item.id)).toContain(first.body.item.id);

    const second = await choose('qr-1', 'qr-1-offer', 'no');
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('ERR_CONFLICT');
  });

  it('takes one of two different answers given at once, and refuses the other', async () => {
    await offer('qr-1', 'qr-1-race');
    const answers = await Promise.all([choose('qr-1', 'qr-1-race', 'yes'), choose('qr-1', 'qr-1-race', 'no')]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const winner = answers.find((a) => a.status === 201)!.body.item;
    const items = (await api.call('GET', '/v1/conversations/qr-1/timeline?limit=100', visitor)).body.items as Array<{ id: string; seq: number; text?: string; answeredOptionId?: string }>;
    const race = items.find((item) => item.id === 'qr-1-race')!;
    const replies = items.filter((item) => item.seq > race.seq && item.id.startsWith('answer_'));
    expect(replies.map((r) => r.id)).toEqual([winner.id]);
    expect(OPTIONS.find((o) => o.id === race.answeredOptionId)?.label).toBe(winner.text);
  });

  it('posts the reply of an answer whose request died after marking the item answered, when it is retried', async () => {
    await offer('qr-1', 'qr-1-crash');
    const appendItem = app.store.appendItem;
    app.store.appendItem = async () => {
      app.store.appendItem = appendItem;
      throw new Error('the process died here');
    };
    expect((await choose('qr-1', 'qr-1-crash', 'no')).status).toBe(500);
    const retried = await choose('qr-1', 'qr-1-crash', 'no');
    expect(retried.status).toBe(201);
    expect(retried.body.item.text).toBe('No, I still need help');
    expect((await choose('qr-1', 'qr-1-crash', 'yes')).status).toBe(409);
  });

  it('refuses quick replies whose label or prompt a message could not say, naming them', async () => {
    const res = await api.call('POST', '/v1/messages', AGENT, {
      conversationId: 'qr-1',
      item: { id: 'qr-1-zw', type: 'quick_replies', prompt: 'pick\u0000\u202e one', options: [{ id: 'a', label: '\u200b' }] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.item.prompt', 'body.item.options.0.label']);
  });

  it('refuses a pick on quick replies stored before their labels were checked with a 409 saying why, not a 500', async () => {
    await app.store.appendItem({
      id: 'qr-1-old',
      conversationId: 'qr-1',
      type: 'quick_replies',
      visibility: 'public',
      author: { kind: 'human', id: AGENT.agent },
      createdAt: new Date().toISOString(),
      prompt: 'pick one',
      options: [{ id: 'a', label: '\u200b' }],
    } as never);
    const picked = await choose('qr-1', 'qr-1-old', 'a');
    expect(picked.status).toBe(409);
    expect(picked.body.error).toMatchObject({ code: 'ERR_CONFLICT', message: expect.stringContaining('can no longer be answered') });
  });

  it('names a bad answer\'s field, and hides items the caller may not see', async () => {
    await offer('qr-1', 'qr-1-offer-2');
    const bad = await choose('qr-1', 'qr-1-offer-2', 'maybe');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual({ fields: [{ path: 'body.answer.optionId', message: expect.any(String) }] });
    const extra = await api.call('POST', '/v1/conversations/qr-1/items/qr-1-offer-2/actions/choose', visitor, { answer: { optionId: 'yes', note: 'hi' } });
    expect(extra.body.error.details).toEqual({ fields: [{ path: 'body.answer.note', message: 'unknown field' }] });
    const unknownAction = await api.call('POST', '/v1/conversations/qr-1/items/qr-1-offer-2/actions/nope', visitor, { answer: {} });
    expect(unknownAction.status).toBe(400);
    expect(unknownAction.body.error.details.fields[0].path).toBe('params.actionId');
    // Only the visitor picks; another visitor does not see the conversation at all.
    expect((await choose('qr-1', 'qr-1-offer-2', 'yes', AGENT)).status).toBe(403);
    expect((await choose('qr-1', 'qr-1-offer-2', 'yes', { visitorId: await api.newVisitor() })).status).toBe(404);
    expect((await choose('qr-1', 'no-such-item', 'yes')).status).toBe(404);
  });
});
