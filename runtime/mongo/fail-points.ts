/**
 * MongoDB's `failCommand` fail point (`configureFailPoint`, a test command): the named commands
 * answer a chosen error instead of running, always or the next `times` times. Tests use it to
 * make the store fail on purpose, the same way on this server and on a real one started with
 * `enableTestCommands`.
 */
import type { Document } from 'bson';
import { MongoCommandError } from './errors';

interface FailCommand {
  commands: Set<string>;
  errorCode: number;
  errmsg: string;
  /** How many more times it fires; undefined: until turned off. */
  remaining?: number;
}

export class FailPoints {
  private failCommand?: FailCommand;

  /** `{configureFailPoint: 'failCommand', mode: 'alwaysOn' | 'off' | {times: n}, data: {failCommands, errorCode, errmsg?}}`. */
  configure(command: Document): void {
    if (command.configureFailPoint !== 'failCommand') throw new MongoCommandError('BadValue', `unknown fail point '${String(command.configureFailPoint)}'`);
    const { mode, data } = command as { mode: unknown; data?: { failCommands?: unknown; errorCode?: unknown; errmsg?: unknown } };
    if (mode === 'off') {
      this.failCommand = undefined;
      return;
    }
    const times = typeof mode === 'object' && mode !== null ? Number((mode as { times?: unknown }).times) : undefined;
    if (mode !== 'alwaysOn' && !(times !== undefined && Number.isInteger(times) && times > 0)) throw new MongoCommandError('BadValue', "mode must be 'alwaysOn', 'off' or {times: n}");
    if (!Array.isArray(data?.failCommands) || typeof data.errorCode !== 'number') throw new MongoCommandError('BadValue', 'data needs failCommands and errorCode');
    this.failCommand = {
      commands: new Set(data.failCommands.map(String)),
      errorCode: data.errorCode,
      errmsg: typeof data.errmsg === 'string' ? data.errmsg : 'Failing command via failCommand failpoint',
      remaining: times,
    };
  }

  /** The error reply `command` gets instead of running, if the fail point takes it. */
  failureFor(command: string): Document | undefined {
    const point = this.failCommand;
    if (!point?.commands.has(command)) return undefined;
    if (point.remaining !== undefined && --point.remaining === 0) this.failCommand = undefined;
    return { ok: 0, code: point.errorCode, errmsg: point.errmsg };
  }
}
