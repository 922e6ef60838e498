import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from '@temporalio/common';
import type { coresdk, temporal } from '@temporalio/proto';
import type { Clock, TimerHandle } from '../clock';
import {
  EngineShutDownError,
  EngineUnavailableError,
  QueryFailedError,
  UpdateAbandonedError,
  UpdateRejectedError,
  WorkflowAlreadyRunningError,
  WorkflowNotFoundError,
  WorkflowTaskFailedError,
} from '../errors';
import type { JournalRecord, JournalStore, RunStatus } from '../journal-store';
import { isStoreUnavailable } from '../../store-unavailable';
import {
  fireTimerJob,
  initializeJob,
  queryActivation,
  queryJob,
  resolveActivityJob,
  signalJob,
  updateJob,
  workflowActivation,
  type ActivationJob,
  type ActivityResolution,
} from './activation-jobs';
import { CancellationType, cancellationTypeOf, cancelledResolution, type ActivityRunner } from './activity-runner';
import {
  commandToJson,
  durationMs,
  failureToJson,
  fromPayload,
  jobToJson,
  payloadToJson,
  resolutionToJson,
  rootMessage,
  toPayloads,
} from '../proto-conversions';
import { historyLengthAfter, historyLengthSeenBy, RUN_STARTED_HISTORY_LENGTH } from './history-length';
import { commandVariants, replayActivations } from './replay';
import { generatedUpdateId } from './update-outcomes';
import type { RestoredRun } from './run-restore';
import type { SandboxCache } from './sandbox-cache';
import type { RunIdentity, SandboxFactory } from './sandbox-factory';
import type { SandboxWorkflow } from './sdk-internals';
import type { SerialLane } from './serial-lane';
import { takeWorkflowLogs } from './workflow-logs';
import { WorkflowRun, type Waiter } from './workflow-run';

type WorkflowActivation = coresdk.workflow_activation.IWorkflowActivation;
type WorkflowActivationCompletion = coresdk.workflow_completion.IWorkflowActivationCompletion;

/** Services shared by every workflow execution of one engine. */
export interface ExecutionServices {
  factory: SandboxFactory;
  journal: JournalStore;
  clock: Clock;
  activityRunner: ActivityRunner;
  cache: SandboxCache;
  /** Where instances are rebuilt by replay, one at a time. */
  replayLane: SerialLane;
  logger: Logger;
  taskQueue: string;
  /** Called when the execution has no open run and nothing queued, so the engine can forget it. */
  onIdle(execution: WorkflowExecution): void;
  /** Told whose workflow code runs (see runtime/engine-thread/running-code.ts); absent, nobody is. */
  runningCode?: CodeMarker;
}

/** Marks the synchronous run of a workflow's code (all of an activation's runs before `activate` first yields), or of one of its activities. */
export interface CodeMarker {
  run<T>(workflowId: string, work: () => T): T;
  /** An activity attempt: marked as `run` marks, and its later slices too where the marker traces them. */
  runActivity<T>(workflowId: string, work: () => T): T;
}

export interface StartRequest {
  workflowType: string;
  args: unknown[];
}

type Inbound =
  | {
      kind: 'job';
      /** Several only for signals sent together (`signalEach`): they go into one activation. */
      jobs: ActivationJob[];
      /** Set for the engine's own jobs (timer fired, activity resolved): they belong to that run only. */
      runId?: string;
      ack?: Waiter<void>;
      updateId?: string;
      updateWaiter?: Waiter<unknown>;
      /** Signal-with-start / update-with-start: open a new run if none is open when this is delivered. */
      startIfClosed?: StartRequest;
    }
  | { kind: 'query'; job: ActivationJob; waiter: Waiter<unknown> };

type JobItem = Extract<Inbound, { kind: 'job' }>;
type Command = coresdk.workflow_commands.IWorkflowCommand;

/** Jobs per activation at most: signals that queue up while one activation runs go into the next together. */
const MAX_JOBS_PER_ACTIVATION = 100;
/** How long a workflow whose task failed waits before its timers and activity results are tried again. */
const TASK_RETRY_MS = 1_000;

