import { randomUUID } from 'node:crypto';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { loggerFrom } from '../../../runtime/engine/logger-from';
import { describeEngineContract } from './engine-contract';
import { eventually } from './eventually';
import { createFixtureEngine, useFixtureEngines } from './fixture-engine';

/** A Temporal logger that keeps what it is given. */
function recordingLogger() {
  const written: Array<{ level: LogLevel; message: string; meta?: LogMetadata }> = [];
  return { logger: loggerFrom((level, message, meta) => void written.push({ level, message, meta })), written };
}

describe('EmbeddedEngine', () => {
  describeEngineContract({
    name: 'embedded',
    canSkipTime: true,
    auditsRejectedUpdates: true,
    async create() {
      const { engine, clock, controls } = await createFixtureEngine();
      return { engine, controls, passTime: (ms) => clock.advance(ms), close: () => engine.shutdown() };
    },
  });

  describe('#signalEach', () => {
    const createEngine = useFixtureEngines();

    it('records the signals in one workflow task', async () => {
      const { engine, journal } = await createEngine();
      const workflowId = `each-${randomUUID()}`;
      const { runId } = await engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{ count: 0 }] });
      await engine.signalEach({ workflowId, signal: 'increment', argsList: [[{ by: 1 }], [{ by: 2 }], [{ by: 3 }]] });
      const signalled = (await journal.readRun(runId)).filter((record) => record.type === 'activation' && record.jobs.some((job) => 'signalWorkflow' in job));
      expect(signalled).toHaveLength(1);
      expect(await engine.query({ workflowId, query: 'counterState' })).toMatchObject({ count: 6, log: ['+1', '+2', '+3'] });
    });
  });

  describe('workflow logs', () => {
    const createEngine = useFixtureEngines();

    it('writes the SDK’s warning about an activity failing as debug once the engine is stopping', async () => {
      const { logger, written } = recordingLogger();
      const { engine, controls } = await createEngine({ logger });
      const failed = () => written.filter((entry) => entry.message === 'Activity failed').map((entry) => entry.level);
      await engine.start({ workflowType: 'activityWorkflow', workflowId: `fatal-${randomUUID()}`, args: [{ activity: 'flaky', key: 'fatal-before' }] });
      await eventually(() => expect(failed()).toEqual(['WARN']));

      const key = `cut-${randomUUID()}`;
      await engine.start({ workflowType: 'activityWorkflow', workflowId: key, args: [{ activity: 'failOnCancel', key }] });
      await eventually(() => expect(controls.isWaiting(key)).toBe(true));
      await engine.shutdown();
      await eventually(() => expect(failed()).toEqual(['WARN', 'DEBUG']));
    });

    it('are written through the engine’s logger as the workflow logs them, and not again when it is replayed', async () => {
      const { logger, written } = recordingLogger();
      const { engine } = await createEngine({ cacheSize: 1, logger });
      const workflowId = `logs-${randomUUID()}`;
      const countingDown = () => written.filter((entry) => entry.message === 'counting down');
      await engine.start({ workflowType: 'counterWorkflow', workflowId, args: [{}] });
      await engine.signal({ workflowId, signal: 'increment', args: [{ by: -1 }] });
      await eventually(() => expect(countingDown()).toHaveLength(1));
      expect(countingDown()[0]).toMatchObject({ level: 'WARN', meta: { by: -1, workflowId, sdkComponent: 'workflow' } });

      // Another workflow takes the only cached instance; this one is rebuilt by replaying its history, log call included.
      const other = `${workflowId}-other`;
      await engine.start({ workflowType: 'counterWorkflow', workflowId: other, args: [{}] });
      expect(await engine.query({ workflowId: other, query: 'counterState' })).toMatchObject({ count: 0 });
      expect(await engine.query({ workflowId, query: 'counterState' })).toMatchObject({ count: -1 });
      await engine.signal({ workflowId, signal: 'increment', args: [{ by: -2 }] });
      await eventually(() => expect(countingDown().map((entry) => entry.meta?.by)).toEqual([-1, -2]));
    });
  });
});
