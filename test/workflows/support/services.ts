/**
 * What the workflow suites run on: the real store on a fresh database, every activity from
 * `createActivities` (activities/index.ts), and the embedded engine with a manual clock
 * and its journal in MongoDB, bundling support/workflow-entry.ts.
 */
import { fileURLToPath } from 'node:url';
import type { Logger } from '@temporalio/common';
import { createActivities, type ActivityDeps } from '../../../activities';
import { createModelResolver } from '../../../activities/ai';
import { createConversationActivities, type LifecycleStore } from '../../../activities/conversation';
import type { Store } from '../../../activities/store';
import { createPluginRegistry } from '../../../plugins/registry';
import { ManualClock } from '../../../runtime/engine/clock';
import { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import { MongoJournalStore } from '../../../runtime/engine/mongo-journal-store';
import type { WorkflowEngine } from '../../../runtime/engine/workflow-engine';
import { silentLogger } from '../../runtime/engine/silent-logger';
import { testDatabase } from './database';

export const workflowEntryPath = fileURLToPath(new URL('./workflow-entry.ts', import.meta.url));

export interface ServiceOptions extends Partial<Omit<ActivityDeps, 'store' | 'engine'>> {
  /** Names the database. */
  label: string;
  /** The store the conversation activities write through (e.g. one that fails on demand); default the real one. */
  lifecycleStore?(store: Store): LifecycleStore;
  /** The store every activity gets (e.g. one that holds a write on demand); default the real one. */
  activityStore?(store: Store): Store;
}

export async function workflowServices({ label, lifecycleStore, activityStore, ...deps }: ServiceOptions) {
  const database = await testDatabase(label);
  let engine: WorkflowEngine | undefined;
  const plugins = deps.plugins ?? createPluginRegistry([]);
  const activities = createActivities({
    store: activityStore?.(database.store) ?? database.store,
    plugins,
    resolveModel: deps.resolveModel ?? createModelResolver({}),
    engine: () => {
      if (!engine) throw new Error('no engine yet');
      return engine;
    },
    ...(deps.publishTyping ? { publishTyping: deps.publishTyping } : {}),
    ...(deps.onSlaBreach ? { onSlaBreach: deps.onSlaBreach } : {}),
  });
  const conversationActivities = lifecycleStore && createConversationActivities({ store: lifecycleStore(database.store), ...(deps.onSlaBreach ? { onSlaBreach: deps.onSlaBreach } : {}) });
  return {
    ...database,
    /** What the server would use to tell a workflow of an item (`arrivalOf`). */
    plugins,
    activities: { ...activities, ...conversationActivities },
    /** The engine routing activities talk to. */
    useEngine(running: WorkflowEngine) {
      engine = running;
    },
  };
}

export type WorkflowServices = Awaited<ReturnType<typeof workflowServices>>;

/** The embedded engine over the services (what it logs to `logger`); `build` again (after shutting the last one down) restarts on the same journal. */
export async function embeddedEngine(services: WorkflowServices, logger: Logger = silentLogger) {
  const clock = new ManualClock();
  const journal = await MongoJournalStore.open(services.db);
  const build = async () => {
    const engine = await EmbeddedEngine.create({ workflowsPath: workflowEntryPath, activities: services.activities, journal, clock, logger });
    services.useEngine(engine);
    return engine;
  };
  return { clock, build };
}
