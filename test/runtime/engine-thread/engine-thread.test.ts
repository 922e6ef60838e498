import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../domain/errors';
import type { RunningApp } from '../../../runtime/app';
import { EngineRestartingError, EngineUnavailableError, UpdateRejectedError, WorkflowNotFoundError, WorkflowSetAsideError } from '../../../runtime/engine/errors';
import { ThreadedEngine } from '../../../runtime/engine-thread';
import { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import { deserializeError, serializeError } from '../../../runtime/engine-thread/protocol';
import { AGENT, Api, waitUntil } from '../../server/support/clients';
import { startTestApp } from '../../server/support/app';
import { recordingLog } from '../../support/log-lines';
import { eventually } from '../engine/eventually';

/** Posts a visitor message to a new conversation; resolves once its workflow recorded the item. */
async function conversationWithMessage(api: Api, conversationId: string): Promise<void> {
  const visitor = { visitorId: await api.newVisitor() };
  expect((await api.call('POST', '/v1/conversations', visitor, { conversationId })).status).toBe(201);
  const posted = await api.call('POST', '/v1/messages', visitor, { conversationId, item: { id: `${conversationId}-m1`, type: 'message', text: 'Can I talk to a human?' } });
  expect(posted.status).toBe(201);
  await heardBy(api, conversationId, `${conversationId}-m1`);
}

/** Waits until the conversation's audit trail shows its workflow took the item. */
const heardBy = (api: Api, conversationId: string, itemId: string) =>
  waitUntil(
    () => api.call('GET', `/v1/conversations/${conversationId}/audit`, AGENT),
    (res) => JSON.stringify(res.body.entries ?? []).includes(itemId),
  );

/** The embedded engine's set-ups; with TEMPORAL_* set the app runs on Temporal and these do not apply. */
const onTemporal = Boolean(process.env.TEMPORAL_ADDRESS || process.env.TEMPORAL_CLI_PATH);

describe('ThreadedEngine', () => {
  describe.skipIf(onTemporal)('in the app (the default set-up; skipped when TEMPORAL_* points at a real Temporal)', () => {
    let app: RunningApp;
    let api: Api;
    beforeAll(async () => {
      app = await startTestApp();
      api = new Api(app);
    });
    afterAll(() => app?.close());

    it('runs the workflows in its own thread', () => {
      expect(app.engine).toBeInstanceOf(ThreadedEngine);
    });

    it('answers calls across the thread, errors keeping their class', async () => {
      await conversationWithMessage(api, 'thread-1');
      const signal = app.engine.signal({ workflowId: 'conversation:nobody', signal: 'itemAdded', args: [{}] });
      await expect(signal).rejects.toBeInstanceOf(WorkflowNotFoundError);
      await expect(app.engine.describe('conversation:nobody')).resolves.toEqual({ status: 'not_found' });
      const resolveTwice = () => api.call('POST', '/v1/conversations/thread-1/resolve', AGENT, {});
      expect((await resolveTwice()).status).toBe(200);
      const again = await resolveTwice();
      expect(again.status).toBe(409); // the validator's UpdateRejectedError, rebuilt on this side of the thread
      expect(again.body.error.message).toMatch(/resolved/);
    });

    it('replaces a thread that dies, and the new one carries on with the open workflows', async () => {
      await conversationWithMessage(api, 'thread-2');
      // Kill the thread as a crash would.
      await (app.engine as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const visitor = (await api.call('GET', '/v1/conversations/thread-2', AGENT)).body.conversation.visitorId as string;
      const posted = await api.call('POST', '/v1/messages', { visitorId: visitor }, { conversationId: 'thread-2', item: { id: 'thread-2-m2', type: 'message', text: 'Still there?' } });
      expect(posted.status).toBe(201);
      // The owed signal is retried until the new thread takes it.
      await heardBy(api, 'thread-2', 'thread-2-m2');
      await expect(app.engine.describe('conversation:thread-2')).resolves.toMatchObject({ status: 'running' });
    });

    it('fails a call the dying thread took with EngineRestartingError (a 503 to retry), and the next call is served', async () => {
      await conversationWithMessage(api, 'thread-3');
      const ended = (app.engine as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      const lost = app.engine.describe('conversation:thread-3');
      await expect(lost).rejects.toBeInstanceOf(EngineRestartingError);
      await ended;
      await expect(app.engine.describe('conversation:thread-3')).resolves.toMatchObject({ status: 'running' });
    });
  });

  describe.skipIf(onTemporal)('in the server’s thread (EMBEDDED_ENGINE_THREAD=false; skipped when TEMPORAL_* is set)', () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startTestApp(undefined, { env: { EMBEDDED_ENGINE_THREAD: 'false' } });
    });
    afterAll(() => app?.close());

    it('runs the same workflows', async () => {
      expect(app.engine).not.toBeInstanceOf(ThreadedEngine);
      await conversationWithMessage(new Api(app), 'inline-1');
    });

    it('keeps at most WORKFLOW_CACHE_SIZE instances live, and a conversation whose instance was dropped carries on', async () => {
      const small = await startTestApp(undefined, { env: { EMBEDDED_ENGINE_THREAD: 'false', WORKFLOW_CACHE_SIZE: '1' } });
      try {
        const api = new Api(small);
        for (const id of ['cache-1', 'cache-2', 'cache-3']) await conversationWithMessage(api, id);
        expect(small.engine).toBeInstanceOf(EmbeddedEngine);
        expect((small.engine as EmbeddedEngine).liveInstances).toBeLessThanOrEqual(1);
        const visitorId = (await api.call('GET', '/v1/conversations/cache-1', AGENT)).body.conversation.visitorId as string;
        const posted = await api.call('POST', '/v1/messages', { visitorId }, { conversationId: 'cache-1', item: { id: 'cache-1-m2', type: 'message', text: 'Me again' } });
        expect(posted.status).toBe(201);
        const audit = await heardBy(api, 'cache-1', 'cache-1-m2');
        expect(JSON.stringify(audit.body.entries)).toContain('cache-1-m2');
      } finally {
        await small.close();
      }
    });
  });

  describe.skipIf(onTemporal)('logs (skipped when TEMPORAL_* is set)', () => {
    it.each(['true', 'false'])('go through the server’s logger at its level, marked as the engine’s (EMBEDDED_ENGINE_THREAD=%s)', async (threaded) => {
      const { log, lines } = recordingLog('debug');
      const app = await startTestApp(undefined, { log, env: { EMBEDDED_ENGINE_THREAD: threaded } });
      try {
        await conversationWithMessage(new Api(app), `logs-${threaded}`);
        // The SDK logs each activity it runs at debug: the conversation's routing among them.
        const routed = await eventually(() => {
          const line = lines.find((l) => l.thread === 'engine' && l.msg === 'Activity completed' && l.activityType === 'routeConversation');
          expect(line).toBeDefined();
          return line!;
        });
        expect(routed).toMatchObject({ level: 20, time: expect.any(Number) });
      } finally {
        await app.close();
      }
    });
  });

  describe('protocol', () => {
    it('carries the fields each error class is rebuilt from', () => {
      const rejected = deserializeError(serializeError(new UpdateRejectedError('Conversation is already resolved', 'InvalidTransition')));
      expect(rejected).toBeInstanceOf(UpdateRejectedError);
      expect(rejected).toMatchObject({ message: 'Conversation is already resolved', failureType: 'InvalidTransition' });
      const missing = deserializeError(serializeError(new WorkflowNotFoundError('conversation:x')));
      expect(missing).toMatchObject({ workflowId: 'conversation:x', code: 'ERR_WORKFLOW_NOT_FOUND' });
      const appError = deserializeError(serializeError(new AppError('ERR_NOT_FOUND', 'Unknown conversation c', { id: 'c' })));
      expect(appError).toBeInstanceOf(AppError);
      expect(appError).toMatchObject({ code: 'ERR_NOT_FOUND', details: { id: 'c' } });
      const until = new Date('2026-12-06T08:00:00Z');
      const setAside = deserializeError(structuredClone(serializeError(new WorkflowSetAsideError('conversation:y', until))));
      expect(setAside).toBeInstanceOf(WorkflowSetAsideError);
      expect(setAside).toMatchObject({ workflowId: 'conversation:y', until, code: 'ERR_WORKFLOW_SET_ASIDE' });
      const other = deserializeError(serializeError(Object.assign(new TypeError('boom'), { code: 'E_X' })));
      expect(other).toMatchObject({ name: 'TypeError', message: 'boom', code: 'E_X' });
    });

    it('carries what an error wraps, for the server\'s log', () => {
      const storeError = Object.assign(new Error('the embedded server refuses writes'), { name: 'MongoBulkWriteError', code: 1 });
      const unavailable = deserializeError(structuredClone(serializeError(new EngineUnavailableError('Could not journal the workflow task', { cause: storeError }))));
      expect(unavailable).toBeInstanceOf(EngineUnavailableError);
      expect(unavailable.cause).toMatchObject({ name: 'MongoBulkWriteError', message: 'the embedded server refuses writes', code: 1 });
    });
  });
});