/**
 * Everything about one workflow id: its mailbox of signals, updates, queries and the engine's own jobs,
 * processed strictly in arrival order one activation at a time, and the run that receives them (a new one
 * after continue-as-new, with the mailbox carried over, so nothing sent during the switch is lost).
 */
export class WorkflowExecution {
  /** The latest run, open or closed. */
  private run?: WorkflowRun;
  private readonly mailbox: Inbound[] = [];
  /** Updates sent and not yet answered, by update id: a second caller with the same id waits for the same answer. */
  private readonly updatesUnderWay = new Map<string, Promise<unknown>>();
  private draining?: Promise<void>;
  /** Journal appends under way, which stop() waits for. */
  private readonly appending = new Set<Promise<void>>();
  private paused = false;
  private retryTimer?: TimerHandle;
  private stopped = false;

  constructor(
    readonly workflowId: string,
    private readonly services: ExecutionServices,
  ) {}

  get openRun(): WorkflowRun | undefined {
    return this.run?.status === 'running' ? this.run : undefined;
  }

  get idle(): boolean {
    return !this.openRun && this.mailbox.length === 0 && !this.draining;
  }

  /** Opens a run; its start is durable when this resolves. */
  async start(request: StartRequest): Promise<string> {
    if (this.openRun) throw new WorkflowAlreadyRunningError(this.workflowId);
    const previous = this.run;
    const run = this.openNewRun(request.workflowType, toPayloads(request.args));
    try {
      await this.append(run.takeDeferred());
    } catch (err) {
      this.run = previous;
      throw err;
    }
    this.kick();
    return run.runId;
  }

