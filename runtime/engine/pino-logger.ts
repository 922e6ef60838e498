/**
 * Temporal's `Logger` over a pino logger, so what the embedded engine and the workflow SDK inside it
 * say (activity failures, workflow task errors) comes out as the server's JSON lines do, at the
 * server's level, instead of as multi-line console dumps.
 */
import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';
import type { Logger as PinoLogger } from 'pino';
import { EngineShutDownError } from './errors';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const satisfies Record<LogLevel, string>;

export interface TemporalLoggerOptions {
  /** True once the engine is stopping: the SDK's warnings (activities failing as their store closes) are then debug. */
  stopping?: () => boolean;
}

export function pinoTemporalLogger(log: PinoLogger, options: TemporalLoggerOptions = {}): Logger {
  const write = (level: LogLevel, message: string, meta: LogMetadata = {}): void => {
    const { error, ...fields } = meta as LogMetadata & { error?: unknown };
    // An activity cut short because the engine is stopping is what stopping means: the next start runs it again.
    const cutShort = error instanceof EngineShutDownError || (level === 'WARN' && options.stopping?.() === true);
    const pinoLevel = cutShort ? 'debug' : LEVELS[level];
    if (!log.isLevelEnabled(pinoLevel)) return;
    // The SDK names the error `error`; pino serializes it (message, stack) under `err`.
    log[pinoLevel](error === undefined ? fields : { ...fields, err: error }, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
