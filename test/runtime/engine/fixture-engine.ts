import { fileURLToPath } from 'node:url';
import type { Logger } from '@temporalio/common';
import { afterEach } from 'vitest';
import { ManualClock } from '../../../runtime/engine/clock';
import { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import type { SetAsideWorkflow } from '../../../runtime/engine/embedded/set-aside-journal';
import type { JournalStore } from '../../../runtime/engine/journal-store';
import { MemoryJournalStore } from '../../../runtime/engine/memory-journal-store';
import { createFixtureActivities, type FixtureActivityControls } from './fixture-activities';
import { silentLogger } from './silent-logger';

export const fixtureWorkflowsPath = fileURLToPath(new URL('../../fixtures/workflows', import.meta.url));

export interface FixtureEngineOptions {
  journal?: JournalStore;
  clock?: ManualClock;
  controls?: FixtureActivityControls;
  cacheSize?: number;
  activationTimeoutMs?: number;
  logger?: Logger;
  setAside?: ReadonlyMap<string, SetAsideWorkflow>;
}

/** An embedded engine on the fixture workflows, with a manual clock and an in-memory journal unless given others. */
export async function createFixtureEngine(options: FixtureEngineOptions = {}) {
  const journal = options.journal ?? new MemoryJournalStore();
  const clock = options.clock ?? new ManualClock();
  const controls = options.controls ?? createFixtureActivities();
  const engine = await EmbeddedEngine.create({
    workflowsPath: fixtureWorkflowsPath,
    activities: controls.activities,
    journal,
    clock,
    logger: options.logger ?? silentLogger,
    cacheSize: options.cacheSize,
    activationTimeoutMs: options.activationTimeoutMs,
    setAside: options.setAside,
  });
  return { engine, journal, clock, controls };
}

/**
 * For a describe block: returns `createFixtureEngine` with every engine it creates shut down after each test.
 * Call it in the describe body, where it registers its `afterEach`.
 */
export function useFixtureEngines(): typeof createFixtureEngine {
  const engines: EmbeddedEngine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((engine) => engine.shutdown()));
  });
  return async (options) => {
    const created = await createFixtureEngine(options);
    engines.push(created.engine);
    return created;
  };
}
