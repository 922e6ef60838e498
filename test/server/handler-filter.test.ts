/**
 * `GET /v1/conversations?handler=`: the inbox's "Handled by AI" and "Waiting for a human" queues,
 * filtered by the server, so a conversation waiting behind more than a page of newer ones is listed.
 */
import { describe, expect, it } from 'vitest';
import { AGENT, waitUntil, type ApiAnswer } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

type ConversationPage = { conversations: Array<{ id: string }>; nextCursor: string | null };

const conversationOf = async (id: string) => (await t.api.call('GET', `/v1/conversations/${id}`, AGENT)).body.conversation;

/** Every id the listing gives for `query`, page by page, `limit` at a time. */
async function listAll(query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const res: ApiAnswer<ConversationPage> = await t.api.call<ConversationPage>('GET', `/v1/conversations?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, AGENT);
    expect(res.status).toBe(200);
    ids.push(...res.body.conversations.map((c) => c.id));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

describe('GET /v1/conversations?handler=', () => {
  it('lists the conversations waiting for a person, and those the AI handles, past a page of newer ones', async () => {
    const visitorId = await t.api.newVisitor();
    const create = async (conversationId: string) => expect((await t.api.call('POST', '/v1/conversations', AGENT, { conversationId, visitorId })).status).toBe(201);
    const escalate = async (id: string) => {
      expect((await t.api.call('POST', `/v1/conversations/${id}/escalate`, AGENT, { reason: 'asks for a person' })).status).toBe(200);
      await waitUntil(() => conversationOf(id), (c) => c.handler === 'human');
    };
    await create('hf-waiting');
    await escalate('hf-waiting');
    await create('hf-taken');
    await escalate('hf-taken');
    expect((await t.api.call('POST', '/v1/conversations/hf-taken/participants', AGENT, { userId: AGENT.agent })).status).toBe(200);
    await waitUntil(() => conversationOf('hf-taken'), (c) => c.participants.some((p: { kind: string }) => p.kind === 'human'));
    const newer = Array.from({ length: 6 }, (_, i) => `hf-ai-${i}`);
    for (const id of newer) await create(id);

    const waiting = await listAll('status=open&handler=waiting', 2);
    expect(waiting).toEqual({ ids: ['hf-waiting'], pages: 1 });
    const ai = await listAll('handler=ai', 2);
    expect(ai.pages).toBeGreaterThan(1);
    expect(ai.ids).toEqual(expect.arrayContaining(newer));
    expect(ai.ids).toHaveLength(new Set(ai.ids).size);
    expect(ai.ids).not.toContain('hf-waiting');
    expect(ai.ids).not.toContain('hf-taken');

    // Taken by a person: no longer waiting.
    expect((await t.api.call('POST', '/v1/conversations/hf-waiting/assign', AGENT, { userId: AGENT.agent })).status).toBe(200);
    await waitUntil(() => conversationOf('hf-waiting'), (c) => c.assigneeId === AGENT.agent);
    expect((await listAll('handler=waiting', 2)).ids).toEqual([]);
  });

  it('refuses a handler it does not know, naming the parameter, and refuses the filter to visitors', async () => {
    const unknown = await t.api.call('GET', '/v1/conversations?handler=human', AGENT);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields).toEqual([expect.objectContaining({ path: 'query.handler' })]);
    const visitor = { visitorId: await t.api.newVisitor() };
    const refused = await t.api.call('GET', '/v1/conversations?handler=waiting', visitor);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'ERR_FORBIDDEN', message: expect.stringContaining('handler') });
  });
});
