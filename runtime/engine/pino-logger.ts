/**
 * Temporal's `Logger` over a pino logger, so what the embedded engine and the workflow SDK inside it
 * say (activity failures, workflow task errors) comes out as the server's JSON lines do, at the
 * server's level, instead of as multi-line console dumps.
 */
import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import type { Logger as PinoLogger } from 'pino';
import { loggerFrom } from './logger-from';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<LogLevel, string>;

export function pinoTemporalLogger(log: PinoLogger): Logger {
  return loggerFrom((level, message, meta: LogMetadata = {}) => {
    const pinoLevel = LEVELS[level];
    if (!log.isLevelEnabled(pinoLevel)) return;
    // The SDK names the error `error`; pino serializes it (message, stack) under `err`.
    const { error, ...fields } = meta as LogMetadata & { error?: unknown };
    log[pinoLevel](error === undefined ? fields : { ...fields, err: error }, message);
  });
}
