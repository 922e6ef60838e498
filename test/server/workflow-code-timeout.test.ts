/**
 * WORKFLOW_CODE_TIMEOUT_MS: workflow code that never returns (here a plugin reaction, or its effect
 * run as an activity) holds the embedded engine's thread and every conversation's workflow with it.
 * Once it has run that long the thread is ended and a new one started, and that conversation's
 * workflow is set aside for a while (its calls refused with a 503), so the others are served again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { eventually } from '../runtime/engine/eventually';
import { currentThreadId } from '../../runtime/thread-id';
import { recordingLog } from '../support/log-lines';
import { AGENT, Api, sleep, waitUntil } from './support/clients';
import { startTestApp } from './support/app';

describe('WORKFLOW_CODE_TIMEOUT_MS', () => {
  let app: RunningApp | undefined;
  afterEach(() => app?.close());

  /**
   * An app whose conversations `spun` and `other` have running workflows, and a spinner item posted
   * to `spun` that never returns where `spinsIn` says; resolves once `other` is served again.
   */
  async function spinning(spinsIn: 'reaction' | 'effect' | 'effect-after-await' | 'effect-awaiting') {
    const { log, lines } = recordingLog();
    app = await startTestApp(undefined, { log, env: { PLUGINS: './test/plugins/fixtures/spinner', WORKFLOW_CODE_TIMEOUT_MS: '500' } });
    const api = new Api(app);
    const visitorId = await api.newVisitor();
    for (const conversationId of ['spun', 'other']) {
      expect((await api.call('POST', '/v1/conversations', AGENT, { conversationId, visitorId })).status).toBe(201);
      expect((await api.call('PATCH', `/v1/conversations/${conversationId}`, AGENT, { priority: 'low' })).status).toBe(200);
    }
    // Stored and answered before the workflow hears of it: the message hot path does not wait for the engine.
    const spin = { type: 'spinner.spin', forever: true, in: spinsIn };
    expect((await api.call('POST', '/v1/messages', AGENT, { conversationId: 'spun', item: spin })).status).toBe(201);
    // Served again: the change applied, or refused by the workflow as made already (a PATCH the ended thread had taken may have been applied).
    const served = await waitUntil(
      () => api.call('PATCH', '/v1/conversations/other', AGENT, { priority: 'high' }),
      (answer) => answer.status === 200 || answer.status === 409,
      45_000,
    );
    expect([200, 409]).toContain(served.status);
    const stored = await waitUntil(
      () => api.call('GET', '/v1/conversations/other', AGENT),
      (answer) => answer.body.conversation?.priority === 'high',
    );
    expect(stored.body.conversation.priority).toBe('high');
    return { api, lines };
  }

  it('ends the engine thread stuck in a reaction, serves the other conversations again and sets the stuck one aside', async () => {
    const { api, lines } = await spinning('reaction');
    const refused = await api.call('PATCH', '/v1/conversations/spun', AGENT, { priority: 'high' });
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toMatch(/set aside until .*ran without returning/);
    // For a minute, as a first offence: the stuck thread, seen again while it was being ended, is not counted twice.
    const until = Date.parse(/until (\S+):/.exec(refused.body.error.message)![1]!);
    expect(until - Date.now()).toBeLessThanOrEqual(60_000);
    // Retry-After says when: its set-aside ends, not the generic 5 s of an unavailable store.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(5);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(Math.floor((until - Date.now()) / 1000));
    // The new thread left its run unrestored, so nothing inside the engine (a due timer, a signal from another workflow) sets the loop off again meanwhile.
    await eventually(() => expect(lines).toContainEqual(expect.objectContaining({ thread: 'engine', msg: 'open workflow runs restored', setAside: 1 })));
    // Its audit trail says why, as Temporal's history would show a failed workflow task.
    const audit = await api.call('GET', '/v1/conversations/spun/audit', AGENT);
    expect(audit.body.entries.at(-1)).toMatchObject({ kind: 'workflow_task_failed', summary: expect.stringMatching(/^Its code ran \d+\.\d s.* without returning .*; set aside until /) });
    // Its timeline is still read from the store.
    expect((await api.call('GET', '/v1/conversations/spun/timeline', AGENT)).status).toBe(200);

    // Counted in the engine thread's CPU time where Linux tells it, so a thread waiting for a core is not ended.
    const told = lines.filter((line) => line.workflowId === 'conversation:spun' && /ran without returning/.test(line.msg ?? ''));
    expect(told).toEqual([expect.objectContaining(currentThreadId() === undefined ? { wallMs: expect.any(Number) } : { cpuMs: expect.any(Number) })]);
  });

  it('does the same for an effect (an activity on the engine thread) that never returns', async () => {
    const { api, lines } = await spinning('effect');
    expect((await api.call('PATCH', '/v1/conversations/spun', AGENT, { priority: 'high' })).status).toBe(503);
    expect(lines.filter((line) => line.workflowId === 'conversation:spun' && /ran without returning/.test(line.msg ?? ''))).toHaveLength(1);
  });

  // Told after 2 s of the thread's CPU time (the floor for an event loop standing still), not the 500 ms limit: at its
  // lower priority, the engine thread of a busy machine takes a while to spend it.
  it.each(['effect-after-await', 'effect-awaiting'] as const)('ends the thread stuck in an effect looping %s, then pins the loop on its workflow when the retried effect loops again', { timeout: 150_000 }, async (spinsIn) => {
    const { api, lines } = await spinning(spinsIn);
    // First told as the thread's event loop no longer turning, whose code unknown; the next thread traces activities' code.
    expect(lines).toContainEqual(expect.objectContaining({ traceContinuations: true, msg: expect.stringMatching(/outside any workflow's code/) }));
    // The effect is retried in the new thread, loops again, and this time its workflow is set aside.
    const refused = await waitUntil(
      () => api.call('PATCH', '/v1/conversations/spun', AGENT, { priority: 'high' }),
      (answer) => answer.status === 503 && /set aside/.test(answer.body.error?.message ?? ''),
      90_000,
    );
    expect(refused.status).toBe(503);
    expect(lines.filter((line) => line.workflowId === 'conversation:spun' && /ran without returning/.test(line.msg ?? ''))).toHaveLength(1);
  });

  it('with no limit (0), still stops within SHUTDOWN_TIMEOUT_MS: the stuck engine thread is ended, logged at error', async () => {
    const { log, lines } = recordingLog();
    app = await startTestApp({ shutdown: { timeoutMs: 1_000, idleGraceMs: 0 } }, { log, env: { PLUGINS: './test/plugins/fixtures/spinner', WORKFLOW_CODE_TIMEOUT_MS: '0' } });
    const api = new Api(app);
    const visitorId = await api.newVisitor();
    expect((await api.call('POST', '/v1/conversations', AGENT, { conversationId: 'spun', visitorId })).status).toBe(201);
    expect((await api.call('POST', '/v1/messages', AGENT, { conversationId: 'spun', item: { type: 'spinner.spin', forever: true } })).status).toBe(201);
    // The workflow hears of it and loops: the engine's thread, which answers in milliseconds while it turns, answers nothing more.
    const { engine } = app;
    const answers = () => Promise.race([engine.describe('conversation:spun').then(() => true, () => true), sleep(1_000).then(() => false)]);
    expect(await waitUntil(answers, (answered) => !answered)).toBe(false);

    const stopping = Date.now();
    await app.close();
    // The drain's second and the engine's: before, close waited for the thread for ever.
    expect(Date.now() - stopping).toBeLessThan(8_000);
    expect(lines).toContainEqual(expect.objectContaining({ level: 50, err: expect.objectContaining({ message: expect.stringMatching(/engine thread did not stop within 1000 ms.*terminated it/) }) }));
  });
});
