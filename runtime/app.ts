/**
 * Start-up wiring: storage (embedded MongoDB-compatible server unless MONGODB_URI), the store,
 * the default website and team, plugins, the workflow engine (embedded unless Temporal is
 * configured) with every activity (conversation, AI, routing, plugin effects), and the Chat API
 * with the pages. `close` stops them in reverse order.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { countOpenAssigned, createTeamQueueSignals, warnOfUnrunnableAssistants } from '../activities/ai';
import { openStore, type Store } from '../activities/store';
import { websiteChangeNotices } from '../activities/website-changes';
import { connect } from '../activities/store/connect';
import { writeWorkflowEntry } from '../plugins/bundle-entry';
import { loadPluginRegistry } from '../plugins/loader';
import { createChatServer } from '../server/app';
import type { TeamAvailability } from '../server/realtime/agent-availability';
import { WorkflowStarts } from '../server/services/workflow-start';
import type { AppConfig } from './config';
import { ConversationEngine } from './conversation-engine';
import { ThreadedEngine } from './engine-thread';
import { createEngine } from './engine/create-engine';
import { bundleWorkflows } from './engine/embedded/workflow-bundle';
import { pinoTemporalLogger } from './engine/pino-logger';
import { EngineLease } from './engine/engine-lease';
import { LateEngine } from './engine/late-engine';
import { MongoJournalStore } from './engine/mongo-journal-store';
import { wantsTemporal } from './engine/temporal-connection';
import type { WorkflowEngine } from './engine/workflow-engine';
import { keepKeys, resolveKeys, type WebsiteKeys } from './keys';
import { startEmbeddedMongo } from './mongo';
import { productActivities } from './product-activities';
import { projectionLoader } from './projection';
import { seedDefaults } from './seed';
import { dataDirFailure, listenFailure, mongoUriFailure, pluginsFailure } from './setting-errors';

export interface StartOverrides {
  /** Share one workflow engine between instances (as a Temporal cluster is shared); it is then not shut down by `close`. */
  engine?: WorkflowEngine;
  log?: Logger;
  /** Where agents' availability goes (tests listen here); the team queues' workflows by default. */
  teams?: TeamAvailability;
  /** How long the store's embedded-engine lease holds without renewal (tests shorten it). */
  engineLeaseTtlMs?: number;
  /** Told once the app stopped by itself because it cannot go on (its engine lease was taken, its Temporal Worker failed); `npm start` exits then. */
  onFatal?(reason: string): void;
}

export interface RunningApp {
  url: string;
  port: number;
  keys: WebsiteKeys;
  websiteId: string;
  /** The MongoDB connection string in use (embedded or configured): another instance can share it. */
  mongoUri: string;
  engine: WorkflowEngine;
  store: Store;
  log: Logger;
  /** Stops everything it started; resolves with how many of those steps failed (each logged at `error`). */
  close(): Promise<StopOutcome>;
}

