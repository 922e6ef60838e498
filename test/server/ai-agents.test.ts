/**
 * `/v1/ai-agents`: the team's AI assistants over the wire. A configuration is saved only with a
 * model this server can run; one stored earlier that cannot run hands the visitor to the team,
 * saying why to the team only.
 */
import { describe, expect, it } from 'vitest';
import { assistantSettingKey } from '../../activities/ai';
import type { AssistantConfig } from '../../domain/assistant';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { AGENT, waitUntil } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();
const OPENAI_MODEL = 'openai:gpt-4o-mini';

const assistantConfig = async (id: string): Promise<AssistantConfig> => (await t.api.call('GET', `/v1/ai-agents/${id}`, AGENT)).body.agent;

describe('/v1/ai-agents', () => {
  describe('PUT /:id', () => {
    it('refuses an OpenAI model while the server has no OPENAI_API_KEY, naming it, and replaces nothing', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      const put = await t.api.call('PUT', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { ...before, model: OPENAI_MODEL });
      expect(put.status).toBe(400);
      expect(put.body.error.details.fields).toEqual([{ path: 'body.model', message: expect.stringContaining('needs OPENAI_API_KEY') }]);
      expect(await assistantConfig(DEFAULT_ASSISTANT_ID)).toEqual(before);
    });
  });

  describe('a configuration stored earlier whose model cannot run', () => {
    it('hands the visitor to the team at once, the team told which setting is missing, the visitor only that someone will reply', async () => {
      const before = await assistantConfig(DEFAULT_ASSISTANT_ID);
      // As an earlier version, or a server that had the key, stored it.
      await t.app.store.putSetting(t.app.websiteId, assistantSettingKey(DEFAULT_ASSISTANT_ID), { ...before, model: OPENAI_MODEL, debounceMs: 0 });
      try {
        const visitor = { visitorId: await t.api.newVisitor() };
        await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'no-key' });
        expect((await t.api.call('POST', '/v1/messages', visitor, { conversationId: 'no-key', item: { type: 'message', text: 'How do I reset my password?' } })).status).toBe(201);

        const escalated = await waitUntil(async () => (await t.api.call('GET', '/v1/conversations/no-key', AGENT)).body.conversation, (c) => c.handler === 'human');
        expect(escalated.escalationReason).toMatch(/needs OPENAI_API_KEY/);
        const team = await waitUntil(
          async () => (await t.api.call('GET', '/v1/conversations/no-key/timeline?limit=100', AGENT)).body.items,
          (items: Array<{ type: string; author: { kind: string } }>) => items.some((item) => item.type === 'message' && item.author.kind === 'ai'),
        );
        expect(team).toContainEqual(expect.objectContaining({ type: 'note', visibility: 'private', text: expect.stringMatching(/needs OPENAI_API_KEY.*handed to the team/) }));
        // The visitor hears the hand-off message, from the assistant, and nothing of the setting.
        const seen = (await t.api.call('GET', '/v1/conversations/no-key/timeline?limit=100', visitor)).body.items;
        expect(seen).toContainEqual(expect.objectContaining({ type: 'message', author: expect.objectContaining({ kind: 'ai' }), text: before.escalation.handoffMessage }));
        expect(JSON.stringify(seen)).not.toMatch(/OPENAI_API_KEY/);
        expect(JSON.stringify((await t.api.call('GET', '/v1/conversations/no-key', visitor)).body)).not.toMatch(/OPENAI_API_KEY/);
      } finally {
        await t.app.store.putSetting(t.app.websiteId, assistantSettingKey(DEFAULT_ASSISTANT_ID), before);
      }
    });
  });
});
