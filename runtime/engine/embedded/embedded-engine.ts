import type { Logger } from '@temporalio/common';
import { loggerFrom } from '../logger-from';
import type { AuditEntry } from '../audit';
import { buildAuditTrail } from '../audit-trail';
import { SystemClock, type Clock, type TimerHandle } from '../clock';
import { EngineShutDownError, WorkflowNotFoundError, WorkflowSetAsideError } from '../errors';
import type { JournalStore } from '../journal-store';
import { quietLogger } from '../quiet-logger';
import type { UpdateRequest, WorkflowEngine, WorkflowStatus } from '../workflow-engine';
import { ActivityRunner, type ActivityFunction } from './activity-runner';
import { journalToAudit } from './journal-to-audit';
import { restoreRun } from './run-restore';
import { SandboxCache } from './sandbox-cache';
import { SandboxFactory } from './sandbox-factory';
import { SerialLane } from './serial-lane';
import { journalSetAside, setAsideIn, type SetAsideWorkflow } from './set-aside-journal';
import type { WorkflowSource } from './workflow-bundle';
import { WorkflowExecution, type CodeMarker, type ExecutionServices } from './workflow-execution';

/**
 * The workflow code: `workflowsPath`, a directory (or index file) bundled (or taken from the bundle cache), with its
 * `preloadModules` (evaluated once and shared, deep-frozen, by every instance; see
 * plugins/bundle-entry.ts), or `workflowCode` bundled already (`bundleWorkflows`).
 */
export type EmbeddedEngineOptions = WorkflowSource & {
  /** The activity functions workflows may schedule, by name (e.g. `createActivities(deps)`). */
  activities: Record<string, ActivityFunction>;
  journal: JournalStore;
  clock?: Clock;
  logger?: Logger;
  taskQueue?: string;
  /** Live workflow instances kept in memory; idle ones beyond this are evicted and rebuilt by replay when needed. */
  cacheSize?: number;
  /**
   * Aborts a workflow activation that runs longer than this (a runaway loop in workflow code), failing its
   * task as Temporal's deadlock detection would. Off by default: the SDK's sandbox enforces it with a
   * watchdog thread started for every call into the sandbox (three or more per activation), which
   * measured ~135 µs a call and capped the engine at under 1,000 signals/s on two loaded cores. Without
   * it, such a loop blocks the process, as any synchronous loop in this process would.
   */
  activationTimeoutMs?: number;
  /** Told whose workflow code runs, for a watch outside this thread (runtime/engine-thread/running-code.ts). */
  runningCode?: CodeMarker;
  /**
   * Workflows whose code ran without returning and ended the engine before this one, by workflow id
   * (runtime/engine-thread/set-aside.ts). Until their time is up their runs are not restored, so
   * nothing inside the engine (a due timer, an activity's result, another workflow's signal) sets the
   * loop off again, and every call for them is refused with WorkflowSetAsideError. Each open run's
   * journal records why, once, for its audit trail; an engine started later (the server restarted)
   * finds the record there and leaves the run aside until the same time.
   */
  setAside?: ReadonlyMap<string, SetAsideWorkflow>;
};

/**
 * An idle instance costs tens of kB, while a miss costs a replay of the run's journal; evicting below the
 * number of busy workflows makes every call a replay (measured: round-robin signals over 1,000 workflows
 * with 500 cached fell to ~80/s), so the default keeps a few thousand.
 */
const DEFAULT_CACHE_SIZE = 5_000;

const workflowSourceOf = (options: WorkflowSource): WorkflowSource =>
  'workflowCode' in options ? { workflowCode: options.workflowCode } : { workflowsPath: options.workflowsPath, preloadModules: options.preloadModules };

/**
 * `logger`, with warnings written as debug while `stopping()` holds: an activity failing once the engine
 * stops (its calls refused, its store closing) is cut short, not broken, and the next start runs it again.
 */
const warningsAsDebugWhile = (logger: Logger, stopping: () => boolean): Logger =>
  loggerFrom((level, message, meta) => logger.log(level === 'WARN' && stopping() ? 'DEBUG' : level, message, meta));

