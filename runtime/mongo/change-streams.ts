// Change streams: a bounded in-memory log of committed change events (in commit order) and the
// cursors that read it. Resume tokens are {_data: <server epoch><event sequence>} in hex.
import { randomBytes } from 'node:crypto';
import { Timestamp, type Document } from 'bson';
import { ProcessingMode } from 'mingo/core';
import type { ClusterClock } from './cluster-clock';
import { MongoCommandError } from './errors';
import { Aggregator } from './mingo-context';
import { compileFilter, MINGO_OPTIONS } from './mingo-extensions';

/**
 * The log keeps at least `minEvents`, and everything of the last `keepMs` (a stream stalled that
 * long under load still catches up rather than failing), but about `maxEvents` at most.
 */
export interface ChangeLogLimits {
  minEvents: number;
  keepMs: number;
  maxEvents: number;
}

const LOG_LIMITS: ChangeLogLimits = { minEvents: 10_000, keepMs: 3_000, maxEvents: 60_000 };
const SYSTEM_DATABASES = new Set(['admin', 'config', 'local']);

const historyLost = () =>
  new MongoCommandError('ChangeStreamHistoryLost', 'Resume of change stream was not possible, as the resume point may no longer be in the oplog.');

export interface PendingChange {
  operationType: 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'dropDatabase';
  ns: { db: string; coll?: string };
  documentKey?: { _id: unknown };
  fullDocument?: Document;
  updateDescription?: { updatedFields: Document; removedFields: string[]; truncatedArrays: unknown[] };
}

interface LoggedChange extends PendingChange {
  seq: number;
  clusterTime: Timestamp;
  wallTime: Date;
}

export interface ChangeScope {
  db?: string;
  coll?: string;
}

export class ChangeLog {
  private readonly events: LoggedChange[] = [];
  private lastSeq = 0;
  private readonly listeners = new Set<() => void>();
  private readonly epoch = randomBytes(4).toString('hex');
  /** The length at which the log is next trimmed: in bulk, every `minEvents` events, so trimming costs O(1) per event. */
  private trimAt: number;

  constructor(
    private readonly clock: ClusterClock,
    private readonly limits: ChangeLogLimits = LOG_LIMITS,
  ) {
    this.trimAt = 2 * limits.minEvents;
  }

  publish(changes: PendingChange[]): void {
    if (changes.length === 0) return;
    for (const change of changes) {
      this.events.push({ ...change, seq: ++this.lastSeq, clusterTime: this.clock.tick(), wallTime: new Date() });
    }
    if (this.events.length >= this.trimAt) this.trim(Date.now());
    for (const listener of [...this.listeners]) listener();
  }

  private trim(now: number): void {
    const { minEvents, keepMs, maxEvents } = this.limits;
    // Events are in time order: the first one of the keep window, by bisection.
    let recent = 0;
    for (let high = this.events.length; recent < high; ) {
      const middle = (recent + high) >>> 1;
      if (this.events[middle]!.wallTime.getTime() < now - keepMs) recent = middle + 1;
      else high = middle;
    }
    const drop = Math.max(Math.min(this.events.length - minEvents, recent), this.events.length - maxEvents);
    if (drop > 0) this.events.splice(0, drop);
    this.trimAt = this.events.length + minEvents;
  }

  get latestSeq(): number {
    return this.lastSeq;
  }

  tokenFor(seq: number): { _data: string } {
    return { _data: this.epoch + seq.toString(16).padStart(16, '0') };
  }

  /** The sequence number a resume token points at; fails if its events are no longer in the log. */
  seqOfToken(token: unknown): number {
    const data = (token as { _data?: unknown } | null)?._data;
    if (typeof data !== 'string' || data.length !== 24) throw new MongoCommandError('BadValue', 'invalid resume token');
    const seq = Number.parseInt(data.slice(8), 16);
    if (data.slice(0, 8) !== this.epoch || seq > this.lastSeq) throw historyLost();
    this.assertHeld(seq);
    return seq;
  }

  /** Fails (ChangeStreamHistoryLost) when events after `seq` were already trimmed: a reader there would miss them. */
  assertHeld(seq: number): void {
    const oldest = (this.events[0]?.seq ?? this.lastSeq + 1) - 1;
    if (seq < oldest) throw historyLost();
  }

  /** Sequence number just before the first event at or after `time`. */
  seqBefore(time: Timestamp): number {
    const first = this.events.find((event) => event.clusterTime.compare(time) >= 0);
    return first ? first.seq - 1 : this.lastSeq;
  }

