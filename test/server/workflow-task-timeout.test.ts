/**
 * WORKFLOW_TASK_TIMEOUT_MS reaches the embedded engine in its own thread: a plugin reaction that
 * never returns is stopped at that limit, its workflow task fails (an audit entry says so), and the
 * other conversations' lifecycle requests are answered meanwhile.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { AGENT, Api, waitUntil } from './support/clients';
import { startTestApp } from './support/app';

describe('WORKFLOW_TASK_TIMEOUT_MS', () => {
  let app: RunningApp | undefined;
  afterAll(() => app?.close());

  it('stops a reaction that never returns at the configured limit, and serves the other conversations', { timeout: 30_000 }, async () => {
    app = await startTestApp(undefined, { env: { PLUGINS: './test/plugins/fixtures/spinner', WORKFLOW_TASK_TIMEOUT_MS: '300' } });
    const api = new Api(app);
    const visitorId = await api.newVisitor();
    for (const conversationId of ['spun', 'other']) {
      expect((await api.call('POST', '/v1/conversations', AGENT, { conversationId, visitorId })).status).toBe(201);
    }

    const posted = await api.call('POST', '/v1/messages', AGENT, { conversationId: 'spun', item: { type: 'spinner.spin', forever: true } });
    expect(posted.status).toBe(201); // Stored before the workflow hears of it: the hot path does not wait for the engine.
    const failed = await waitUntil(
      () => api.call('GET', '/v1/conversations/spun/audit', AGENT),
      (answer) => answer.body.entries.some((entry: { kind: string }) => entry.kind === 'workflow_task_failed'),
    );
    const entry = failed.body.entries.find((e: { kind: string }) => e.kind === 'workflow_task_failed');
    expect(entry.summary).toMatch(/ran longer than 300 ms in one activation \(handling .*signal itemAdded/);

    const changed = await api.call('PATCH', '/v1/conversations/other', AGENT, { priority: 'high' });
    expect(changed.status).toBe(200);
    expect(changed.body.conversation.priority).toBe('high');
  });
});
