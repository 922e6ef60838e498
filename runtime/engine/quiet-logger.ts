import type { Logger, LogLevel, LogMetadata } from '@temporalio/common';

/** The engines' default logger: warnings and errors to the console, the rest dropped. */
export const quietLogger: Logger = {
  log(level: LogLevel, message: string, meta?: LogMetadata) {
    if (level === 'WARN') console.warn(message, meta ?? '');
    else if (level === 'ERROR') console.error(message, meta ?? '');
  },
  trace() {},
  debug() {},
  info() {},
  warn(message: string, meta?: LogMetadata) {
    console.warn(message, meta ?? '');
  },
  error(message: string, meta?: LogMetadata) {
    console.error(message, meta ?? '');
  },
};