/**
 * Open runs restored at a time after the engine starts (each reads its journal). Few: with 2,000
 * open runs the whole took as long at 4 as at 32 (3.1 against 3.0 s), and a call that restores its
 * own run meanwhile was answered in 0.3 s instead of 0.75 s, waiting behind less of that work.
 */
const RESTORE_CONCURRENCY = 4;
/** Runs whose restore failed are tried again after this long, doubling (their timers cannot fire until then). */
const RESTORE_RETRY_MS = { initial: 1_000, max: 60_000 };

/**
 * Runs workflows in this process, inside the SDK's own workflow sandbox, with Temporal's semantics; the
 * journal makes them durable (open runs are restored when an engine starts on the same journal).
 *
 * The open runs are restored after the engine is handed back, in the background, and a call for a
 * workflow whose run is not restored yet restores that one first: reading every open run's journal
 * took 2.2 ms a run on a quiet machine and four times that on a busy one (2,000 open conversations
 * held a start back by 4.5 to 17 s), while the server's callers need only the workflows they call.
 */
export class EmbeddedEngine implements WorkflowEngine {
  readonly kind = 'embedded' as const;
  private readonly executions = new Map<string, WorkflowExecution>();
  private readonly services: ExecutionServices;
  private readonly cache: SandboxCache;
  private shutDown?: Promise<void>;
  /** Open runs found in the journal at the start and not restored yet, by workflow id. */
  private readonly unrestored = new Map<string, string>();
  /** Restores under way or done (failed ones are dropped, to be tried again), by workflow id. */
  private readonly restoring = new Map<string, Promise<void>>();
  private restoredAll?: Promise<void>;
  /** The set-asides being journaled at the start: runs are read to be restored only after, so none is read without its record. */
  private recordedSetAside: Promise<void> = Promise.resolve();
  /** The wait before the background restore tries failed runs again, so that shutting down can end it. */
  private restoreRetry?: { handle: TimerHandle; resolve(): void };
  private readonly logger: Logger;
  /** As given, and those whose journal says they are set aside (found as their runs are read to be restored). */
  private readonly setAside: Map<string, SetAsideWorkflow>;

  private constructor(
    private readonly factory: SandboxFactory,
    private readonly journal: JournalStore,
    options: EmbeddedEngineOptions,
  ) {
    const clock = options.clock ?? new SystemClock();
    const logger = options.logger ?? quietLogger;
    this.logger = logger;
    this.setAside = new Map(options.setAside);
    this.cache = new SandboxCache(options.cacheSize ?? DEFAULT_CACHE_SIZE);
    this.services = {
      factory,
      journal,
      clock,
      logger,
      cache: this.cache,
      replayLane: new SerialLane(),
      activityRunner: new ActivityRunner(options.activities, clock, warningsAsDebugWhile(logger, () => this.shutDown !== undefined), options.runningCode),
      taskQueue: options.taskQueue ?? 'embedded',
      runningCode: options.runningCode,
      onIdle: (execution) => {
        if (this.executions.get(execution.workflowId) === execution && execution.idle) this.executions.delete(execution.workflowId);
      },
    };
  }

  /** Bundles the workflows (see workflow-bundle.ts) and begins restoring the open runs found in the journal. */
  static async create(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
    const factory = await SandboxFactory.create({
      ...workflowSourceOf(options),
      activityNames: Object.keys(options.activities),
      taskQueue: options.taskQueue ?? 'embedded',
      isolateExecutionTimeoutMs: options.activationTimeoutMs,
    });
    const engine = new EmbeddedEngine(factory, options.journal, options);
    for (const run of await options.journal.openRuns()) engine.unrestored.set(run.workflowId, run.runId);
    engine.recordedSetAside = engine.recordSetAside();
    engine.restoredAll = engine.restoreOpenRuns();
    return engine;
  }

  /**
   * Resolves once every run open at the start is restored (or the engine shut down): a run that could
   * not be restored is logged and tried again, in the background and whenever called; a run set aside
   * is restored when its time is up (up to an hour).
   */
  whenRestored(): Promise<void> {
    return this.restoredAll ?? Promise.resolve();
  }

