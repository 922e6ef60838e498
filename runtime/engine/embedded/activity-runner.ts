import type { Info as ActivityInfo } from '@temporalio/activity';
import { CancelledFailure, type Logger, type ProtoFailure } from '@temporalio/common';
import type { coresdk } from '@temporalio/proto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Clock, TimerHandle } from '../clock';
import type { ActivityResolution } from './activation-jobs';
import type { CodeMarker } from './workflow-execution';
import { errorToFailure, fromPayloads, timestampToMs, toPayloads } from '../proto-conversions';
import { backoffMs, isRetryable, retryPolicyFrom, type RetryPolicy } from './retry-policy';

export type ActivityFunction = (...args: any[]) => Promise<unknown>;
type ScheduleActivity = coresdk.workflow_commands.IScheduleActivity;

export interface ActivityTask {
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  command: ScheduleActivity;
  /** When the workflow scheduled it (epoch ms, engine clock). */
  scheduledAt: number;
  /** 1, or later when resuming after a restart. */
  firstAttempt: number;
  /** When the first attempt may start (epoch ms, engine clock): the end of a retry backoff a restart interrupted. */
  firstAttemptAt?: number;
  /** Called at the end of every attempt, before any retry starts or the activity resolves. */
  onAttemptEnded(outcome: AttemptOutcome): void;
  /** Called once with what the workflow gets back. */
  onResolved(resolution: ActivityResolution): void;
}

export interface AttemptOutcome {
  attempt: number;
  outcome: 'completed' | 'failed' | 'cancelled';
  durationMs: number;
  failure?: ProtoFailure;
  retryInMs?: number;
  /** Set when this attempt ends the activity. */
  resolution?: ActivityResolution;
}

/** What the workflow's `requestCancelActivity` does, per the activity's cancellation type. */
export enum CancellationType {
  TRY_CANCEL = 0,
  WAIT_CANCELLATION_COMPLETED = 1,
  ABANDON = 2,
}

export interface RunningActivity {
  readonly command: ScheduleActivity;
  readonly cancellationType: CancellationType;
  /** Cancels the running attempt through its activity Context (no retry follows). */
  requestCancel(): void;
  /** Stops without reporting anything (engine shutdown, or the run closed). */
  stop(): void;
}

/**
 * Runs activity functions as a Temporal worker would: in an activity Context (`Context.current()` works,
 * cancellation included), with the schedule's retry policy and start-to-close / schedule-to-close timeouts,
 * backoff timed by the engine's clock.
 */
export class ActivityRunner {
  constructor(
    private readonly activities: Record<string, ActivityFunction>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Told whose activity runs, as of workflow code: a plugin effect that loops holds the engine's thread as much. */
    private readonly runningCode?: CodeMarker,
  ) {}

  start(task: ActivityTask): RunningActivity {
    const execution = new ActivityExecution(task, this.activities[task.command.activityType ?? ''], this.clock, this.logger, this.runningCode);
    void execution.run();
    return execution;
  }
}

type AttemptResult = { kind: 'completed'; value: unknown } | { kind: 'failed'; failure: ProtoFailure; timedOut?: 'START_TO_CLOSE' | 'SCHEDULE_TO_CLOSE' } | { kind: 'cancelled' };

class ActivityExecution implements RunningActivity {
  readonly cancellationType: CancellationType;
  private readonly policy: RetryPolicy;
  private readonly startToCloseMs: number;
  private readonly deadline: number | undefined;
  private cancelCurrent?: () => void;
  private backoff?: { handle: TimerHandle; wake: () => void };
  private cancelRequested = false;
  private stopped = false;

  constructor(
    private readonly task: ActivityTask,
    private readonly fn: ActivityFunction | undefined,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly runningCode?: CodeMarker,
  ) {
    const { command } = task;
    this.cancellationType = cancellationTypeOf(command);
    this.policy = retryPolicyFrom(command.retryPolicy);
    const scheduleToCloseMs = timestampToMs(command.scheduleToCloseTimeout as never) || undefined;
    this.startToCloseMs = timestampToMs(command.startToCloseTimeout as never) || scheduleToCloseMs || 10 * 60_000;
    this.deadline = scheduleToCloseMs === undefined ? undefined : task.scheduledAt + scheduleToCloseMs;
  }

