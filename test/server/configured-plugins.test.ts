/**
 * Plugins listed in PLUGINS are loaded everywhere an item type is needed: the server validates their
 * items, and the workflow code (bundled for the engine, in its own thread by default) runs their
 * reactions. A specifier that names no plugin stops the start, naming it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { recordingLog } from '../support/log-lines';
import { AGENT, Api, waitUntil } from './support/clients';
import { startTestApp } from './support/app';

const ACME = './test/plugins/fixtures/acme';

const apps: RunningApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

describe('PLUGINS', () => {
  it('adds the listed plugins to the server and to the workflows, and logs which it loaded', async () => {
    const { log, lines } = recordingLog('info');
    const app = await startTestApp(undefined, { env: { PLUGINS: ACME }, log });
    apps.push(app);
    expect(lines.filter((line) => line.msg === 'plugins loaded')).toEqual([
      expect.objectContaining({ level: 30, plugins: ['builtin@1.0.0', 'rating@1.0.0', 'ai_tool_call@1.0.0', 'quick_replies@1.0.0', 'acme@1.0.0'] }),
    ]);
    const api = new Api(app);
    const visitorId = await api.newVisitor();
    expect((await api.call('POST', '/v1/conversations', AGENT, { conversationId: 'plugged-1', visitorId })).status).toBe(201);

    const invalid = await api.call('POST', '/v1/messages', AGENT, { conversationId: 'plugged-1', item: { type: 'acme.order_status', orderId: '1001', status: 'delayed' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.item.orderId']);

    const posted = await api.call('POST', '/v1/messages', AGENT, { conversationId: 'plugged-1', item: { type: 'acme.order_status', orderId: 'A-1001', status: 'delayed' } });
    expect(posted.status).toBe(201);
    // The reaction runs in the workflow: the plugin reached the bundled workflow code too.
    const tagged = await waitUntil(
      () => api.call('GET', '/v1/conversations/plugged-1', AGENT),
      (answer) => answer.body.conversation.tags.includes('order-delayed'),
    );
    expect(tagged.body.conversation.tags).toEqual(['order-delayed']);
  });

  it('refuses to start on a specifier that names no plugin', async () => {
    await expect(startTestApp(undefined, { env: { PLUGINS: `${ACME},./test/plugins/fixtures/missing` } })).rejects.toThrow(/fixtures\/missing.*no workflow part/);
  });
});
