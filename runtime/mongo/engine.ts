// The database state shared by every connection: the catalog of collections, and the write path
// that keeps indexes, transactions, the journal and change streams in step.
import { type Document } from 'bson';
import { canonicalKey } from './bson-order';
import { ChangeLog, type PendingChange } from './change-streams';
import { ClusterClock } from './cluster-clock';
import { Collection, ID_INDEX } from './collection';
import { MongoCommandError, transientTransactionError } from './errors';
import { FailPoints } from './fail-points';
import type { IndexSpec } from './indexes';
import { Index } from './indexes';
import type { Journal } from './persistence';
import { RetryableWrites } from './retryable-writes';
import { DocumentLocked, TransactionManager, type Transaction } from './transactions';

/** Compact when the log outgrows both this many bytes and twice the data it describes. */
const COMPACTION_MIN_LOG_BYTES = 64 * 1024 * 1024;
/** At a clean close, a log this big is folded into the snapshot so that the next start replays little. */
const CLOSE_COMPACTION_MIN_LOG_BYTES = 1024 * 1024;
const LOCK_WAIT_MS = 5_000;

/** Writes made by one command, journaled and published together when it finishes. */
export interface WriteContext {
  txn?: Transaction;
  records: Document[];
  changes: PendingChange[];
}

export type UpdateDescription = NonNullable<PendingChange['updateDescription']>;

export class Engine {
  readonly clock = new ClusterClock();
  readonly changeLog = new ChangeLog(this.clock);
  readonly transactions = new TransactionManager();
  readonly retryableWrites = new RetryableWrites();
  readonly failPoints = new FailPoints();
  private readonly databases = new Map<string, Map<string, Collection>>();

  constructor(private journal: Journal) {}

  /** Why writes are refused, once writing the journal has failed or its log went (until a restart). */
  checkJournal(): Error | undefined {
    return this.journal.checkFailure();
  }

  /** Attaches the journal after recovery has replayed its records through applyRecord. */
  attachJournal(journal: Journal): void {
    this.journal = journal;
    for (const db of this.databases.values()) for (const collection of db.values()) collection.rebuildIndexes();
  }