  /** Resolves once the workflow has received the signals (one per arguments list, in one activation) and they are in the journal. */
  signal(name: string, argsList: unknown[][], startIfClosed?: StartRequest): Promise<void> {
    this.openIfClosed(startIfClosed);
    const jobs = argsList.map((args) => signalJob(name, args));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'job', jobs, ack: { resolve, reject }, startIfClosed }));
  }

  /**
   * Runs an Update. As Temporal does within a run, an update id the run has already seen is not run
   * again: one that ended answers its outcome, one still under way is joined.
   */
  update(name: string, args: unknown[], startIfClosed?: StartRequest, updateId: string = generatedUpdateId()): Promise<unknown> {
    const ended = this.run?.updateOutcomes.get(updateId);
    if (ended) return 'completed' in ended ? Promise.resolve(fromPayload(ended.completed)) : Promise.reject(new UpdateRejectedError(ended.failed.message, ended.failed.type));
    const underWay = this.updatesUnderWay.get(updateId);
    if (underWay) return underWay;
    const run = this.openRun;
    const answer =
      run?.updateOutcomes.isUnderWay(updateId) && !run.updates.has(updateId)
        ? // Accepted before a restart and still running: its caller is gone, this one waits for its answer.
          new Promise((resolve, reject) => run.updates.set(updateId, { resolve, reject }))
        : this.enqueueUpdate(name, args, startIfClosed, updateId);
    this.updatesUnderWay.set(updateId, answer);
    const forget = (): void => void this.updatesUnderWay.delete(updateId);
    answer.then(forget, forget);
    return answer;
  }

  private enqueueUpdate(name: string, args: unknown[], startIfClosed: StartRequest | undefined, updateId: string): Promise<unknown> {
    this.openIfClosed(startIfClosed);
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: 'job', jobs: [updateJob(updateId, name, args)], updateId, updateWaiter: { resolve, reject }, startIfClosed }),
    );
  }

  query(name: string, args: unknown[]): Promise<unknown> {
    if (!this.openRun) return Promise.reject(new WorkflowNotFoundError(this.workflowId));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'query', job: queryJob(randomUUID(), name, args), waiter: { resolve, reject } }));
  }

  /** Takes over an open run found in the journal after a restart: timers re-armed, activities resumed. */
  restore(restored: RestoredRun): void {
    const run = new WorkflowRun(restored.identity, restored.initArgs, restored.initialized, restored.nextSeq, restored.historyLength, restored.updateOutcomes);
    this.run = run;
    for (const timer of restored.timers) this.armTimer(run, timer.seq, timer.dueAt);
    for (const activity of restored.activities) {
      const type = cancellationTypeOf(activity.command);
      if (activity.resolution) void this.deliver(run, resolveActivityJob(activity.seq, activity.resolution));
      else if (activity.cancelRequested && type !== CancellationType.WAIT_CANCELLATION_COMPLETED) {
        void this.deliver(run, resolveActivityJob(activity.seq, cancelledResolution(activity.command)));
      } else {
        this.startActivity(run, activity.command, activity.scheduledAt, activity.nextAttempt, activity.nextAttemptAt);
        if (activity.cancelRequested) run.activities.get(activity.seq)?.requestCancel();
      }
    }
    this.kick();
  }

  /**
   * Stops timers and activities and fails every waiting caller; the journal keeps the run open for the next engine.
   * Resolves once nothing more will be written to the journal, so the caller may close it then.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const err = new EngineShutDownError();
    for (const item of this.mailbox.splice(0)) rejectItem(item, err);
    // The activation under way finishes first, so that the instance it may be creating is released too.
    await this.draining;
    // A task that failed (before or just now) put its jobs back and set a retry: dropped too.
    if (this.retryTimer) this.services.clock.clearTimer(this.retryTimer);
    for (const item of this.mailbox.splice(0)) rejectItem(item, err);
    const run = this.openRun;
    if (run) this.release(run, err);
    await Promise.allSettled(this.appending);
  }

  private openIfClosed(startIfClosed: StartRequest | undefined): void {
    if (this.stopped) throw new EngineShutDownError();
    if (this.openRun) return;
    if (!startIfClosed) throw new WorkflowNotFoundError(this.workflowId);
    this.openNewRun(startIfClosed.workflowType, toPayloads(startIfClosed.args));
  }

  /** Makes a new run the current one; its run_started record goes with its first journal write. */
  private openNewRun(workflowType: string, args: temporal.api.common.v1.IPayload[], continuedFrom?: RunIdentity): WorkflowRun {
    const now = this.services.clock.now();
    const runId = randomUUID();
    const identity: RunIdentity = {
      workflowId: this.workflowId,
      runId,
      workflowType,
      firstExecutionRunId: continuedFrom?.firstExecutionRunId ?? runId,
      continuedFromRunId: continuedFrom?.runId,
      chainStartedAt: continuedFrom?.chainStartedAt ?? now,
      runStartedAt: now,
      randomnessSeed: randomBytes(8).toString('hex'),
    };
    const run = new WorkflowRun(identity, args, false, 1, RUN_STARTED_HISTORY_LENGTH);
    run.defer(
      run.record(
        {
          type: 'run_started',
          workflowType,
          args: args.map(payloadToJson),
          randomnessSeed: identity.randomnessSeed,
          firstExecutionRunId: identity.firstExecutionRunId,
          chainStartedAt: identity.chainStartedAt,
          ...(continuedFrom ? { continuedFromRunId: continuedFrom.runId } : {}),
        },
        now,
      ),
    );
    this.run = run;
    return run;
  }

  /**
   * Queues one of the engine's own jobs for a run; resolves when it has been processed (or dropped). Never
   * rejects: a timer firing or an activity result that comes after stop() is dropped, as the run stays open
   * in the journal and the next engine re-arms the timer and re-runs the activity (nobody awaits this to hear of it).
   */
  private deliver(run: WorkflowRun, job: ActivationJob): Promise<void> {
    return new Promise((resolve) => this.enqueue({ kind: 'job', jobs: [job], runId: run.runId, ack: { resolve, reject: () => resolve() } }));
  }

  private enqueue(item: Inbound): void {
    if (this.stopped) return rejectItem(item, new EngineShutDownError());
    this.mailbox.push(item);
    this.kick();
  }

  private kick(): void {
    if (this.draining || this.paused || this.stopped) return;
    // Started a microtask later, so that everything sent to this workflow in the same turn goes into one activation.
    this.draining = Promise.resolve()
      .then(() => this.drain())
      .catch((err: unknown) => this.services.logger.error('Workflow execution loop failed', { workflowId: this.workflowId, error: err }))
      .finally(() => {
        this.draining = undefined;
        if (this.mailbox.length > 0) this.kick();
        else if (this.idle) this.services.onIdle(this);
      });
    this.services.clock.trackWork?.(this.draining);
  }

  private async drain(): Promise<void> {
    while (!this.stopped && !this.paused) {
      const run = this.openRun;
      if (!run) {
        if (!this.openFromMailbox()) return;
        continue;
      }
      if (run.initialized && this.mailbox.length === 0) return;
      if (this.mailbox[0]?.kind === 'query') {
        await this.runQuery(run, this.mailbox.shift() as Extract<Inbound, { kind: 'query' }>);
        continue;
      }
      const batch = this.takeBatch(run);
      if (batch.length > 0 || !run.initialized) await this.activate(run, batch);
    }
  }

  /** With no open run, the head of the mailbox either starts one (with-start) or is refused. */
  private openFromMailbox(): boolean {
    while (this.mailbox.length > 0) {
      const head = this.mailbox[0]!;
      if (head.kind === 'job' && head.startIfClosed && !head.runId) {
        this.openNewRun(head.startIfClosed.workflowType, toPayloads(head.startIfClosed.args));
        return true;
      }
      this.mailbox.shift();
      if (head.kind === 'job' && head.runId) head.ack?.resolve();
      else rejectItem(head, new WorkflowNotFoundError(this.workflowId));
    }
    return false;
  }

  /** The longest run of non-query items at the head of the mailbox; jobs of an earlier run are dropped. */
  private takeBatch(run: WorkflowRun): JobItem[] {
    const batch: JobItem[] = [];
    while (batch.length < MAX_JOBS_PER_ACTIVATION && this.mailbox[0]?.kind === 'job') {
      const item = this.mailbox.shift() as JobItem;
      if (item.runId && item.runId !== run.runId) item.ack?.resolve();
      else batch.push(item);
    }
    return batch;
  }

  private async activate(run: WorkflowRun, batch: JobItem[]): Promise<void> {
    let sandbox: SandboxWorkflow;
    try {
      sandbox = run.sandbox ?? (await this.rebuildSandbox(run));
    } catch (err) {
      return this.failTask(run, batch, isStoreUnavailable(err) ? storeUnavailable('Could not read the journal', err) : err);
    }
    this.services.cache.touch(run.runId, run);
    const now = this.services.clock.now();
    const activationRecord = run.reserve(now);
    const jobs = batch.flatMap((item) => item.jobs);
    const initializes = !run.initialized;
    const historyLength = historyLengthSeenBy(run.historyLength, jobs);
    for (const item of batch) if (item.updateId && item.updateWaiter) run.updates.set(item.updateId, item.updateWaiter);

    const activation = workflowActivation({
      runId: run.runId,
      time: now,
      isReplaying: false,
      jobs: initializes ? [initializeJob(run.identity, run.initArgs ?? []), ...jobs] : jobs,
      historyLength,
    });
    const completion = await this.inSandbox(run, sandbox, activation);
    if (completion.failed) return this.failTask(run, batch, new WorkflowTaskFailedError(rootMessage(completion.failed.failure)));

    const commands = completion.successful?.commands ?? [];
    const records = run.takeDeferred();
    records.push(
      activationRecord({
        type: 'activation',
        ...(initializes ? { initializes: true as const } : {}),
        jobs: jobs.map(jobToJson),
        commands: commands.map(commandToJson),
        flags: completion.successful?.usedInternalFlags ?? [],
        historyLength,
      }),
    );
    const closing = closingOf(commands);
    let next: WorkflowRun | undefined;
    if (closing) {
      // The closing record takes its place and time before the next run opens, and names that run: a
      // journal whose runs' summaries were not written finds the next run from it (mongo-journal-repair.ts).
      const closingRecord = run.reserve(this.services.clock.now());
      if (closing.continueAsNew) {
        next = this.openNewRun(closing.continueAsNew.workflowType || run.identity.workflowType, closing.continueAsNew.arguments ?? [], run.identity);
      }
      records.push(closingRecord({ type: 'run_closed', status: closing.status, ...(next ? { nextRunId: next.runId } : {}) }));
      if (next) records.push(...next.takeDeferred());
    }

    try {
      await this.append(records);
    } catch (err) {
      if (next) this.run = run;
      const what = 'Could not journal the workflow task';
      return this.failTask(run, batch, isStoreUnavailable(err) ? storeUnavailable(what, err) : new WorkflowTaskFailedError(`${what}: ${String(err)}`, { cause: err }));
    }
    run.initialized = true;
    run.initArgs = undefined;
    run.historyLength = historyLengthAfter(historyLength, jobs, commands);
    this.carryOut(run, commands, now, !!closing);
    for (const item of batch) item.ack?.resolve();
    if (closing) this.release(run, new UpdateAbandonedError(this.workflowId), closing.status);
  }

  private async runQuery(run: WorkflowRun, item: Extract<Inbound, { kind: 'query' }>): Promise<void> {
    try {
      const sandbox = run.sandbox ?? (await this.rebuildSandbox(run));
      this.services.cache.touch(run.runId, run);
      const completion = await this.inSandbox(run, sandbox, queryActivation(run.runId, item.job));
      const answer = completion.successful?.commands?.find((c) => c.respondToQuery)?.respondToQuery;
      if (answer?.succeeded) item.waiter.resolve(fromPayload(answer.succeeded.response));
      else item.waiter.reject(new QueryFailedError(answer?.failed?.message ?? rootMessage(completion.failed?.failure)));
    } catch (err) {
      item.waiter.reject(err);
    }
  }

  /** Activates the run's live instance; the cache must not evict it meanwhile. */
  private async inSandbox(run: WorkflowRun, sandbox: SandboxWorkflow, activation: WorkflowActivation): Promise<WorkflowActivationCompletion> {
    run.busy = true;
    try {
      const completion = await this.runCode(sandbox, activation);
      await takeWorkflowLogs(sandbox, this.services.logger);
      return completion;
    } finally {
      run.busy = false;
    }
  }

  /** Activates an instance, marked as this workflow's code while it runs (`runningCode`). */
  private runCode(sandbox: SandboxWorkflow, activation: WorkflowActivation): Promise<WorkflowActivationCompletion> {
    const marker = this.services.runningCode;
    return marker ? marker.run(this.workflowId, () => sandbox.activate(activation)) : sandbox.activate(activation);
  }

  /**
   * A new live instance for a run that was evicted or restored, brought up to date by replaying its journal.
   * Rebuilds take turns (in the replay lane), so that each replays without interleaving with the others.
   */
  private async rebuildSandbox(run: WorkflowRun): Promise<SandboxWorkflow> {
    const records = run.initialized ? await this.services.journal.readRun(run.runId) : undefined;
    const sandbox = await this.services.replayLane.run(async () => {
      const created = await this.services.factory.createWorkflow(run.identity, run.identity.runStartedAt);
      try {
        if (records) await this.replay(run, created, records);
      } catch (err) {
        await created.dispose();
        throw err;
      }
      return created;
    });
    run.sandbox = sandbox;
    return sandbox;
  }

  private async replay(run: WorkflowRun, sandbox: SandboxWorkflow, records: readonly JournalRecord[]): Promise<void> {
    for (const activation of replayActivations(records)) {
      const completion = await this.runCode(
        sandbox,
        workflowActivation({
          runId: run.runId,
          time: activation.time,
          isReplaying: true,
          jobs: activation.jobs,
          historyLength: activation.historyLength,
          availableInternalFlags: activation.flags,
        }),
      );
      await takeWorkflowLogs(sandbox, this.services.logger);
      if (completion.failed) throw new WorkflowTaskFailedError(`Replay of ${run.identity.workflowId} failed: ${rootMessage(completion.failed.failure)}`);
      const produced = commandVariants(completion.successful?.commands ?? []);
      if (produced.join() !== activation.expectedCommands.join()) {
        throw new WorkflowTaskFailedError(
          `Nondeterminism replaying ${run.identity.workflowId}: recorded [${activation.expectedCommands.join(', ')}], now [${produced.join(', ')}] (use patched() for changes to running workflows)`,
        );
      }
    }
  }

  /**
   * A workflow task that failed (workflow code threw, or its journal write failed) leaves no trace: the
   * instance is dropped (rebuilt by replay next time), callers get the error, and the engine's own jobs
   * are kept and retried after a pause, as Temporal retries a failed workflow task.
   */
  private failTask(run: WorkflowRun, batch: JobItem[], err: unknown): void {
    // A store outage is the store's to report (the embedded server logs it, health answers 503) and each refused call's:
    // an error with a stack here, for every task retried meanwhile, would bury the one line that says why.
    if (err instanceof EngineUnavailableError) this.services.logger.debug('Workflow task not journaled: the store is unavailable', { workflowId: this.workflowId, runId: run.runId, reason: err.message });
    else this.services.logger.error('Workflow task failed', { workflowId: this.workflowId, runId: run.runId, error: err });
    run.dropSandbox();
    this.services.cache.delete(run.runId);
    const retried = batch.filter((item) => item.runId);
    for (const item of batch) {
      if (item.updateId) run.updates.delete(item.updateId);
      if (!item.runId) rejectItem(item, err);
    }
    this.mailbox.unshift(...retried);
    this.paused = true;
    this.retryTimer = this.services.clock.setTimer(TASK_RETRY_MS, () => {
      this.retryTimer = undefined;
      this.paused = false;
      this.kick();
    });
  }

  /** Appends to the journal, keeping track of the append until it settles (see stop()). */
  private append(records: JournalRecord[]): Promise<void> {
    const appended = this.services.journal.append(records);
    this.appending.add(appended);
    const settled = (): void => void this.appending.delete(appended);
    appended.then(settled, settled);
    return appended;
  }

  private carryOut(run: WorkflowRun, commands: Command[], now: number, closing: boolean): void {
    for (const command of commands) {
      if (command.updateResponse) this.answerUpdate(run, command.updateResponse);
      else if (closing) continue;
      // Stopping (the activation was under way): nothing new starts, as the next engine restores these from the journal.
      else if (this.stopped) continue;
      else if (command.startTimer) this.armTimer(run, command.startTimer.seq ?? 0, now + durationMs(command.startTimer.startToFireTimeout));
      else if (command.cancelTimer) this.cancelTimer(run, command.cancelTimer.seq ?? 0);
      else if (command.scheduleActivity) this.startActivity(run, command.scheduleActivity, now, 1);
      else if (command.requestCancelActivity) this.cancelActivity(run, command.requestCancelActivity.seq ?? 0);
      else if (!IGNORED_COMMANDS.some((variant) => command[variant] != null)) {
        this.services.logger.error('The embedded engine does not support this workflow command', { workflowId: this.workflowId, command: commandVariants([command]) });
      }
    }
  }

  private answerUpdate(run: WorkflowRun, response: coresdk.workflow_commands.IUpdateResponse): void {
    run.updateOutcomes.note(response);
    const id = response.protocolInstanceId ?? '';
    const waiter = run.updates.get(id);
    if (!waiter || response.accepted) return;
    run.updates.delete(id);
    if (response.rejected) waiter.reject(new UpdateRejectedError(response.rejected.message ?? 'update rejected', response.rejected.applicationFailureInfo?.type ?? undefined));
    else waiter.resolve(fromPayload(response.completed));
  }

  private armTimer(run: WorkflowRun, seq: number, dueAt: number): void {
    const { clock } = this.services;
    const handle = clock.setTimer(Math.max(0, dueAt - clock.now()), () => {
      run.timers.delete(seq);
      return this.deliver(run, fireTimerJob(seq));
    });
    run.timers.set(seq, handle);
  }

  private cancelTimer(run: WorkflowRun, seq: number): void {
    const handle = run.timers.get(seq);
    if (handle) this.services.clock.clearTimer(handle);
    run.timers.delete(seq);
  }

  private startActivity(
    run: WorkflowRun,
    command: coresdk.workflow_commands.IScheduleActivity,
    scheduledAt: number,
    firstAttempt: number,
    firstAttemptAt?: number,
  ): void {
    const seq = command.seq ?? 0;
    const { clock, logger } = this.services;
    const activity = this.services.activityRunner.start({
      workflowId: this.workflowId,
      runId: run.runId,
      workflowType: run.identity.workflowType,
      taskQueue: this.services.taskQueue,
      command,
      scheduledAt,
      firstAttempt,
      firstAttemptAt,
      onAttemptEnded: (outcome) => {
        // Stopping or stopped: the attempt goes unrecorded, so the next engine runs it again (as Temporal retries
        // an activity whose completion it never got), and no journal write starts while the engine shuts down.
        if (this.stopped) return;
        const now = clock.now();
        const record = run.record(
          {
            type: 'activity_attempt',
            activitySeq: seq,
            activityType: command.activityType ?? '',
            attempt: outcome.attempt,
            outcome: outcome.outcome,
            durationMs: outcome.durationMs,
            ...(outcome.failure ? { failure: failureToJson(outcome.failure) } : {}),
            ...(outcome.retryInMs !== undefined ? { retryInMs: outcome.retryInMs, retryAt: now + outcome.retryInMs } : {}),
            ...(outcome.resolution ? { resolution: resolutionToJson(outcome.resolution) } : {}),
          },
          now,
        );
        this.append([record]).catch((error: unknown) => logger.error('Could not journal an activity attempt', { workflowId: this.workflowId, error }));
      },
      onResolved: (resolution: ActivityResolution) => {
        if (run.activities.get(seq) !== activity) return;
        run.activities.delete(seq);
        void this.deliver(run, resolveActivityJob(seq, resolution));
      },
    });
    run.activities.set(seq, activity);
  }

  private cancelActivity(run: WorkflowRun, seq: number): void {
    const activity = run.activities.get(seq);
    if (!activity) return;
    if (activity.cancellationType !== CancellationType.ABANDON) activity.requestCancel();
    if (activity.cancellationType === CancellationType.WAIT_CANCELLATION_COMPLETED) return;
    run.activities.delete(seq);
    void this.deliver(run, resolveActivityJob(seq, cancelledResolution(activity.command)));
  }

  /** Ends the engine's work for a run: timers, activities, live instance, waiting update callers. */
  private release(run: WorkflowRun, updateError: Error, status?: RunStatus): void {
    if (status) run.status = status;
    for (const handle of run.timers.values()) this.services.clock.clearTimer(handle);
    run.timers.clear();
    for (const activity of run.activities.values()) activity.stop();
    run.activities.clear();
    for (const waiter of run.updates.values()) waiter.reject(updateError);
    run.updates.clear();
    run.dropSandbox();
    this.services.cache.delete(run.runId);
  }
}