  /** Live workflow instances in memory (the rest are rebuilt from the journal on demand). */
  get liveInstances(): number {
    return this.cache.size;
  }

  async start(o: { workflowType: string; workflowId: string; args: unknown[] }): Promise<{ runId: string }> {
    await this.restored(o.workflowId);
    const runId = await this.execution(o.workflowId).start({ workflowType: o.workflowType, args: o.args });
    return { runId };
  }

  async signal(o: { workflowId: string; signal: string; args: unknown[] }): Promise<void> {
    await this.restored(o.workflowId);
    await this.existing(o.workflowId).signal(o.signal, [o.args]);
  }

  async signalEach(o: { workflowId: string; signal: string; argsList: unknown[][] }): Promise<void> {
    await this.restored(o.workflowId);
    await this.existing(o.workflowId).signal(o.signal, o.argsList);
  }

  async signalWithStart(o: { workflowType: string; workflowId: string; args: unknown[]; signal: string; signalArgs: unknown[] }): Promise<void> {
    await this.restored(o.workflowId);
    await this.execution(o.workflowId).signal(o.signal, [o.signalArgs], { workflowType: o.workflowType, args: o.args });
  }

  async executeUpdate<R>(o: UpdateRequest): Promise<R> {
    await this.restored(o.workflowId);
    const execution = o.startIfMissing ? this.execution(o.workflowId) : this.existing(o.workflowId);
    return (await execution.update(o.update, o.args, o.startIfMissing, o.updateId)) as R;
  }

  async query<R>(o: { workflowId: string; query: string; args?: unknown[] }): Promise<R> {
    await this.restored(o.workflowId);
    return (await this.existing(o.workflowId).query(o.query, o.args ?? [])) as R;
  }

  async history(workflowId: string): Promise<AuditEntry[]> {
    const runs = await this.journal.runsOf(workflowId);
    const perRun = await Promise.all(runs.map(async (run) => journalToAudit(await this.journal.readRun(run.runId))));
    return buildAuditTrail(perRun.flat());
  }

  async describe(workflowId: string): Promise<{ status: WorkflowStatus; runId?: string }> {
    // A workflow set aside is described from the journal, as history() is: its run stays unrestored.
    await this.restored(workflowId).catch((err: unknown) => {
      if (!(err instanceof WorkflowSetAsideError)) throw err;
    });
    const open = this.executions.get(workflowId)?.openRun;
    if (open) return { status: 'running', runId: open.runId };
    const last = (await this.journal.runsOf(workflowId)).at(-1);
    return last ? { status: last.status, runId: last.runId } : { status: 'not_found' };
  }

  /**
   * Stops all work; open runs stay open in the journal for the next engine. Resolves once the engine writes to
   * the journal no more (the journal's store may be closed then), for every caller: a second call waits too.
   */
  shutdown(): Promise<void> {
    this.shutDown ??= this.stopAll();
    return this.shutDown;
  }

  private async stopAll(): Promise<void> {
    if (this.restoreRetry) {
      this.services.clock.clearTimer(this.restoreRetry.handle);
      this.restoreRetry.resolve();
    }
    await Promise.all([...this.executions.values()].map((execution) => execution.stop()));
    this.executions.clear();
    await this.factory.destroy();
  }