  *after(seq: number): Generator<LoggedChange> {
    const first = this.events[0];
    if (!first) return;
    for (let i = Math.max(0, seq + 1 - first.seq); i < this.events.length; i++) yield this.events[i]!;
  }

  /** Resolves when an event is published or after `ms`; the timer never keeps the process alive. */
  waitForEvent(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.listeners.add(done);
      signal.addEventListener('abort', done);
    });
  }
}

function inScope(change: LoggedChange, scope: ChangeScope): boolean {
  if (scope.db === undefined) return !SYSTEM_DATABASES.has(change.ns.db);
  if (change.ns.db !== scope.db) return false;
  return scope.coll === undefined || change.ns.coll === undefined || change.ns.coll === scope.coll;
}

export type FullDocumentMode = 'default' | 'updateLookup' | 'whenAvailable' | 'required';

const isMatchStage = (stage: Document): boolean => Object.keys(stage).length === 1 && '$match' in stage;

/** A stage that cannot see the event's looked-up document, so it may run before the lookup. */
const matchesBeforeLookup = (stage: Document): boolean => {
  if (!isMatchStage(stage)) return false;
  const text = JSON.stringify(stage.$match);
  return !text.includes('fullDocument') && !text.includes('$$ROOT') && !text.includes('$$CURRENT');
};

type Stages = (event: Document) => Document[];

/**
 * Runs pipeline stages over single events. `$match`-only stages are compiled filters (no copy of
 * the event, and no aggregation run per event, which cost more than the match itself).
 */
function compileStages(stages: Document[]): Stages | undefined {
  if (stages.length === 0) return undefined;
  if (stages.every(isMatchStage)) {
    const filters = stages.map((stage) => compileFilter(stage.$match as Document));
    return (event) => (filters.every((filter) => filter.test(event)) ? [event] : []);
  }
  const aggregator = new Aggregator(stages, { ...MINGO_OPTIONS, processingMode: ProcessingMode.CLONE_INPUT });
  return (event) => aggregator.run([event]) as Document[];
}

export class ChangeStreamReader {
  private position: number;
  /** The pipeline's leading `$match` stages that ignore `fullDocument`: they run before the lookup, so a dropped event costs none. */
  private readonly early: Stages | undefined;
  private readonly stages: Stages | undefined;

  constructor(
    private readonly log: ChangeLog,
    private readonly scope: ChangeScope,
    pipeline: Document[],
    private readonly fullDocument: FullDocumentMode,
    private readonly lookup: (ns: { db: string; coll?: string }, id: unknown) => Document | undefined,
    start: { resumeAfter?: unknown; startAtOperationTime?: Timestamp },
  ) {
    const earlyCount = pipeline.findIndex((stage) => !matchesBeforeLookup(stage));
    const split = earlyCount < 0 ? pipeline.length : earlyCount;
    this.early = compileStages(pipeline.slice(0, split));
    this.stages = compileStages(pipeline.slice(split));
    if (start.resumeAfter !== undefined) this.position = log.seqOfToken(start.resumeAfter);
    else if (start.startAtOperationTime) this.position = log.seqBefore(start.startAtOperationTime);
    else this.position = log.latestSeq;
  }

  get resumeToken(): { _data: string } {
    return this.log.tokenFor(this.position);
  }

  /** The event without its looked-up document (what the early stages see). */
  private render(change: LoggedChange): Document {
    const event: Document = {
      _id: this.log.tokenFor(change.seq),
      operationType: change.operationType,
      clusterTime: change.clusterTime,
      wallTime: change.wallTime,
      ns: change.ns,
    };
    if (change.documentKey) event.documentKey = change.documentKey;
    if (change.operationType === 'update') event.updateDescription = change.updateDescription;
    else if (change.fullDocument) event.fullDocument = change.fullDocument;
    return event;
  }

  private withLookup(change: LoggedChange, event: Document): Document {
    if (change.operationType === 'update' && this.fullDocument !== 'default') event.fullDocument = this.lookup(change.ns, change.documentKey?._id) ?? null;
    return event;
  }

  /** Up to `batchSize` events after the current position that pass scope and pipeline. */
  read(batchSize: number): Document[] {
    // A reader the log has left behind fails, as on MongoDB when the oplog rolls past a stream.
    this.log.assertHeld(this.position);
    const out: Document[] = [];
    for (const change of this.log.after(this.position)) {
      if (out.length >= batchSize) break;
      this.position = change.seq;
      if (!inScope(change, this.scope)) continue;
      const event = this.render(change);
      if (this.early && this.early(event).length === 0) continue;
      const full = this.withLookup(change, event);
      out.push(...(this.stages ? this.stages(full) : [full]));
    }
    return out;
  }
}
