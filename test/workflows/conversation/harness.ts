/**
 * What the conversation workflow suite runs on: an engine with the conversation activities over the
 * real store (embedded MongoDB unless MONGODB_URI is set), the typed adapter, and knobs to make store
 * writes fail and to skip time.
 */
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { createConversationActivities, type LifecycleStore } from '../../../activities/conversation';
import { openStore, type Store } from '../../../activities/store';
import { ConversationEngine } from '../../../runtime/conversation-engine';
import { ManualClock, type TimerHandle } from '../../../runtime/engine/clock';
import { EmbeddedEngine } from '../../../runtime/engine/embedded/embedded-engine';
import { MongoJournalStore } from '../../../runtime/engine/mongo-journal-store';
import { TemporalEngine } from '../../../runtime/engine/temporal';
import { temporalSettingsFromEnv } from '../../../runtime/engine/temporal-connection';
import type { WorkflowEngine } from '../../../runtime/engine/workflow-engine';
import { projectionLoader } from '../../../runtime/projection';
import type { SlaBreach } from '../../../workflows/conversation/definitions';
import { freshDbName, testMongo, type TestMongo } from '../../support/mongo';
import { silentLogger } from '../../runtime/engine/silent-logger';

export const workflowEntryPath = fileURLToPath(new URL('./workflow-entry.ts', import.meta.url));

type StoreMethod = keyof LifecycleStore;

export interface ConversationHarness {
  engine: WorkflowEngine;
  conversations: ConversationEngine;
  store: Store;
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

/**
 * A ManualClock that lets running activities finish before it fires a timer. Skipped time would
 * otherwise overtake real store I/O: an activity's start-to-close timeout fires while its write is
 * still on the wire, and every retry times out the same way until the window ends.
 */
class SettlingClock extends ManualClock {
  constructor(private readonly settled: () => Promise<void>) {
    super();
  }

  override setTimer(ms: number, cb: () => unknown): TimerHandle {
    return super.setTimer(ms, async () => {
      await this.settled();
      return cb();
    });
  }
}

/** Counts running calls of each activity, so a clock can wait for them. */
function trackRunning<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T) {
  let running = 0;
  const tracked = Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        running += 1;
        try {
          return await fn(...args);
        } finally {
          running -= 1;
        }
      },
    ]),
  ) as T;
  const settled = async () => {
    while (running > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  return { tracked, settled };
}

/** Store, loader and activities over MongoDB, for any engine. */
export async function conversationServices(label: string) {
  const mongo: TestMongo = await testMongo();
  const dbName = freshDbName(label);
  const store = await openStore({ uri: mongo.uri, dbName });
  const client = await MongoClient.connect(mongo.uri);
  const faults = faultyStore(store);
  const breaches: SlaBreach[] = [];
  const { tracked: activities, settled } = trackRunning(
    createConversationActivities({ store: faults.lifecycleStore, onSlaBreach: (breach) => void breaches.push(breach) }),
  );
  return {
    settled,
    store,
    db: client.db(dbName),
    faults,
    breaches,
    activities,
    loadProjection: projectionLoader(client.db(dbName)),
    async close() {
      await store.close();
      await client.close();
      await mongo.close();
    },
  };
}

/** The embedded engine with a manual clock and its journal in MongoDB. */
export const embeddedEngineUnderTest: ConversationEngineUnderTest = {
  name: 'embedded',
  canSkipTime: true,
  canRestart: true,
  longConversationTimeoutMs: 120_000,
  async create() {
    const services = await conversationServices('conversation_workflow');
    const clock = new SettlingClock(services.settled);
    const journal = await MongoJournalStore.open(services.db);
    const build = () =>
      EmbeddedEngine.create({ workflowsPath: workflowEntryPath, activities: services.activities, journal, clock, logger: silentLogger });
    const connect = (engine: WorkflowEngine) => new ConversationEngine({ engine, loadProjection: services.loadProjection });
    const engine = await build();
    const harness: ConversationHarness = {
      engine,
      conversations: connect(engine),
      store: services.store,
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
    const engine = await TemporalEngine.create({ workflowsPath: workflowEntryPath, activities: services.activities, settings: temporalSettingsFromEnv() });
    return {
      engine,
      conversations: new ConversationEngine({ engine, loadProjection: services.loadProjection }),
      store: services.store,
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
