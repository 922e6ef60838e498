// Multi-document transactions, kept simple: writes apply in place while the transaction holds a
// lock on every document it touched and keeps an undo log. Commit journals the writes and
// publishes their change events; abort replays the undo log backwards. Another transaction that
// writes a locked document gets WriteConflict (TransientTransactionError, so the driver retries);
// a write outside any transaction waits for the lock holder to finish. As under snapshot isolation,
// a transaction that writes a document someone else wrote after it started also gets WriteConflict
// (so read-then-write transactions cannot lose updates).
// Reads are not isolated: other sessions can see a transaction's writes before it commits.
import type { Binary, Document } from 'bson';
import type { PendingChange } from './change-streams';
import type { Collection } from './collection';
import { MongoCommandError, transientTransactionError } from './errors';

const TRANSACTION_LIFETIME_MS = 60_000;

interface UndoEntry {
  collection: Collection;
  before?: Document;
  after?: Document;
}

export class Transaction {
  readonly undo: UndoEntry[] = [];
  readonly records: Document[] = [];
  readonly changes: PendingChange[] = [];
  readonly lockKeys = new Set<string>();
  state: 'active' | 'committed' | 'aborted' = 'active';
  readonly finished: Promise<void>;
  private markFinished!: () => void;
  readonly expiry: NodeJS.Timeout;

  constructor(
    readonly sessionKey: string,
    readonly txnNumber: number,
    /** The write sequence number when the transaction started. */
    readonly startSeq: number,
    onExpire: (txn: Transaction) => void,
  ) {
    this.finished = new Promise((resolve) => (this.markFinished = resolve));
    this.expiry = setTimeout(() => onExpire(this), TRANSACTION_LIFETIME_MS);
    this.expiry.unref();
  }

  end(state: 'committed' | 'aborted'): void {
    this.state = state;
    clearTimeout(this.expiry);
    this.markFinished();
  }
}

/** Thrown by a write outside a transaction that hits a document locked by one; the caller waits and retries. */
export class DocumentLocked extends Error {
  constructor(readonly holder: Transaction) {
    super('document locked by a transaction');
  }
}

/**
 * A session's key: its lsid's UUID bytes as a 16-character string. Every retryable write looks one
 * up: a short key hashes fast, and `apply` is several times faster than spreading the bytes.
 */
export function sessionKeyOf(lsid: unknown): string | undefined {
  const id = (lsid as { id?: Binary } | undefined)?.id;
  return id ? String.fromCharCode.apply(null, id.buffer as unknown as number[]) : undefined;
}

export class TransactionManager {
  private readonly latest = new Map<string, Transaction>();
  private readonly locks = new Map<string, Transaction>();
  /** Sequence number of the last write to each document, kept only while transactions are active. */
  private readonly lastWrite = new Map<string, number>();
  private writeSeq = 0;
  private active = 0;

  get activeCount(): number {
    return this.active;
  }

  /**
   * The transaction a command runs in, from its lsid / txnNumber / startTransaction / autocommit
   * fields; undefined for commands outside transactions.
   */
  forCommand(command: Document): Transaction | undefined {
    if (command.autocommit !== false) return undefined;
    const sessionKey = sessionKeyOf(command.lsid);
    const txnNumber = Number(command.txnNumber);
    if (!sessionKey || !Number.isFinite(txnNumber)) throw new MongoCommandError('InvalidOptions', 'autocommit:false requires lsid and txnNumber');
    const current = this.latest.get(sessionKey);
    if (command.startTransaction === true) {
      if (current && current.txnNumber >= txnNumber) {
        throw new MongoCommandError('IllegalOperation', `txnNumber ${txnNumber} is not newer than ${current.txnNumber}`);
      }
      if (current?.state === 'active') this.abort(current);
      const txn = new Transaction(sessionKey, txnNumber, this.writeSeq, (expired) => this.abort(expired));
      this.active++;
      this.latest.set(sessionKey, txn);
      return txn;
    }
    if (!current || current.txnNumber !== txnNumber) {
      throw transientTransactionError('NoSuchTransaction', `Transaction ${txnNumber} has been aborted or was never started.`);
    }
    return current;
  }

  /** Takes the write lock on a document for `txn` (or checks a non-transactional write may proceed). */
  lock(key: string, txn: Transaction | undefined): void {
    const holder = this.locks.get(key);
    if (holder && holder !== txn) {
      if (!txn) throw new DocumentLocked(holder);
      this.conflict(txn);
    }
    if (txn && !txn.lockKeys.has(key)) {
      if ((this.lastWrite.get(key) ?? -1) > txn.startSeq) this.conflict(txn);
      this.locks.set(key, txn);
      txn.lockKeys.add(key);
    }
    if (this.active > 0) this.lastWrite.set(key, ++this.writeSeq);
  }

  private conflict(txn: Transaction): never {
    this.abort(txn);
    throw transientTransactionError('WriteConflict', 'Write conflict during plan execution and yielding is disabled.');
  }

  private end(txn: Transaction, state: 'committed' | 'aborted'): void {
    this.release(txn);
    txn.end(state);
    if (--this.active === 0) this.lastWrite.clear();
  }

  private release(txn: Transaction): void {
    for (const key of txn.lockKeys) if (this.locks.get(key) === txn) this.locks.delete(key);
  }

  /** Marks the transaction committed and hands back what must be journaled and published. */
  commit(txn: Transaction): { records: Document[]; changes: PendingChange[] } {
    if (txn.state === 'aborted') throw transientTransactionError('NoSuchTransaction', 'Transaction has been aborted.');
    if (txn.state === 'committed') return { records: [], changes: [] };
    this.end(txn, 'committed');
    return { records: txn.records, changes: txn.changes };
  }

  abort(txn: Transaction): void {
    if (txn.state !== 'active') return;
    for (const { collection, before, after } of txn.undo.reverse()) {
      if (before && after) collection.replace(after, before);
      else if (after) collection.remove(after);
      else if (before) collection.insert(before);
    }
    this.end(txn, 'aborted');
  }

  endSession(sessionKey: string): void {
    const txn = this.latest.get(sessionKey);
    if (txn) this.abort(txn);
    this.latest.delete(sessionKey);
  }

  abortAll(): void {
    for (const txn of this.latest.values()) this.abort(txn);
  }
}