export interface StopOutcome {
  failedSteps: number;
}

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where the workflow entry for this plugin list is written: one folder per list, the same for every process
 * of this checkout, so a bundle made from it serves the next start too (processes sharing a folder with
 * different entries would rewrite it under each other's bundling).
 */
function workflowEntryDir(pluginSpecifiers: readonly string[]): string {
  const base = path.join(projectRoot, '.tmp', 'workflow-entry');
  if (pluginSpecifiers.length === 0) return base;
  return `${base}-${createHash('sha256').update(JSON.stringify(pluginSpecifiers)).digest('hex').slice(0, 16)}`;
}

/** Runs `steps` in order, each once, whatever the others do. */
/** Runs every step, also after one failed. */
async function runAll(steps: Array<() => Promise<unknown>>, log: Logger): Promise<StopOutcome> {
  let failedSteps = 0;
  for (const step of steps) {
    await step().catch((err: unknown) => {
      failedSteps++;
      log.error({ err }, 'shutdown step failed');
    });
  }
  return { failedSteps };
}

export async function startApp(config: AppConfig, overrides: StartOverrides = {}): Promise<RunningApp> {
  const log = overrides.log ?? pino({ level: config.logLevel });
  const steps: Array<() => Promise<unknown>> = [];
  let stopping: Promise<StopOutcome> | undefined;
  /** What stopping undoes, last first. Once stopping began (a lost lease during start-up), a step added later runs at once. */
  const cleanup = {
    push(step: () => Promise<unknown>): void {
      if (stopping) void stopping.then(() => runAll([step], log));
      else steps.push(step);
    },
  };
  /** Once: the app may stop by itself (a lost engine lease, a failed Temporal Worker) before its owner closes it. */
  const stopAll = () => (stopping ??= runAll([...steps].reverse(), log));
  /** The engine this app started, so stopping by itself can stop it before anything else. */
  let ownEngine: WorkflowEngine | undefined;
  /**
   * Stops the app when it cannot go on. The engine stops first, so it runs nothing more (it writes nothing more to a
   * journal another instance now runs); then the rest (serving on without an engine would refuse every lifecycle change).
   */
  const stopByItself = (reason: string) =>
    void (async () => {
      await ownEngine?.shutdown().catch((err: unknown) => log.error({ err }, 'engine shutdown failed'));
      await stopAll();
      overrides.onFatal?.(reason);
    })();
  try {
    let mongoUri = config.store.mongodbUri;
    if (!mongoUri) {
      const mongo = await startEmbeddedMongo({ memory: config.store.memory, dataDir: path.join(config.dataDir, 'mongo'), logger: log.child({ thread: 'mongo' }) }).catch(
        (err: unknown) => Promise.reject(config.store.memory ? err : dataDirFailure(err, config.dataDir)),
      );
      cleanup.push(() => mongo.close());
      mongoUri = mongo.uri;
    }
    // A second client for what the Store API does not offer: workflow projections (and the journal of an engine on this thread).
    const direct = await connect(mongoUri, config.store.dbName).catch((err: unknown) =>
      Promise.reject(config.store.mongodbUri ? mongoUriFailure(err, config.store.mongodbUri) : err),
    );
    cleanup.push(() => direct.client.close());
    if (!overrides.engine && !wantsTemporal(config.temporal)) {
      // One embedded engine per store: another instance sharing this store is refused (engine-lease.ts),
      // before it writes anything (keys, origins, migrations).
      const lease = await EngineLease.acquire(direct.db, {
        ttlMs: overrides.engineLeaseTtlMs,
        onLost: (holder) => {
          const reason = `another instance (pid ${holder.pid} on ${holder.host}) took over the embedded workflow engine of this store`;
          log.fatal({ holder }, `${reason}: stopping this one`);
          stopByItself(reason);
        },
      });
      cleanup.push(() => lease.release());
    }
    const store = await openStore({ uri: mongoUri, dbName: config.store.dbName, log });
    cleanup.push(() => store.close());
    const keys = await resolveKeys(config, !config.store.memory);
    const { website, changed } = await seedDefaults(store, keys, { ...config.keys, allowedOrigins: config.allowedOrigins });
    if (changed.length > 0) {
      // Instances started earlier keep serving the pages with the key they read at their start.
      log.warn({ changed }, 'the configuration changed the default website; restart every instance sharing this store with the same configuration');
    }
    if (!config.store.memory) await keepKeys(config.dataDir, website);
    await warnOfUnrunnableAssistants(store, website.id, config.openai, log);

    const pluginList = { rootDir: projectRoot, plugins: config.plugins };
    const pluginFailure = (err: unknown) => Promise.reject(pluginsFailure(err, config.plugins));
    const plugins = await loadPluginRegistry(pluginList).catch(pluginFailure);
    log.info({ plugins: plugins.plugins }, 'plugins loaded');
    let engine = overrides.engine;
    if (!engine) {
      const entry = await writeWorkflowEntry({ outDir: workflowEntryDir(config.plugins), ...pluginList }).catch(pluginFailure);
      // Temporal runs workflows on its own threads already; the embedded engine gets one unless told otherwise.
      const late = new LateEngine();
      const owned = await (async () =>
        config.engineThread && !wantsTemporal(config.temporal)
          ? ThreadedEngine.start({ workflowCode: await bundleWorkflows(entry.workflowsPath, entry.preloadModules), mongoUri, dbName: config.store.dbName, ...pluginList, openai: config.openai, cacheSize: config.workflowCacheSize }, log, config.workflowCodeTimeoutMs, config.limits.shutdown.timeoutMs)
          : createEngine({
              ...entry,
              activities: productActivities({ store, plugins, openai: config.openai, engine: late }),
              temporal: config.temporal,
              journal: await MongoJournalStore.open(direct.db),
              logger: pinoTemporalLogger(log.child({ thread: 'engine' })),
              cacheSize: config.workflowCacheSize,
              onWorkerFailed: (err) => {
                log.error({ err }, 'the Temporal worker failed: stopping this instance');
                stopByItself('its Temporal worker failed');
              },
            }))().catch((err: unknown) => {
        late.fail(err);
        throw err;
      });
      ownEngine = owned;
      cleanup.push(() => owned.shutdown());
      late.set(owned);
      engine = owned;
    }
    const conversations = new ConversationEngine({ engine, loadProjection: projectionLoader(direct.db) });

    const chat = await createChatServer({
      store,
      conversations,
      plugins,
      workflowStarts: new WorkflowStarts(store),
      log,
      limits: config.limits,
      health: { engine: engine.kind, store: config.store.mongodbUri ? 'mongodb' : 'embedded', ...(engine instanceof ThreadedEngine ? { engineProblem: () => engine.problem() } : {}) },
      teams: overrides.teams ?? createTeamQueueSignals(engine, (websiteId, agentId) => countOpenAssigned(store, websiteId, agentId)),
      websiteChanges: websiteChangeNotices(engine),
      pages: { publicKey: website.publicKey, demo: config.demoPages },
      openai: config.openai,
      webhookSettings: config.webhooks,
    });
    // Before listening: a server that could not listen still has its sockets' and signals' work to stop.
    cleanup.push(() => chat.close(config.limits.shutdown));
    const port = await chat.listen(config.port, config.host).catch((err: unknown) => Promise.reject(listenFailure(err, config)));
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      port,
      keys: { publicKey: website.publicKey, secretKey: website.secretKey, identitySecret: website.identitySecret },
      websiteId: website.id,
      mongoUri,
      engine,
      store,
      log,
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
