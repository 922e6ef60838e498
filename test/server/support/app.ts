/**
 * A started app for server tests on port 0 with quiet logs: the embedded store in memory and the
 * embedded engine, or the real MongoDB / Temporal when MONGODB_URI / TEMPORAL_* are set, so the
 * same suites run against the real services.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startApp, type RunningApp, type StartOverrides } from '../../../runtime/app';
import { loadConfig, type AppConfig } from '../../../runtime/config';
import { Api, SocketClient, type Who } from './clients';

export type LimitOverrides = Partial<Omit<AppConfig['limits'], 'ws'>> & { ws?: Partial<AppConfig['limits']['ws']> };

const REAL_SERVICE_VARIABLES = ['MONGODB_URI', 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_CLI_PATH'] as const;

function realServicesFromEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of REAL_SERVICE_VARIABLES) if (process.env[name]) env[name] = process.env[name];
  // Each app gets its own database and task queue on shared real services.
  const unique = randomBytes(4).toString('hex');
  return { ...env, MONGODB_DB: `test_app_${unique}`, TEMPORAL_TASK_QUEUE: `test-${unique}` };
}

export function testConfig(limits: LimitOverrides = {}, env: NodeJS.ProcessEnv = {}): AppConfig {
  const base = loadConfig({ PORT: '0', EMBEDDED_MONGO_MEMORY: 'true', LOG_LEVEL: 'silent', ...realServicesFromEnv(), ...env });
  return {
    ...base,
    limits: {
      ...base.limits,
      // Tests come from one IP and many visitors; only the rate-limit tests want tight limits.
      ipRate: { perSecond: 10_000, burst: 10_000 },
      visitorRate: { perSecond: 1_000, burst: 1_000 },
      conversationRate: { visitor: { perSecond: 1_000, burst: 1_000 }, ip: { perSecond: 10_000, burst: 10_000 } },
      searchRate: { perSecond: 1_000, burst: 1_000 },
      // Test clients keep connections alive and send nothing more once they have their answers.
      shutdown: { ...base.limits.shutdown, idleGraceMs: 0 },
      ...limits,
      ws: { ...base.limits.ws, ...limits.ws },
    },
  };
}

export function startTestApp(limits?: LimitOverrides, overrides?: StartOverrides & { env?: NodeJS.ProcessEnv }): Promise<RunningApp> {
  return startApp(testConfig(limits, overrides?.env), overrides);
}

export interface TestAppHandle {
  /** The app, an API client and a socket opener; set once `beforeAll` has run. */
  app: RunningApp;
  api: Api;
  /** `query`: more of the URL's query (`&resume=…`). */
  open(who: Who, query?: string): Promise<SocketClient>;
  /** Closes every socket opened so far. */
  closeSockets(): Promise<void>;
}

/** One app for the test file: started before its tests, closed after them with every socket it opened. */
export function useTestApp(limits?: LimitOverrides): TestAppHandle {
  const sockets: SocketClient[] = [];
  const handle = {
    open: async (who: Who, query?: string) => {
      const socket = await SocketClient.open(handle.app, who, {}, query);
      sockets.push(socket);
      return socket;
    },
    closeSockets: async () => {
      await Promise.all(sockets.splice(0).map((s) => s.close()));
    },
  } as TestAppHandle;
  beforeAll(async () => {
    handle.app = await startTestApp(limits);
    handle.api = new Api(handle.app);
  });
  afterAll(async () => {
    await handle.closeSockets();
    await handle.app?.close();
  });
  return handle;
}