  /**
   * Restores every run open at the start, RESTORE_CONCURRENCY at a time, unless called first; those
   * that failed are tried again with a growing pause until they are restored: a run nobody calls,
   * waiting on a timer (an SLA, an auto-resolve), would otherwise never wake.
   */
  private async restoreOpenRuns(): Promise<void> {
    const began = Date.now();
    const runs = this.unrestored.size;
    await this.recordedSetAside;
    let retryMs = RESTORE_RETRY_MS.initial;
    for (let pass = 0; this.unrestored.size > 0 && !this.shutDown; pass++) {
      if (pass > 0) {
        // A run set aside is restored when its time is up, not a retry period later.
        let wait = retryMs;
        for (const workflowId of this.setAside.keys()) {
          const until = this.unrestored.has(workflowId) ? this.setAsideUntil(workflowId) : undefined;
          if (until !== undefined) wait = Math.min(wait, until - this.services.clock.now());
        }
        await new Promise<void>((resolve) => (this.restoreRetry = { handle: this.services.clock.setTimer(wait, resolve), resolve }));
        retryMs = Math.min(retryMs * 2, RESTORE_RETRY_MS.max);
      }
      const workflowIds = [...this.unrestored.keys()].filter((workflowId) => this.setAsideUntil(workflowId) === undefined);
      for (let i = 0; i < workflowIds.length && !this.shutDown; i += RESTORE_CONCURRENCY) {
        await Promise.allSettled(workflowIds.slice(i, i + RESTORE_CONCURRENCY).map((workflowId) => this.restored(workflowId)));
      }
      if (pass === 0 && !this.shutDown) {
        const setAside = [...this.unrestored.keys()].filter((workflowId) => this.setAsideUntil(workflowId) !== undefined).length;
        this.logger.info('open workflow runs restored', { runs, failed: this.unrestored.size - setAside, setAside, ms: Date.now() - began });
      }
    }
  }

  /** When a workflow set aside may run again; undefined once it may (or was never set aside). */
  private setAsideUntil(workflowId: string): number | undefined {
    const until = this.setAside.get(workflowId)?.until;
    return until !== undefined && this.services.clock.now() < until ? until : undefined;
  }

  /** Journals each open run's set-aside (set-aside-journal.ts), side by side. Nothing else writes to a run left unrestored. */
  private async recordSetAside(): Promise<void> {
    const recording = [...this.unrestored].flatMap(([workflowId, runId]) => {
      const entry = this.setAside.get(workflowId);
      if (!entry || this.setAsideUntil(workflowId) === undefined) return [];
      return [
        journalSetAside(this.journal, workflowId, runId, entry, this.services.clock.now()).catch((err: unknown) => {
          this.logger.warn('journaling why a workflow is set aside failed; its audit trail will not say', { workflowId, runId, error: err });
        }),
      ];
    });
    await Promise.all(recording);
  }

  /** Resolves once the workflow's run open at the start, if any, is restored: restoring it now if nothing has yet; rejects while the workflow is set aside. */
  private restored(workflowId: string): Promise<void> {
    if (this.shutDown) return Promise.reject(new EngineShutDownError());
    const setAsideUntil = this.setAsideUntil(workflowId);
    if (setAsideUntil !== undefined) return Promise.reject(new WorkflowSetAsideError(workflowId, new Date(setAsideUntil)));
    const runId = this.unrestored.get(workflowId);
    if (runId === undefined) return Promise.resolve();
    let restoring = this.restoring.get(workflowId);
    if (!restoring) {
      // One restore at a time per run: a second would arm its timers and restart its activities twice.
      restoring = this.recordedSetAside.then(() => this.journal.readRun(runId)).then((records) => {
        const setAside = setAsideIn(records, this.services.clock.now());
        if (setAside) {
          this.setAside.set(workflowId, setAside);
          throw new WorkflowSetAsideError(workflowId, new Date(setAside.until));
        }
        this.execution(workflowId).restore(restoreRun(records));
        this.unrestored.delete(workflowId);
      });
      this.restoring.set(workflowId, restoring);
      restoring.then(
        () => this.restoring.delete(workflowId),
        (err: unknown) => {
          this.restoring.delete(workflowId);
          if (!this.shutDown && !(err instanceof WorkflowSetAsideError)) this.logger.error('restoring an open workflow run failed; it is tried again', { workflowId, runId, error: err });
        },
      );
    }
    return restoring;
  }

  private execution(workflowId: string): WorkflowExecution {
    if (this.shutDown) throw new EngineShutDownError();
    let execution = this.executions.get(workflowId);
    if (!execution) {
      execution = new WorkflowExecution(workflowId, this.services);
      this.executions.set(workflowId, execution);
    }
    return execution;
  }

  private existing(workflowId: string): WorkflowExecution {
    if (this.shutDown) throw new EngineShutDownError();
    const execution = this.executions.get(workflowId);
    if (!execution?.openRun) throw new WorkflowNotFoundError(workflowId);
    return execution;
  }
}