/** Commands the embedded engine has nothing to do for (the journal keeps them). */
const IGNORED_COMMANDS = ['setPatchMarker', 'upsertWorkflowSearchAttributes', 'modifyWorkflowProperties', 'respondToQuery'] as const;

function closingOf(
  commands: Command[],
): { status: Exclude<RunStatus, 'running'>; continueAsNew?: coresdk.workflow_commands.IContinueAsNewWorkflowExecution } | undefined {
  for (const command of commands) {
    if (command.completeWorkflowExecution) return { status: 'completed' };
    if (command.failWorkflowExecution || command.cancelWorkflowExecution) return { status: 'failed' };
    if (command.continueAsNewWorkflowExecution) return { status: 'continued', continueAsNew: command.continueAsNewWorkflowExecution };
  }
  return undefined;
}

function rejectItem(item: Inbound, err: unknown): void {
  if (item.kind === 'query') item.waiter.reject(err);
  else {
    item.ack?.reject(err);
    item.updateWaiter?.reject(err);
  }
}

/** The store refused or could not be reached: the caller may retry later, as with a real Temporal server answering UNAVAILABLE. */
const storeUnavailable = (what: string, err: unknown): EngineUnavailableError => new EngineUnavailableError(`${what}: the store is unavailable (${String(err)})`, { cause: err });