  get command(): ScheduleActivity {
    return this.task.command;
  }

  requestCancel(): void {
    this.cancelRequested = true;
    this.cancelCurrent?.();
    this.backoff?.wake();
  }

  stop(): void {
    this.stopped = true;
    this.requestCancel();
  }

  async run(): Promise<void> {
    const wait = (this.task.firstAttemptAt ?? 0) - this.clock.now();
    if (wait > 0) await this.sleep(wait);
    for (let attempt = this.task.firstAttempt; ; attempt++) {
      // Tracked through to its report, so a ManualClock does not overtake the attempt's real work.
      const ended = this.attemptAndReport(attempt);
      this.clock.trackWork?.(ended);
      const retryInMs = await ended;
      if (retryInMs === undefined) return;
      await this.sleep(retryInMs);
    }
  }

  /** Runs one attempt and reports how it ended; resolves to the backoff before the next attempt, if one follows. */
  private async attemptAndReport(attempt: number): Promise<number | undefined> {
    if (this.cancelRequested) return this.finish({ attempt, outcome: 'cancelled', durationMs: 0, resolution: cancelledResolution(this.task.command) });
    const startedAt = performance.now();
    const result = await this.runAttempt(attempt);
    const durationMs = Math.round(performance.now() - startedAt);
    if (result.kind === 'completed') {
      return this.finish({ attempt, outcome: 'completed', durationMs, resolution: { completed: { result: toPayloads([result.value])[0] } } });
    }
    if (result.kind === 'cancelled' || this.cancelRequested) {
      return this.finish({ attempt, outcome: 'cancelled', durationMs, resolution: cancelledResolution(this.task.command) });
    }
    const { failure } = result;
    const retryInMs = isRetryable(this.policy, failure, attempt) ? backoffMs(this.policy, failure, attempt) : undefined;
    const pastDeadline = this.deadline !== undefined && (retryInMs === undefined || this.clock.now() + retryInMs >= this.deadline);
    if (retryInMs === undefined || pastDeadline || result.timedOut === 'SCHEDULE_TO_CLOSE') {
      const retryState = pastDeadline || result.timedOut === 'SCHEDULE_TO_CLOSE' ? 'RETRY_STATE_TIMEOUT' : finalRetryState(this.policy, failure);
      return this.finish({ attempt, outcome: 'failed', durationMs, failure, resolution: { failed: { failure: activityFailure(this.task.command, failure, retryState) } } });
    }
    if (this.stopped) return undefined;
    this.task.onAttemptEnded({ attempt, outcome: 'failed', durationMs, failure, retryInMs });
    return retryInMs;
  }

  private finish(outcome: AttemptOutcome): undefined {
    if (this.stopped) return;
    this.task.onAttemptEnded(outcome);
    this.task.onResolved(outcome.resolution!);
  }

