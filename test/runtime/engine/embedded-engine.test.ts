import { randomUUID } from 'node:crypto';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../runtime/engine/clock';
import { loggerFrom } from '../../../runtime/engine/logger-from';
import { describeEngineContract } from './engine-contract';
import { eventually } from './eventually';
import { createFixtureEngine, useFixtureEngines } from './fixture-engine';

/** A ManualClock that moves on a millisecond each time it is read, and calls `onNextRead` at its next read. */
class SteppingClock extends ManualClock {
  onNextRead?: () => void;
  private reads = 0;

  override now(): number {
    const onRead = this.onNextRead;
    this.onNextRead = undefined;
    onRead?.();
    return super.now() + this.reads++;
  }
}

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

  describe('#history', () => {
    const createEngine = useFixtureEngines();

    it('never goes back in time: an activity that ends while a signal is handled is listed after it', async () => {
      const clock = new SteppingClock();
      const { engine, controls } = await createEngine({ clock });
      const key = `held-${randomUUID()}`;
      const workflowId = `overlap-${key}`;
      await engine.start({ workflowType: 'activityWorkflow', workflowId, args: [{ activity: 'held', key }] });
      await eventually(() => expect(controls.isWaiting(key)).toBe(true));
      // The signal's workflow task reads the clock as it begins: the activity ends while that task runs.
      clock.onNextRead = () => controls.release(key);
      // A signal activityWorkflow has no handler for: recorded all the same, as on Temporal.
      await engine.signal({ workflowId, signal: 'tick', args: [] });
      await eventually(async () => expect((await engine.describe(workflowId)).status).toBe('completed'));

      const trail = await engine.history(workflowId);
      expect(trail.map((entry) => entry.kind)).toEqual(['workflow_started', 'activity_scheduled', 'signal_received', 'activity_completed', 'workflow_completed']);
      const times = trail.map((entry) => Date.parse(entry.time));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(trail.find((entry) => entry.kind === 'activity_completed')).toMatchObject({ name: 'held', durationMs: expect.any(Number) });
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
