import { describe } from 'vitest';
import { describeEngineContract } from './engine-contract';
import { createFixtureEngine } from './fixture-engine';

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
});