  private async runAttempt(attempt: number): Promise<AttemptResult> {
    if (!this.fn) {
      return { kind: 'failed', failure: errorToFailure(new Error(`Activity function ${this.task.command.activityType} is not registered with the engine`)) };
    }
    const env = new MockActivityEnvironment(this.activityInfo(attempt), { logger: this.logger });
    const remaining = this.deadline === undefined ? Infinity : this.deadline - this.clock.now();
    const timeoutMs = Math.min(this.startToCloseMs, remaining);
    let timer: TimerHandle | undefined;
    return new Promise<AttemptResult>((resolve) => {
      timer = this.clock.setTimer(timeoutMs, () => {
        env.cancel('TIMED_OUT');
        const timeoutType = timeoutMs === this.startToCloseMs ? 'START_TO_CLOSE' : 'SCHEDULE_TO_CLOSE';
        resolve({ kind: 'failed', timedOut: timeoutType, failure: { message: 'activity timeout', timeoutFailureInfo: { timeoutType: `TIMEOUT_TYPE_${timeoutType}` as never } } });
      });
      this.cancelCurrent = () => env.cancel('CANCELLED');
      const args = fromPayloads(this.task.command.arguments);
      // The function's synchronous part (up to its first await) is marked: a hook it calls straight away runs in it.
      // Only the call is: the `then` below, the engine's own code, is scheduled outside the activity's scope.
      const started = () => env.run(this.fn!, ...args);
      (this.runningCode ? this.runningCode.runActivity(this.task.workflowId, started) : started()).then(
        (value) => resolve({ kind: 'completed', value }),
        (err: unknown) => resolve(err instanceof CancelledFailure && this.cancelRequested ? { kind: 'cancelled' } : { kind: 'failed', failure: errorToFailure(err) }),
      );
    }).finally(() => {
      this.clock.clearTimer(timer!);
      this.cancelCurrent = undefined;
    });
  }

  private async sleep(ms: number): Promise<void> {
    // Cancelled (or stopped) since the attempt ended, before there was a backoff to wake: the next attempt reports it at once.
    if (this.cancelRequested) return;
    await new Promise<void>((wake) => {
      const handle = this.clock.setTimer(ms, wake);
      this.backoff = {
        handle,
        wake: () => {
          this.clock.clearTimer(handle);
          wake();
        },
      };
    });
    this.backoff = undefined;
  }

  private activityInfo(attempt: number): Partial<ActivityInfo> {
    const { task } = this;
    const { command } = task;
    const taskToken = Buffer.from(`${task.workflowId}/${task.runId}/${command.seq}/${attempt}`);
    return {
      taskToken,
      base64TaskToken: taskToken.toString('base64'),
      activityId: command.activityId ?? String(command.seq),
      activityType: command.activityType ?? '',
      attempt,
      isLocal: false,
      workflowExecution: { workflowId: task.workflowId, runId: task.runId },
      workflowType: task.workflowType,
      taskQueue: task.taskQueue,
      scheduledTimestampMs: task.scheduledAt,
      currentAttemptScheduledTimestampMs: this.clock.now(),
      startToCloseTimeoutMs: this.startToCloseMs,
      scheduleToCloseTimeoutMs: this.deadline === undefined ? 0 : this.deadline - task.scheduledAt,
      heartbeatTimeoutMs: timestampToMs(command.heartbeatTimeout as never) || undefined,
      inWorkflow: true,
    };
  }
}

export function cancellationTypeOf(command: ScheduleActivity): CancellationType {
  return (command.cancellationType as number | null | undefined) ?? CancellationType.TRY_CANCEL;
}

/** What the workflow gets for an activity cancelled at its request. */
export function cancelledResolution(command: ScheduleActivity): ActivityResolution {
  const cause: ProtoFailure = { message: 'Activity cancelled', canceledFailureInfo: {} };
  return { cancelled: { failure: activityFailure(command, cause, 'RETRY_STATE_CANCEL_REQUESTED') } };
}

/** Wraps an attempt's failure the way Temporal reports an activity's end to the workflow (ActivityFailure). */
function activityFailure(command: ScheduleActivity, cause: ProtoFailure, retryState: string): ProtoFailure {
  return {
    message: cause.canceledFailureInfo ? 'Activity cancelled' : 'Activity task failed',
    cause,
    activityFailureInfo: { activityId: command.activityId, activityType: { name: command.activityType }, identity: 'embedded-engine', retryState: retryState as never },
  };
}

function finalRetryState(policy: RetryPolicy, failure: ProtoFailure): string {
  const info = failure.applicationFailureInfo;
  if (info?.nonRetryable || (info?.type && policy.nonRetryableErrorTypes.includes(info.type))) return 'RETRY_STATE_NON_RETRYABLE_FAILURE';
  return 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED';
}

