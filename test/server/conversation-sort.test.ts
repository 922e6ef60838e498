/**
 * `GET /v1/conversations?sort=`: the team's list by how long the visitor has waited, or by
 * priority, paged by a keyset cursor so a conversation changed between pages moves no other.
 */
import { describe, expect, it } from 'vitest';
import { AGENT, waitUntil, type ApiAnswer, type Who } from './support/clients';
import { useTestApp } from './support/app';
import { askForPerson } from './support/ask-for-person';

const t = useTestApp();

type Row = { id: string; waitingSince?: string };
type ConversationPage = { conversations: Row[]; nextCursor: string | null };

const conversationOf = async (id: string) => (await t.api.call('GET', `/v1/conversations/${id}`, AGENT)).body.conversation;

/** Pages through `query` `limit` at a time, calling `between` after each page but the last. */
async function pages(query: string, limit: number, between: (page: number) => Promise<void> = async () => {}): Promise<Row[][]> {
  const found: Row[][] = [];
  let cursor: string | null = null;
  do {
    const res: ApiAnswer<ConversationPage> = await t.api.call<ConversationPage>('GET', `/v1/conversations?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, AGENT);
    expect(res.status).toBe(200);
    found.push(res.body.conversations);
    cursor = res.body.nextCursor;
    if (cursor) await between(found.length);
  } while (cursor);
  return found;
}

const ids = (rows: Row[][]) => rows.flat().map((row) => row.id);

/** A conversation of a new visitor, tagged `tag`, with the assistant paused so that nobody answers the visitor but the test. */
async function quietConversation(conversationId: string, tag: string, priority = 'medium'): Promise<{ visitorId: string }> {
  const visitor = { visitorId: await t.api.newVisitor() };
  expect((await t.api.call('POST', '/v1/conversations', AGENT, { conversationId, visitorId: visitor.visitorId, tags: [tag], priority })).status).toBe(201);
  expect((await t.api.call('POST', `/v1/conversations/${conversationId}/ai/pause`, AGENT, { minutes: 60 })).status).toBe(200);
  await waitUntil(() => conversationOf(conversationId), (c) => c.aiPausedUntil !== undefined);
  return visitor;
}

const write = (conversationId: string, who: Who, text: string) => t.api.call('POST', '/v1/messages', who, { conversationId, item: { type: 'message', text } });

describe('GET /v1/conversations?sort=', () => {
  it('waiting: the visitors waiting longest first, then the rest by activity; an answered one leaves the block and no other is skipped or repeated', async () => {
    const tag = 'sort-waiting';
    const names = ['w-1', 'w-2', 'w-3', 'w-4'];
    const visitors = [];
    for (const name of names) visitors.push(await quietConversation(name, tag));
    // w-3 asked first, then w-1, then w-2; w-4 never wrote.
    for (const i of [2, 0, 1]) expect((await write(names[i]!, visitors[i]!, 'anyone there?')).status).toBe(201);
    await write('w-3', visitors[2]!, 'hello?'); // a second question does not move the wait
    expect((await pages(`tag=${tag}&sort=waiting`, 10))[0]!.map((row) => row.id)).toEqual(['w-3', 'w-1', 'w-2', 'w-4']);

    const listed = await pages(`tag=${tag}&sort=waiting`, 2, async (page) => {
      // After the first page, the longest waiting is answered: it moves to the rest, newest activity.
      if (page === 1) expect((await write('w-3', AGENT, 'Here, how can I help?')).status).toBe(201);
    });
    expect(listed[0]!.map((row) => row.id)).toEqual(['w-3', 'w-1']);
    expect(listed[0]!.map((row) => typeof row.waitingSince)).toEqual(['string', 'string']);
    expect(ids(listed).slice(2)).toEqual(['w-2', 'w-3', 'w-4']);
    expect((await conversationOf('w-3')).waitingSince).toBeUndefined();
    // The visitor is not told how long the team has let it wait.
    const own = await t.api.call('GET', '/v1/conversations/w-1', visitors[0]!);
    expect(own.status).toBe(200);
    expect(own.body.conversation).not.toHaveProperty('waitingSince');
  });

  it('waiting: a visitor the assistant hands to the team waits on, from their message, until a person answers', async () => {
    const handOff = await askForPerson(t, 'w-handed-off');
    const { items } = (await t.api.call('GET', '/v1/conversations/w-handed-off/timeline', AGENT)).body;
    const asked = items.find((item: { author: { kind: string }; type: string }) => item.type === 'message' && item.author.kind === 'visitor');
    expect(items.find((item: { text?: string }) => item.text === handOff)).toMatchObject({ author: { kind: 'ai' } });
    expect((await conversationOf('w-handed-off')).waitingSince).toBe(asked.createdAt);
    expect((await write('w-handed-off', AGENT, 'Hi, Sam here')).status).toBe(201);
    expect((await conversationOf('w-handed-off')).waitingSince).toBeUndefined();
  });

  it('priority: urgent to low, each newest first; a conversation whose priority changes between pages moves no other', async () => {
    const tag = 'sort-priority';
    const made: Array<[string, string]> = [['p-low', 'low'], ['p-urgent-old', 'urgent'], ['p-medium', 'medium'], ['p-high', 'high'], ['p-urgent-new', 'urgent']];
    for (const [id, priority] of made) await quietConversation(id, tag, priority);
    expect(ids(await pages(`tag=${tag}&sort=priority`, 10))).toEqual(['p-urgent-new', 'p-urgent-old', 'p-high', 'p-medium', 'p-low']);

    const listed = await pages(`tag=${tag}&sort=priority`, 2, async (page) => {
      if (page !== 1) return;
      expect((await t.api.call('PATCH', '/v1/conversations/p-high', AGENT, { priority: 'low' })).status).toBe(200);
      await waitUntil(() => conversationOf('p-high'), (c) => c.priority === 'low');
    });
    expect(ids(listed)).toEqual(['p-urgent-new', 'p-urgent-old', 'p-medium', 'p-high', 'p-low']);
    // And with a search, in the same order.
    expect(ids(await pages(`tag=${tag}&sort=priority&q=${tag}`, 2))).toEqual(['p-urgent-new', 'p-urgent-old', 'p-medium', 'p-high', 'p-low']);
  });

  it('refuses an unknown sort, a sort with updatedSince, a cursor of another order, and any sort to visitors', async () => {
    const unknown = await t.api.call('GET', '/v1/conversations?sort=oldest', AGENT);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields).toEqual([expect.objectContaining({ path: 'query.sort' })]);
    const withSync = await t.api.call('GET', `/v1/conversations?sort=waiting&updatedSince=${encodeURIComponent(new Date().toISOString())}`, AGENT);
    expect(withSync.status).toBe(400);
    expect(withSync.body.error.details.fields).toEqual([expect.objectContaining({ path: 'query.sort' })]);

    await quietConversation('s-a', 'sort-refusals');
    await quietConversation('s-b', 'sort-refusals');
    const recent = await t.api.call('GET', '/v1/conversations?tag=sort-refusals&limit=1', AGENT);
    expect(recent.body.nextCursor).toEqual(expect.any(String));
    const otherOrder = await t.api.call('GET', `/v1/conversations?tag=sort-refusals&limit=1&sort=waiting&cursor=${encodeURIComponent(recent.body.nextCursor)}`, AGENT);
    expect(otherOrder.status).toBe(400);
    expect(otherOrder.body.error.details.fields).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
    // `recent` is what the list was before it had a name: its cursor reads the same.
    expect((await t.api.call('GET', `/v1/conversations?tag=sort-refusals&limit=1&sort=recent&cursor=${encodeURIComponent(recent.body.nextCursor)}`, AGENT)).status).toBe(200);

    const visitor = { visitorId: await t.api.newVisitor() };
    const refused = await t.api.call('GET', '/v1/conversations?sort=recent', visitor);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'ERR_FORBIDDEN', message: expect.stringContaining('sort') });
  });
});
