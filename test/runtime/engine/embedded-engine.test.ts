import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeEngineContract } from './engine-contract';
import { createFixtureEngine, useFixtureEngines } from './fixture-engine';

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
});
