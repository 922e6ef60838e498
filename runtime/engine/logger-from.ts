import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';

/** Temporal's `Logger` interface, every method going to `write`. */
export function loggerFrom(write: (level: LogLevel, message: string, meta?: LogMetadata) => void): Logger {
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}
