// Server-side cursors: the rest of a query's results (or a change stream reader) between batches.
import { BSON, Long, type Document } from 'bson';
import type { ChangeStreamReader } from './change-streams';
import { MongoCommandError } from './errors';
import { MAX_BSON_OBJECT_SIZE } from './wire';

const IDLE_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_FIRST_BATCH = 101;

interface CursorBase {
  id: number;
  ns: string;
  lastUsed: number;
}

export interface DocumentCursor extends CursorBase {
  kind: 'documents';
  docs: Document[];
  position: number;
}

export interface ChangeStreamCursor extends CursorBase {
  kind: 'changeStream';
  reader: ChangeStreamReader;
}

export type Cursor = DocumentCursor | ChangeStreamCursor;

/** Takes up to `batchSize` documents from `docs[start…]`, stopping before a reply would exceed 16 MB. */
export function takeBatch(docs: Document[], start: number, batchSize: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  for (let i = start; i < docs.length && batch.length < batchSize; i++) {
    bytes += BSON.calculateObjectSize(docs[i]!, { ignoreUndefined: true });
    if (batch.length > 0 && bytes > MAX_BSON_OBJECT_SIZE - 64 * 1024) break;
    batch.push(docs[i]!);
  }
  return batch;
}

export class CursorRegistry {
  private readonly cursors = new Map<number, Cursor>();
  private nextId = 1;
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  open<C extends Cursor>(cursor: Omit<C, 'id' | 'lastUsed'>): C {
    const opened = { ...cursor, id: this.nextId++, lastUsed: Date.now() } as C;
    this.cursors.set(opened.id, opened);
    return opened;
  }

  get(id: unknown, ns: string): Cursor {
    const cursor = this.cursors.get(Number(id));
    if (!cursor || cursor.ns !== ns) throw new MongoCommandError('CursorNotFound', `cursor id ${String(id)} not found`);
    cursor.lastUsed = Date.now();
    return cursor;
  }

  close(id: number): void {
    this.cursors.delete(id);
  }

  kill(ids: unknown[]): { cursorsKilled: Long[]; cursorsNotFound: Long[] } {
    const cursorsKilled: Long[] = [];
    const cursorsNotFound: Long[] = [];
    for (const id of ids) {
      (this.cursors.delete(Number(id)) ? cursorsKilled : cursorsNotFound).push(Long.fromNumber(Number(id)));
    }
    return { cursorsKilled, cursorsNotFound };
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [id, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(id);
  }

  dispose(): void {
    clearInterval(this.sweeper);
    this.cursors.clear();
  }
}

export function cursorReply(id: number, ns: string, batchName: 'firstBatch' | 'nextBatch', batch: Document[], extra: Document = {}): Document {
  return { cursor: { [batchName]: batch, id: Long.fromNumber(id), ns, ...extra }, ok: 1 };
}
