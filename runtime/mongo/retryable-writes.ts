// Retryable writes: a write command outside a transaction that carries lsid and txnNumber records
// each statement's result under its session. A driver that lost the reply sends the command again
// with the same lsid and txnNumber; statements that already ran then answer with their recorded
// result instead of running again. As in MongoDB, a session remembers its newest txnNumber only
// (an older one fails with TransactionTooOld), runs one command at a time (a retry waits for the
// attempt still running), and is forgotten once idle for the logical session timeout.
import type { Document } from 'bson';
import { MongoCommandError } from './errors';
import { sessionKeyOf } from './transactions';

/** How often idle sessions are looked for (MongoDB's logicalSessionRefreshMillis). */
export const SWEEP_INTERVAL_MS = 5 * 60_000;
/**
 * Sweeps a session stays unused before one forgets it: MongoDB's 30-minute
 * localLogicalSessionTimeoutMinutes, which hello reports as logicalSessionTimeoutMinutes.
 */
const IDLE_SWEEPS = (30 * 60_000) / SWEEP_INTERVAL_MS;

interface SessionWrites {
  txnNumber: number;
  /** The result of each statement run under txnNumber, by statement id. */
  results: unknown[];
  /** The sweep count when a command last held it (a count, not a clock read on every write). */
  lastUsed: number;
  held: boolean;
  /** Commands waiting for the session, resumed one at a time as it is checked in. */
  waiting: Array<() => void>;
}

/** One command's hold on its session's record of statement results. */
export class StatementHistory {
  constructor(private readonly session: SessionWrites) {}

  /** What the statement returned when it ran under this txnNumber, or undefined if it has not run. */
  result(stmtId: number): unknown {
    return this.session.results[stmtId];
  }

  /** Records a statement's result (never undefined) for a retry to return. */
  record(stmtId: number, result: unknown): void {
    this.session.results[stmtId] = result;
  }

  /** Ends the command's hold on the session; the next command waiting for it goes on. */
  checkIn(): void {
    this.session.held = false;
    this.session.waiting.shift()?.();
  }
}

export class RetryableWrites {
  private readonly sessions = new Map<string, SessionWrites>();
  private sweeps = 0;
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  /** How many sessions have a record. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * The statement history of a retryable write command, held until checkIn, or a promise of it
   * while another command holds the session; undefined for a command without lsid or txnNumber.
   * This runs on every write, so it stays synchronous when it can.
   */
  checkOut(command: Document): StatementHistory | undefined | Promise<StatementHistory> {
    if (command.txnNumber === undefined) return undefined;
    const key = sessionKeyOf(command.lsid);
    if (key === undefined) return undefined;
    let session = this.sessions.get(key);
    if (!session) this.sessions.set(key, (session = { txnNumber: Number(command.txnNumber), results: [], lastUsed: 0, held: false, waiting: [] }));
    if (!session.held) return this.hold(session, command);
    const held = session;
    return new Promise((resolve, reject) => {
      held.waiting.push(() => {
        try {
          resolve(this.hold(held, command));
        } catch (error) {
          reject(error);
          held.waiting.shift()?.();
        }
      });
    });
  }

  /** Forgets a session (endSessions). */
  endSession(key: string): void {
    this.sessions.delete(key);
  }

  /** Forgets the sessions unused for the session timeout; runs every SWEEP_INTERVAL_MS. */
  sweep(): void {
    this.sweeps++;
    for (const [key, session] of this.sessions) {
      if (!session.held && this.sweeps - session.lastUsed > IDLE_SWEEPS) this.sessions.delete(key);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private hold(session: SessionWrites, command: Document): StatementHistory {
    const txnNumber = Number(command.txnNumber);
    if (txnNumber < session.txnNumber) {
      const id = Buffer.from(sessionKeyOf(command.lsid)!, 'latin1').toString('hex');
      throw new MongoCommandError(
        'TransactionTooOld',
        `Retryable write with txnNumber ${txnNumber} is prohibited on session ${id} because a newer retryable write with txnNumber ${session.txnNumber} has already started on this session.`,
      );
    }
    if (txnNumber > session.txnNumber) {
      session.txnNumber = txnNumber;
      session.results = [];
    }
    session.held = true;
    session.lastUsed = this.sweeps;
    return new StatementHistory(session);
  }
}
