/**
 * Start-up failures that a setting explains. Their message names the variable and the value in
 * force (never a secret: a URI without its credentials), so `npm start` prints that one line, not
 * a stack trace, and whoever runs it knows what to change.
 */
import { redactConnectionString } from 'mongodb-connection-string-url';
import { PluginLoadError } from '../plugins/errors';

export class ConfigurationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** `VARIABLE=value: problem (what the failure itself said)`. */
export function settingFailed(variable: string, value: string | number, problem: string, cause: unknown): ConfigurationError {
  const said = cause instanceof Error ? cause.message : String(cause);
  return new ConfigurationError(`${variable}=${value}: ${problem} (${said})`, { cause });
}

/** The server's `listen` failed: HOST or PORT, by the system's error code; any other failure as it is. */
export function listenFailure(err: unknown, { host, port }: { host: string; port: number }): unknown {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return settingFailed('PORT', port, `something else listens on that port of ${host} already`, err);
    case 'EACCES':
      return settingFailed('PORT', port, 'this user may not listen on that port (one under 1024 needs privileges)', err);
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return settingFailed('HOST', host, 'no network interface of this machine has that address', err);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return settingFailed('HOST', host, 'no address is known for that name', err);
    default:
      return err;
  }
}

/**
 * The embedded store could not start in DATA_DIR: a system error (not a directory, no permission,
 * a read-only or full disk). Its refusals that explain themselves (the directory held by another
 * server, or damaged) carry no such code and stay as they are.
 */
export function dataDirFailure(err: unknown, dataDir: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' && FILE_SYSTEM_CODES.has(code) ? settingFailed('DATA_DIR', dataDir, 'the embedded store cannot keep its data there', err) : err;
}

/**
 * Errors of the file system that a data directory's place explains (not, say, a worker thread's).
 * EADDRINUSE: something other than a socket sits where the embedded server's socket goes
 * (`DATA_DIR/mongo/mongod.sock`; a socket a crash left there is removed, runtime/mongo/socket-place.ts).
 */
const FILE_SYSTEM_CODES: ReadonlySet<string> = new Set(['ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EEXIST', 'ENOENT', 'EDQUOT', 'ELOOP', 'ENAMETOOLONG', 'EADDRINUSE']);

/** The first contact with a configured MongoDB failed (out of reach, credentials refused, not a URI); the URI is named without its credentials. */
export const mongoUriFailure = (err: unknown, uri: string): ConfigurationError =>
  settingFailed('MONGODB_URI', redactConnectionString(uri), 'could not connect to MongoDB there', err);

/**
 * A plugin PLUGINS lists could not be loaded: the loader's message names the plugin and what is
 * wrong. With no PLUGINS set, only a built-in or example plugin can fail: a defect of ours, as it is.
 */
export function pluginsFailure(err: unknown, plugins: readonly string[]): unknown {
  return err instanceof PluginLoadError && plugins.length > 0 ? new ConfigurationError(`PLUGINS=${plugins.join(',')}: ${err.message}`, { cause: err }) : err;
}
