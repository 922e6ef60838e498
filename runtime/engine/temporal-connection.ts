import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection, type ClientOptions } from '@temporalio/client';
import { TestWorkflowEnvironment, type LocalTestWorkflowEnvironmentOptions } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { settingFailed } from '../setting-errors';

/** Where a real Temporal is: a server address, or a Temporal CLI binary to start a local dev server with. */
export interface TemporalSettings {
  address?: string;
  namespace?: string;
  taskQueue?: string;
  /** Path of a `temporal` CLI binary; the engine starts `temporal server start-dev` with it. */
  cliPath?: string;
  /** The SQLite file that dev server keeps its workflows in across restarts; in memory when absent. */
  dbFilename?: string;
}

export function temporalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  return {
    address: env.TEMPORAL_ADDRESS || undefined,
    namespace: env.TEMPORAL_NAMESPACE || undefined,
    taskQueue: env.TEMPORAL_TASK_QUEUE || undefined,
    cliPath: env.TEMPORAL_CLI_PATH || undefined,
  };
}

export function wantsTemporal(settings: TemporalSettings): boolean {
  return Boolean(settings.address || settings.cliPath);
}

/** A client for workflows plus the native connection a Worker needs, and how to let go of both. */
export interface TemporalConnection {
  client: Client;
  nativeConnection: NativeConnection;
  namespace: string;
  close(): Promise<void>;
}

/** A query on a closed run is refused (by default Temporal answers it from the closed run), as the embedded engine refuses it. */
const CLIENT_OPTIONS = { workflow: { queryRejectCondition: 'NOT_OPEN' } } satisfies Omit<ClientOptions, 'connection' | 'namespace'>;

/** How the dev server of `cliPath` is started, and the client made for it. */
export function localServerOptions(settings: TemporalSettings & { cliPath: string }): LocalTestWorkflowEnvironmentOptions {
  return {
    server: {
      executable: { type: 'existing-path', path: settings.cliPath },
      ...(settings.namespace ? { namespace: settings.namespace } : {}),
      ...(settings.dbFilename ? { dbFilename: settings.dbFilename } : {}),
      // Update-with-start (an update with `startIfMissing`) needs the ExecuteMultiOperation API, off in the server's default dynamic config.
      extraArgs: ['--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true'],
    },
    client: CLIENT_OPTIONS,
  };
}

/** Connects to the configured Temporal; a failure to reach it names the setting (TEMPORAL_CLI_PATH or TEMPORAL_ADDRESS). */
export async function connectTemporal(settings: TemporalSettings): Promise<TemporalConnection> {
  const { cliPath, address } = settings;
  if (cliPath) {
    if (settings.dbFilename) await mkdir(path.dirname(settings.dbFilename), { recursive: true });
    const env = await TestWorkflowEnvironment.createLocal(localServerOptions({ ...settings, cliPath })).catch((err: unknown) =>
      Promise.reject(settingFailed('TEMPORAL_CLI_PATH', cliPath, 'could not start a Temporal dev server with it', err)),
    );
    return { client: env.client, nativeConnection: env.nativeConnection, namespace: env.namespace ?? 'default', close: () => env.teardown() };
  }
  if (!address) throw new Error('Temporal needs TEMPORAL_ADDRESS or TEMPORAL_CLI_PATH');
  const namespace = settings.namespace ?? 'default';
  const unreachable = (err: unknown) => Promise.reject(settingFailed('TEMPORAL_ADDRESS', address, 'could not connect to Temporal there', err));
  // The native connection first: it fails at once where nothing answers, the client's only after its 10 s deadline.
  const nativeConnection = await NativeConnection.connect({ address }).catch(unreachable);
  const connection = await Connection.connect({ address }).catch(async (err: unknown) => {
    await nativeConnection.close();
    return unreachable(err);
  });
  return {
    client: new Client({ connection, namespace, ...CLIENT_OPTIONS }),
    nativeConnection,
    namespace,
    close: async () => {
      await nativeConnection.close();
      await connection.close();
    },
  };
}
