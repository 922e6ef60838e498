import type { Logger } from '@temporalio/common';
import type { Clock } from './clock';
import { EmbeddedEngine } from './embedded/embedded-engine';
import type { JournalStore } from './journal-store';
import { MemoryJournalStore } from './memory-journal-store';
import { TemporalEngine } from './temporal';
import { temporalSettingsFromEnv, wantsTemporal, type TemporalSettings } from './temporal-connection';
import type { WorkflowEngine } from './workflow-engine';

export interface EngineConfig {
  /** Directory of the workflow code (bundled for either engine). */
  workflowsPath: string;
  /** Modules of the bundle evaluated once and shared by every workflow instance (pure, never mutated after loading). */
  preloadModules?: readonly string[];
  /** Activity functions by name, e.g. `createActivities(deps)`. */
  activities: Record<string, (...args: any[]) => Promise<unknown>>;
  /** Real Temporal settings; read from TEMPORAL_* environment variables when absent. */
  temporal?: TemporalSettings;
  /** Embedded engine: its journal (a MongoJournalStore in production; in memory when absent). */
  journal?: JournalStore;
  clock?: Clock;
  logger?: Logger;
  cacheSize?: number;
  /** Temporal: told when its Worker fails by itself; workflows and activities no longer run in this process then. */
  onWorkerFailed?(err: unknown): void;
}

/** Real Temporal when an address or a CLI path is configured, the embedded engine otherwise. */
export async function createEngine(config: EngineConfig): Promise<WorkflowEngine> {
  const temporal = config.temporal ?? temporalSettingsFromEnv();
  if (wantsTemporal(temporal)) {
    return TemporalEngine.create({
      workflowsPath: config.workflowsPath,
      preloadModules: config.preloadModules,
      activities: config.activities,
      settings: temporal,
      maxCachedWorkflows: config.cacheSize,
      onWorkerFailed: config.onWorkerFailed,
    });
  }
  return EmbeddedEngine.create({
    workflowsPath: config.workflowsPath,
    preloadModules: config.preloadModules,
    activities: config.activities,
    journal: config.journal ?? new MemoryJournalStore(),
    clock: config.clock,
    logger: config.logger,
    taskQueue: temporal.taskQueue,
    cacheSize: config.cacheSize,
  });
}
