/**
 * `GET /v1/websites`, the widget's first call on every page view, keeps a website's assistant
 * configuration and routing rules for a while (server/services/widget-settings.ts): a change is
 * still seen by the very next call.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

const website = async () => (await t.api.call('GET', '/v1/websites', { 'X-Public-Key': t.app.keys.publicKey })).body;

describe('GET /v1/websites', () => {
  it("answers the assistant's configuration as changed by the call before it, read again or not", async () => {
    const patch = (fields: Record<string, unknown>) => t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, fields);
    expect((await website()).availability.assistantAnswers).toBe(true);
    expect((await patch({ welcomeMessages: ['Hello there'] })).status).toBe(200);
    expect((await website()).welcomeMessages).toEqual(['Hello there']);
    expect((await patch({ enabled: false })).status).toBe(200);
    const after = await website();
    expect(after.availability.assistantAnswers).toBe(false);
    expect(after.welcomeMessages).toEqual(['Hello there']);
  });

  it('answers with the assistant the website has now: none, and none of its welcome messages, once it is deleted', async () => {
    expect((await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { welcomeMessages: ['Still here?'] })).status).toBe(200);
    expect((await website()).welcomeMessages).toEqual(['Still here?']);
    expect((await t.api.call('DELETE', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).status).toBe(204);
    const after = await website();
    expect(after.availableAIAgents).toEqual([]);
    expect(after.welcomeMessages).toEqual([]);
  });
});
