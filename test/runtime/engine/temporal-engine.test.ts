import { describe } from 'vitest';
import { TemporalEngine } from '../../../runtime/engine/temporal';
import { temporalSettingsFromEnv, wantsTemporal } from '../../../runtime/engine/temporal-connection';
import { describeEngineContract } from './engine-contract';
import { createFixtureActivities } from './fixture-activities';
import { fixtureWorkflowsPath } from './fixture-engine';

const settings = { ...temporalSettingsFromEnv(), taskQueue: `engine-contract-${process.pid}` };

describe.skipIf(!wantsTemporal(settings))('TemporalEngine (skipped: set TEMPORAL_ADDRESS or TEMPORAL_CLI_PATH to run against real Temporal)', () => {
  describeEngineContract({
    name: 'temporal',
    canSkipTime: false,
    auditsRejectedUpdates: false,
    async create() {
      const controls = createFixtureActivities();
      const engine = await TemporalEngine.create({ workflowsPath: fixtureWorkflowsPath, activities: controls.activities, settings });
      // Real time passes on its own while tests poll for results.
      return { engine, controls, passTime: async () => undefined, close: () => engine.shutdown() };
    },
  });
});
