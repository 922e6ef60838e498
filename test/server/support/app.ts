/** A started app for server tests: embedded store in memory, embedded engine, port 0, quiet logs. */
import { startApp, type RunningApp, type StartOverrides } from '../../../runtime/app';
import { loadConfig, type AppConfig } from '../../../runtime/config';

export type LimitOverrides = Partial<Omit<AppConfig['limits'], 'ws'>> & { ws?: Partial<AppConfig['limits']['ws']> };

export function testConfig(limits: LimitOverrides = {}, env: NodeJS.ProcessEnv = {}): AppConfig {
  const base = loadConfig({ PORT: '0', EMBEDDED_MONGO_MEMORY: 'true', LOG_LEVEL: 'silent', ...env });
  return {
    ...base,
    limits: {
      ...base.limits,
      // Tests come from one IP and many visitors; only the rate-limit tests want tight limits.
      ipRate: { perSecond: 10_000, burst: 10_000 },
      visitorRate: { perSecond: 1_000, burst: 1_000 },
      ...limits,
      ws: { ...base.limits.ws, ...limits.ws },
    },
  };
}

export function startTestApp(limits?: LimitOverrides, overrides?: StartOverrides & { env?: NodeJS.ProcessEnv }): Promise<RunningApp> {
  return startApp(testConfig(limits, overrides?.env), overrides);
}