  newContext(txn?: Transaction): WriteContext {
    return { txn, records: [], changes: [] };
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  private addCollection(db: string, name: string): Collection {
    let collections = this.databases.get(db);
    if (!collections) this.databases.set(db, (collections = new Map()));
    let collection = collections.get(name);
    if (!collection) collections.set(name, (collection = new Collection(db, name)));
    return collection;
  }

  /** The collection, created (and journaled) if it does not exist yet. */
  ensureCollection(ctx: WriteContext, db: string, name: string): Collection {
    const existing = this.collection(db, name);
    if (existing) return existing;
    if (!name || name.includes('$') || db.includes('.')) throw new MongoCommandError('InvalidNamespace', `Invalid namespace specified '${db}.${name}'`);
    ctx.records.push({ op: 'createColl', ns: { db, coll: name } });
    return this.addCollection(db, name);
  }

  dropCollection(ctx: WriteContext, db: string, name: string): boolean {
    const collections = this.databases.get(db);
    if (!collections?.delete(name)) return false;
    if (collections.size === 0) this.databases.delete(db);
    ctx.records.push({ op: 'dropColl', ns: { db, coll: name } });
    ctx.changes.push({ operationType: 'drop', ns: { db, coll: name } });
    return true;
  }

  dropDatabase(ctx: WriteContext, db: string): void {
    for (const collection of this.collections(db)) this.dropCollection(ctx, db, collection.name);
    ctx.changes.push({ operationType: 'dropDatabase', ns: { db } });
  }

  createIndex(ctx: WriteContext, collection: Collection, spec: IndexSpec): void {
    collection.createIndex(spec);
    ctx.records.push({ op: 'createIndex', ns: { db: collection.db, coll: collection.name }, spec });
  }

  dropIndex(ctx: WriteContext, collection: Collection, name: string): void {
    collection.indexes.delete(name);
    ctx.records.push({ op: 'dropIndex', ns: { db: collection.db, coll: collection.name }, name });
  }

  private lockDocument(ctx: WriteContext, collection: Collection, id: unknown): void {
    this.transactions.lock(`${collection.ns}\0${canonicalKey(id)}`, ctx.txn);
  }

  /** Checks (and for a transaction, takes) the locks on documents a statement is about to write. */
  lockDocuments(ctx: WriteContext, collection: Collection, ids: unknown[]): void {
    for (const id of ids) this.lockDocument(ctx, collection, id);
  }

  insert(ctx: WriteContext, collection: Collection, doc: Document): void {
    this.lockDocument(ctx, collection, doc._id);
    collection.insert(doc);
    ctx.txn?.undo.push({ collection, after: doc });
    ctx.records.push({ op: 'put', ns: { db: collection.db, coll: collection.name }, doc });
    ctx.changes.push({ operationType: 'insert', ns: { db: collection.db, coll: collection.name }, documentKey: { _id: doc._id }, fullDocument: doc });
  }

  /** Stores `after` in place of `before`; an update description makes it an 'update' event, else 'replace'. */
  replace(ctx: WriteContext, collection: Collection, before: Document, after: Document, description?: UpdateDescription): void {
    this.lockDocument(ctx, collection, before._id);
    collection.replace(before, after);
    ctx.txn?.undo.push({ collection, before, after });
    const ns = { db: collection.db, coll: collection.name };
    ctx.records.push({ op: 'put', ns, doc: after });
    ctx.changes.push(
      description
        ? { operationType: 'update', ns, documentKey: { _id: after._id }, updateDescription: description }
        : { operationType: 'replace', ns, documentKey: { _id: after._id }, fullDocument: after },
    );
  }

  remove(ctx: WriteContext, collection: Collection, doc: Document): void {
    this.lockDocument(ctx, collection, doc._id);
    collection.remove(doc);
    ctx.txn?.undo.push({ collection, before: doc });
    const ns = { db: collection.db, coll: collection.name };
    ctx.records.push({ op: 'del', ns, id: doc._id });
    ctx.changes.push({ operationType: 'delete', ns, documentKey: { _id: doc._id } });
  }

  /**
   * Runs one write statement. Outside a transaction, a statement that meets a document locked by
   * a transaction waits for it to finish and runs again (statements check locks before changing
   * anything, so a retry starts clean).
   */
  async statement<T>(ctx: WriteContext, run: () => T): Promise<T> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        return run();
      } catch (error) {
        if (!(error instanceof DocumentLocked) || ctx.txn) throw error;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw transientTransactionError('WriteConflict', 'Write conflict: document locked by a transaction');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([error.holder.finished, new Promise((resolve) => (timer = setTimeout(resolve, remaining)))]);
        clearTimeout(timer);
      }
    }
  }

  /** Makes a command's writes durable and visible to change streams (at commit, inside a transaction). */
  async finish(ctx: WriteContext): Promise<void> {
    if (ctx.txn) {
      ctx.txn.records.push(...ctx.records);
      ctx.txn.changes.push(...ctx.changes);
    } else {
      await this.publish(ctx.records, ctx.changes);
    }
    ctx.records = [];
    ctx.changes = [];
  }

  async commitTransaction(txn: Transaction): Promise<void> {
    const { records, changes } = this.transactions.commit(txn);
    await this.publish(records, changes);
  }

  private async publish(records: Document[], changes: PendingChange[]): Promise<void> {
    await this.journal.append(records); // also with none: a journal that failed refuses every write
    this.changeLog.publish(changes);
    this.maybeCompact();
  }

  /** Starts a compaction in the background (persistence.ts), unless one is under way or a transaction is open. */
  private maybeCompact(): void {
    if (this.journal.compacting || this.transactions.activeCount > 0) return;
    const bytes = this.journal.logBytes;
    if (bytes < COMPACTION_MIN_LOG_BYTES || bytes < 2 * this.dataBytesEstimate()) return;
    const state = this.captureState();
    void this.journal.compactInSteps(state.records).finally(state.release);
  }

  /** Rewrites the snapshot at once, unless a transaction is open (its uncommitted writes must not be saved). */
  compactNow(): boolean {
    if (this.transactions.activeCount > 0) return false;
    const state = this.captureState();
    try {
      this.journal.compact(state.records);
    } finally {
      state.release();
    }
    return true;
  }

  private dataBytesEstimate(): number {
    let docs = 0;
    for (const db of this.databases.values()) for (const collection of db.values()) docs += collection.docs.size;
    return docs * 300;
  }

  /**
   * The whole state as journal records, for a snapshot, as it is now however it changes while they
   * are read (until released): the collections and their index specs (a spec is never changed in
   * place) listed, and an image of each one's documents (Collection.image).
   */
  captureState(): { records: Iterable<Document>; release: () => void } {
    const image = [...this.databases.values()].flatMap((collections) =>
      [...collections.values()].map((collection) => ({
        ns: { db: collection.db, coll: collection.name },
        specs: [...collection.indexes.values()].filter((index) => index.name !== ID_INDEX.name).map((index) => index.spec),
        // In _id order, so that rebuilding the _id index after a restart sorts an already sorted list.
        docs: collection.image(),
      })),
    );
    function* records(): Generator<Document> {
      for (const { ns, specs, docs } of image) {
        yield { op: 'createColl', ns };
        for (const spec of specs) yield { op: 'createIndex', ns, spec };
        for (const doc of docs.docs()) yield { op: 'put', ns, doc };
      }
    }
    return { records: records(), release: () => image.forEach(({ docs }) => docs.release()) };
  }

  /** Replays one journal record during recovery (indexes are built once at the end). */
  applyRecord(record: Document): void {
    const ns = record.ns as { db: string; coll: string } | undefined;
    switch (record.op) {
      case 'createColl':
        this.addCollection(ns!.db, ns!.coll);
        break;
      case 'put':
        this.addCollection(ns!.db, ns!.coll).restore(record.doc as Document);
        break;
      case 'del':
        this.collection(ns!.db, ns!.coll)?.docs.delete(canonicalKey(record.id));
        break;
      case 'dropColl':
        this.databases.get(ns!.db)?.delete(ns!.coll);
        break;
      case 'createIndex': {
        const spec = record.spec as IndexSpec;
        this.addCollection(ns!.db, ns!.coll).indexes.set(spec.name, new Index(spec));
        break;
      }
      case 'dropIndex':
        this.collection(ns!.db, ns!.coll)?.indexes.delete(record.name as string);
        break;
    }
  }

  close(): void {
    this.transactions.abortAll();
    this.retryableWrites.close();
    try {
      if (this.journal.logBytes >= CLOSE_COMPACTION_MIN_LOG_BYTES) this.compactNow();
    } finally {
      this.journal.close();
    }
  }
}
