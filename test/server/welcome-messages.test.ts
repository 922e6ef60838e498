/**
 * A website's welcome messages (its assistant's `welcomeMessages`): the widget's bootstrap names
 * them, and a visitor's `defaultTimelineItems` that open a conversation with them are stored as the
 * assistant's words; anything else a visitor sends there stays its own, so nobody writes as the team.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantSettingKey } from '../../activities/ai';
import type { AssistantConfig } from '../../domain/assistant';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { AGENT, sleep } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();
const WELCOME = ['Hi! I am the Acme assistant.', 'Ask me anything about your notes.'];
const AI = { kind: 'ai', id: DEFAULT_ASSISTANT_ID };

let before: AssistantConfig;
beforeAll(async () => {
  before = (await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent;
  const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, debounceMs: 0, welcomeMessages: WELCOME });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, before);
});

const message = (text: string) => ({ type: 'message', text });
const authors = (items: Array<{ author: unknown }>) => items.map((item) => item.author);

describe('welcome messages', () => {
  it('are named by the widget’s bootstrap', async () => {
    const website = (await t.api.call('GET', '/v1/websites', { 'X-Public-Key': t.app.keys.publicKey })).body;
    expect(website.welcomeMessages).toEqual(WELCOME);
  });

  it('open a visitor’s conversation as the assistant’s words, the visitor’s own after them as its own', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const own = { kind: 'visitor', id: visitor.visitorId };
    const body = {
      conversationId: 'welcome-1',
      defaultTimelineItems: [message(WELCOME[0]!), message(`  ${WELCOME[1]}  `), message('How do I reset my password?'), message(WELCOME[0]!)],
    };
    const created = await t.api.call('POST', '/v1/conversations', visitor, body);
    expect(created.status).toBe(201);
    expect(authors(created.body.initialTimelineItems)).toEqual([AI, AI, own, own]);
    const timeline = (await t.api.call('GET', '/v1/conversations/welcome-1/timeline', AGENT)).body.items;
    expect(authors(timeline.slice(0, 4))).toEqual([AI, AI, own, own]);
    // A retry of the request gets the same items.
    const retry = await t.api.call('POST', '/v1/conversations', visitor, body);
    expect(retry.body.initialTimelineItems).toEqual(created.body.initialTimelineItems);
  });

  it('start no AI turn of their own, and text that is not one stays the visitor’s', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const own = { kind: 'visitor', id: visitor.visitorId };
    const greeted = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'welcome-2', defaultTimelineItems: [message(WELCOME[1]!)] });
    expect(authors(greeted.body.initialTimelineItems)).toEqual([AI]);
    const other = await t.api.call('POST', '/v1/conversations', visitor, {
      conversationId: 'welcome-3',
      defaultTimelineItems: [message('Hi! I am the Acme assistant'), { type: 'message', parts: [{ type: 'text', text: WELCOME[0] }] }],
    });
    expect(authors(other.body.initialTimelineItems)).toEqual([own, own]);

    await sleep(1_500);
    const timeline = (await t.api.call('GET', '/v1/conversations/welcome-2/timeline', AGENT)).body.items;
    expect(timeline.map((item: { type: string; author: unknown }) => [item.type, item.author])).toEqual([['message', AI]]);
    expect((await t.api.call('GET', '/v1/conversations/welcome-2', AGENT)).body.conversation).toMatchObject({ handler: 'ai', status: 'open' });
    expect((await t.api.call('GET', '/v1/conversations/welcome-2', AGENT)).body.conversation).not.toHaveProperty('firstResponseAt');
  });

  it('are the assistant’s only in the configured order, each once: a repeat or a later one first stays the visitor’s', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const own = { kind: 'visitor', id: visitor.visitorId };
    const repeated = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'welcome-repeat', defaultTimelineItems: [message(WELCOME[0]!), message(WELCOME[0]!)] });
    expect(authors(repeated.body.initialTimelineItems)).toEqual([AI, own]);
    const backwards = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'welcome-backwards', defaultTimelineItems: [message(WELCOME[1]!), message(WELCOME[0]!)] });
    expect(authors(backwards.body.initialTimelineItems)).toEqual([AI, own]);
  });

  it('are configured with the assistant, a few short ones, each once', async () => {
    const put = (welcomeMessages: unknown) => t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, welcomeMessages });
    for (const bad of [['a', 'b', 'c', 'd', 'e', 'f'], ['same', 'same'], [''], ['x'.repeat(2_001)]]) {
      const refused = await put(bad);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.fields[0].path).toMatch(/^body\.welcomeMessages/);
    }
    expect((await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent.welcomeMessages).toEqual(WELCOME);
  });

  it('are taken by a message’s rules, as the visitor’s widget sends them back as messages, and so are the hand-off and away messages', async () => {
    const patch = (body: unknown) => t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, body);
    const refusedFields = async (body: unknown) => {
      const refused = await patch(body);
      expect(refused.status).toBe(400);
      return refused.body.error.details.fields.map((f: { path: string }) => f.path);
    };
    expect(await refusedFields({ welcomeMessages: ['Hi\u0007 there', '\u200b'] })).toEqual(['body.welcomeMessages.0', 'body.welcomeMessages.1']);
    expect(await refusedFields({ escalation: { awayMessage: 'Away\u0000', handoffMessage: 'x'.repeat(10_001) } })).toEqual(['body.escalation.handoffMessage', 'body.escalation.awayMessage']);
    expect((await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent.welcomeMessages).toEqual(WELCOME);
  });

  it('stored before they were checked, leave out one that could not be said: the widget neither shows it nor has its conversations refused', async () => {
    const key = assistantSettingKey(DEFAULT_ASSISTANT_ID);
    const stored = await t.app.store.getSetting<AssistantConfig>(t.app.websiteId, key);
    await t.app.store.putSetting(t.app.websiteId, key, { ...stored!, welcomeMessages: [WELCOME[0]!, 'Hi\u0007 there', '\u200b'] });
    // Rewritten as they are, the routing rules have the widget's settings read afresh.
    const routing = (await t.api.call('GET', '/v1/settings/routing', AGENT)).body.routing;
    expect((await t.api.call('PUT', '/v1/settings/routing', AGENT, routing)).status).toBe(200);
    try {
      const website = (await t.api.call('GET', '/v1/websites', { 'X-Public-Key': t.app.keys.publicKey })).body;
      expect(website.welcomeMessages).toEqual([WELCOME[0]]);
      const visitor = { visitorId: await t.api.newVisitor() };
      const created = await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'welcome-old', defaultTimelineItems: website.welcomeMessages.map(message) });
      expect(created.status).toBe(201);
      expect(authors(created.body.initialTimelineItems)).toEqual([AI]);
      // A change of something else saves the configuration as read, without what could not be said.
      expect((await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { debounceMs: 0 })).status).toBe(200);
      expect((await t.app.store.getSetting<AssistantConfig>(t.app.websiteId, key))?.welcomeMessages).toEqual([WELCOME[0]]);
    } finally {
      await t.app.store.putSetting(t.app.websiteId, key, stored!);
    }
  });
});
