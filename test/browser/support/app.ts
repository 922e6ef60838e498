/** The whole product in this process, on embedded infrastructure: memory store, port 0, quiet logs. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../../runtime/app';
import { loadConfig } from '../../../runtime/config';

/** `env`: more settings, e.g. `ALLOWED_ORIGINS` for a page of another origin. */
export async function startTestApp(env: Record<string, string> = {}): Promise<RunningApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'support-browser-'));
  const app = await startApp(loadConfig({ EMBEDDED_MONGO_MEMORY: 'true', PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env }));
  return { ...app, close: () => app.close().finally(() => rm(dataDir, { recursive: true, force: true })) };
}
