/**
 * The embedded workflow engine's own thread: the workflow sandbox, its journal and the activities,
 * with their own connections to the store. It answers the server's engine calls (protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { openStore } from '../../activities/store';
import { connect } from '../../activities/store/connect';
import { loadPluginRegistry } from '../../plugins/loader';
import { startCpuProfile } from '../cpu-profile';
import { lowerThreadPriority } from '../thread-priority';
import { EmbeddedEngine } from '../engine/embedded/embedded-engine';
import { LateEngine } from '../engine/late-engine';
import { MongoJournalStore } from '../engine/mongo-journal-store';
import { pinoTemporalLogger } from '../engine/pino-logger';
import { productActivities } from '../product-activities';
import { RunningCode } from './running-code';
import { serializeError, type EngineThreadOptions, type FromEngineThread, type ToEngineThread } from './protocol';

const port = parentPort!;
const options = workerData as EngineThreadOptions;
const post = (message: FromEngineThread) => port.postMessage(message);

// Each line goes to the server's thread and out through its logger: pino's own destination in a worker
// thread writes asynchronously, and what is pending when the thread dies (a crash: the lines that tell
// why) is lost. The server adds the time as it writes the line.
const log = pino({ level: options.logLevel, base: undefined, timestamp: false }, { write: (line: string) => post({ type: 'log', line }) });

const runningCode = options.runningCode && new RunningCode(options.runningCode, { traceContinuations: options.traceContinuations });

async function startEngine(): Promise<{ engine: EmbeddedEngine; close(): Promise<void> }> {
  const store = await openStore({ uri: options.mongoUri, dbName: options.dbName });
  const direct = await connect(options.mongoUri, options.dbName);
  try {
    const plugins = await loadPluginRegistry({ rootDir: options.rootDir, plugins: options.plugins });
    const late = new LateEngine();
    const activities = productActivities({ store, plugins, openai: options.openai, engine: late });
    const engine = await EmbeddedEngine.create({
      workflowCode: options.workflowCode,
      activities,
      journal: await MongoJournalStore.open(direct.db),
      logger: pinoTemporalLogger(log),
      cacheSize: options.cacheSize,
      runningCode,
      setAside: options.setAside,
    }).catch((err: unknown) => {
      late.fail(err);
      throw err;
    });
    late.set(engine);
    const running = engine;
    return {
      engine: running,
      // The engine first, so that nothing it still does meets a closed client.
      close: async () => {
        await running.shutdown();
        await Promise.allSettled([store.close(), direct.client.close()]);
      },
    };
  } catch (err) {
    await Promise.allSettled([store.close(), direct.client.close()]);
    throw err;
  }
}

/**
 * Workflow reactions (timers, AI turns, lifecycle events) can wait a few milliseconds; delivering
 * messages cannot. Under load this thread yields the cores to the server's and the store's threads.
 */
const ENGINE_NICENESS = 10;
lowerThreadPriority(ENGINE_NICENESS);

const stopProfile = await startCpuProfile('engine');

// From the start: an engine restoring its open runs restarts their activities before it is handed back.
runningCode?.startBeating();

try {
  const { engine, close } = await startEngine();
  port.on('message', (message: ToEngineThread) => {
    if (message.type === 'shutdown') {
      void close()
        .then(stopProfile)
        .finally(() => {
          post({ type: 'shut-down' });
          port.close();
        });
      return;
    }
    const { id, method, arg } = message;
    const call = engine[method] as (arg: unknown) => Promise<unknown>;
    Promise.resolve()
      .then(() => call.call(engine, arg))
      .then(
        (value) => post({ type: 'result', id, value }),
        (error: unknown) => post({ type: 'error', id, error: serializeError(error) }),
      );
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', error: serializeError(err) });
  port.close();
}
