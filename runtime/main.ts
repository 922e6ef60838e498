/**
 * `npm start`: the whole product on embedded defaults. Prints the URL and the default website's
 * keys (start-banner.ts); SIGTERM/SIGINT drain connections and stop cleanly, and another signal a second or more
 * later stops at once.
 */
import pino from 'pino';
import { loadConfig, type AppConfig } from './config';
import { startApp } from './app';
import { personToActAs, startBanner } from './start-banner';
import { unknownVariables } from './unknown-variables';

/**
 * Failures that explain themselves: a setting (setting-errors.ts), another instance holding the
 * store's engine, the embedded store's data directory held or damaged. Known by name, as the
 * store's errors come from its thread.
 */
const EXPLAINED = new Set(['ConfigurationError', 'EngineLeaseHeldError', 'DataDirInUseError', 'DataDirDamagedError']);

/** One line for a failure that explains itself; anything else shows where it came from. */
function couldNotStart(err: unknown): never {
  const said = err instanceof Error ? (EXPLAINED.has(err.name) ? err.message : err.stack) : String(err);
  process.stderr.write(`Support chat could not start: ${said}\n`);
  process.exit(1);
}

let config: AppConfig;
try {
  config = loadConfig();
} catch (err) {
  couldNotStart(err);
}
const log = pino({ level: config.logLevel });
// The value is not logged: it may be a secret.
for (const { name, meant } of unknownVariables(process.env)) {
  log.warn({ variable: name, ...(meant ? { meant } : {}) }, `${name} is set, but this server reads no such variable${meant ? `: did you mean ${meant}?` : ''}`);
}
const app = await startApp(config, { log, onFatal: () => process.exit(1) }).catch(couldNotStart);
app.log.info({ url: app.url, engine: app.engine.kind }, 'support chat is running');
process.stderr.write(startBanner(app.url, app.keys, config, await personToActAs(app.store, app.websiteId)));

/** One Ctrl-C can arrive twice (from the terminal, and relayed by npm and tsx): a repeat this soon is the same one. */
const REPEAT_SIGNAL_MS = 1_000;
let stoppingSince: number | undefined;
const stop = (signal: NodeJS.Signals) => {
  if (stoppingSince !== undefined) {
    if (Date.now() - stoppingSince < REPEAT_SIGNAL_MS) return;
    // A second signal: whoever sent it will not wait for the drain. What was acknowledged is stored
    // already, and workflow signals still owed are in the outbox for the next start.
    app.log.warn({ signal }, 'stopping at once');
    process.exit(1);
  }
  stoppingSince = Date.now();
  app.log.info({ signal }, 'shutting down');
  app.close().then(
    // A step that failed (the store refusing the last writes, an engine thread that had to be ended) is a shutdown that did not go clean: a supervisor sees 1.
    ({ failedSteps }) => stopped(failedSteps === 0 ? 0 : 1, stoppingSince!),
    (err: unknown) => {
      app.log.error({ err }, 'shutdown failed');
      stopped(1, stoppingSince!);
    },
  );
};

/** The last line, whatever came before it: how the stop went and how long it took. */
function stopped(exitCode: 0 | 1, since: number): never {
  const line = { exitCode, durationMs: Date.now() - since };
  if (exitCode === 0) app.log.info(line, 'stopped');
  else app.log.warn(line, 'stopped');
  process.exit(exitCode);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
