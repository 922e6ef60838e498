/**
 * What the conversation workflow suite runs on: an engine with the project's activities over the
 * real store (embedded MongoDB unless MONGODB_URI is set; see ../support/services.ts), the typed
 * adapter, and knobs to make store writes fail and to skip time.
 */
import { randomBytes } from 'node:crypto';
import type { LifecycleStore } from '../../../activities/conversation';
import type { Store } from '../../../activities/store';
import type { PluginRegistry } from '../../../plugins/registry';
import { ConversationEngine } from '../../../runtime/conversation-engine';
import { TemporalEngine } from '../../../runtime/engine/temporal';
import { temporalSettingsFromEnv } from '../../../runtime/engine/temporal-connection';
import type { WorkflowEngine } from '../../../runtime/engine/workflow-engine';
import type { SlaBreach } from '../../../workflows/conversation/definitions';
import { embeddedEngine, workflowEntryPath, workflowServices } from '../support/services';

type StoreMethod = keyof LifecycleStore;

export interface ConversationHarness {
  engine: WorkflowEngine;
  conversations: ConversationEngine;
  store: Store;
  plugins: PluginRegistry;
  /** Makes `times` calls of a store method for one conversation throw, after `after` more calls succeed. */
  failNext(method: StoreMethod, conversationId: string, times: number, after?: number): void;
  /** Calls of a store method for one conversation, failed ones included. */
  callsOf(method: StoreMethod, conversationId: string): number;
  /** What the `notifySlaBreach` hook received. */
  breaches: SlaBreach[];
  /** Moves workflow time forward (timers fire, activity retries run). */
  passTime(ms: number): Promise<void>;
  /** Stops the engine and starts a new one on the same journal, as a process restart would (embedded only). */
  restart?(): Promise<void>;
  close(): Promise<void>;
}

export interface ConversationEngineUnderTest {
  name: string;
  /** Whether `passTime` skips time; timer tests need it. */
  canSkipTime: boolean;
  /** Whether the harness can restart its engine on the same journal. */
  canRestart: boolean;
  /** How long a test may take that sends 10,000 messages. */
  longConversationTimeoutMs: number;
  create(): Promise<ConversationHarness>;
}

/** The store, with failures injected per method and conversation. */
function faultyStore(store: Store) {
  const plans = new Map<string, { failFromCall: number; failUntilCall: number }>();
  const calls = new Map<string, number>();
  const key = (method: StoreMethod, conversationId: string) => `${method}:${conversationId}`;
  const guard = (method: StoreMethod, conversationId: string) => {
    const k = key(method, conversationId);
    const call = (calls.get(k) ?? 0) + 1;
    calls.set(k, call);
    const plan = plans.get(k);
    if (plan && call >= plan.failFromCall && call < plan.failUntilCall) throw new Error(`injected ${method} failure`);
  };
  const lifecycleStore: LifecycleStore = {
    async appendItem(item) {
      guard('appendItem', item.conversationId);
      return store.appendItem(item);
    },
    async projectLifecycle(conversationId, lifecycle, stateVersion) {
      guard('projectLifecycle', conversationId);
      return store.projectLifecycle(conversationId, lifecycle, stateVersion);
    },
  };
  return {
    lifecycleStore,
    failNext(method: StoreMethod, conversationId: string, times: number, after = 0) {
      const k = key(method, conversationId);
      const failFromCall = (calls.get(k) ?? 0) + after + 1;
      plans.set(k, { failFromCall, failUntilCall: failFromCall + times });
    },
    callsOf: (method: StoreMethod, conversationId: string) => calls.get(key(method, conversationId)) ?? 0,
  };
}

/** The suite's services: the conversation activities write through the faulty store. */
async function conversationServices(label: string) {
  const faults: { value?: ReturnType<typeof faultyStore> } = {};
  const breaches: SlaBreach[] = [];
  const services = await workflowServices({
    label,
    onSlaBreach: (breach) => void breaches.push(breach),
    lifecycleStore: (store) => (faults.value = faultyStore(store)).lifecycleStore,
  });
  return { ...services, faults: faults.value!, breaches };
}

/** The embedded engine with a manual clock and its journal in MongoDB. */
export const embeddedEngineUnderTest: ConversationEngineUnderTest = {
  name: 'embedded',
  canSkipTime: true,
  canRestart: true,
  longConversationTimeoutMs: 120_000,
  async create() {
    const services = await conversationServices('conversation_workflow');
    const { clock, build } = await embeddedEngine(services);
    const connect = (engine: WorkflowEngine) => new ConversationEngine({ engine, loadProjection: services.loadProjection });
    const engine = await build();
    const harness: ConversationHarness = {
      engine,
      conversations: connect(engine),
      store: services.store,
      plugins: services.plugins,
      failNext: services.faults.failNext,
      callsOf: services.faults.callsOf,
      breaches: services.breaches,
      passTime: (ms) => clock.advance(ms),
      async restart() {
        await harness.engine.shutdown();
        harness.engine = await build();
        harness.conversations = connect(harness.engine);
      },
      async close() {
        await harness.engine.shutdown();
        await services.close();
      },
    };
    return harness;
  },
};

/** A real Temporal (TEMPORAL_ADDRESS, or TEMPORAL_CLI_PATH to start a dev server): real time, no restart. */
export const temporalEngineUnderTest: ConversationEngineUnderTest = {
  name: 'temporal',
  canSkipTime: false,
  canRestart: false,
  longConversationTimeoutMs: 600_000,
  async create() {
    const services = await conversationServices('conversation_workflow_temporal');
    // A task queue of its own: another harness's Worker (another test file, a run on a shared server) would take its tasks otherwise.
    const settings = { ...temporalSettingsFromEnv(), taskQueue: `conversation-${randomBytes(4).toString('hex')}` };
    const engine = await TemporalEngine.create({ workflowsPath: workflowEntryPath, activities: services.activities, settings });
    services.useEngine(engine);
    return {
      engine,
      conversations: new ConversationEngine({ engine, loadProjection: services.loadProjection }),
      store: services.store,
      plugins: services.plugins,
      failNext: services.faults.failNext,
      callsOf: services.faults.callsOf,
      breaches: services.breaches,
      passTime: async () => undefined,
      async close() {
        await engine.shutdown();
        await services.close();
      },
    };
  },
};
