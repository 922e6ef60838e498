/** A pino logger for tests, and the JSON lines it wrote, parsed. */
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg?: string;
  [field: string]: any;
}

export function recordingLog(level = 'info'): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level }, new Writable({ write: (line, _encoding, done) => done(void lines.push(JSON.parse(String(line)) as LogLine)) }));
  return { log, lines };
}
