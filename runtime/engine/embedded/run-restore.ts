import type { coresdk, temporal } from '@temporalio/proto';
import type { JournalRecord, RunStartedRecord } from '../journal-store';
import type { ActivityResolution } from './activation-jobs';
import { commandFromJson, durationMs, jobFromJson, payloadFromJson, resolutionFromJson } from '../proto-conversions';
import { historyLengthAfter, historyLengthSeenBy, RUN_STARTED_HISTORY_LENGTH } from './history-length';
import { identityOf } from './replay';
import type { RunIdentity } from './sandbox-factory';
import { UpdateOutcomes } from './update-outcomes';

export interface PendingTimer {
  seq: number;
  dueAt: number;
}

export interface PendingActivity {
  seq: number;
  command: coresdk.workflow_commands.IScheduleActivity;
  scheduledAt: number;
  /** The attempt to run next. */
  nextAttempt: number;
  /** When that attempt is due, if it follows a retry backoff. */
  nextAttemptAt?: number;
  /** The recorded end of the activity, not yet delivered to the workflow. */
  resolution?: ActivityResolution;
  cancelRequested: boolean;
}

/** What an open run was waiting for when the process stopped, read back from its journal. */
export interface RestoredRun {
  identity: RunIdentity;
  initialized: boolean;
  /** The workflow's arguments, when its first activation has yet to happen. */
  initArgs?: temporal.api.common.v1.IPayload[];
  nextSeq: number;
  /** History length after the last journaled workflow task. */
  historyLength: number;
  timers: PendingTimer[];
  activities: PendingActivity[];
  updateOutcomes: UpdateOutcomes;
}

export function restoreRun(records: readonly JournalRecord[]): RestoredRun {
  const started = records.find((r): r is RunStartedRecord => r.type === 'run_started');
  if (!started) throw new Error('Journal of the run has no run_started record');
  const timers = new Map<number, PendingTimer>();
  const activities = new Map<number, PendingActivity>();
  const updateOutcomes = new UpdateOutcomes();
  let initialized = false;
  let historyLength = RUN_STARTED_HISTORY_LENGTH;
  for (const record of records) {
    if (record.type === 'activity_attempt') {
      const activity = activities.get(record.activitySeq);
      if (!activity) continue;
      activity.nextAttempt = record.attempt + 1;
      if (record.retryInMs !== undefined) activity.nextAttemptAt = record.retryAt ?? record.time + record.retryInMs;
      if (record.resolution) activity.resolution = resolutionFromJson(record.resolution);
    }
    if (record.type !== 'activation') continue;
    initialized = true;
    const jobs = record.jobs.map(jobFromJson);
    const commands = record.commands.map(commandFromJson);
    historyLength = historyLengthAfter(record.historyLength ?? historyLengthSeenBy(historyLength, jobs), jobs, commands);
    for (const job of jobs) {
      if (job.fireTimer) timers.delete(job.fireTimer.seq ?? 0);
      if (job.resolveActivity) activities.delete(job.resolveActivity.seq ?? 0);
    }
    for (const command of commands) {
      if (command.updateResponse) updateOutcomes.note(command.updateResponse);
      if (command.startTimer) timers.set(command.startTimer.seq ?? 0, { seq: command.startTimer.seq ?? 0, dueAt: record.time + durationMs(command.startTimer.startToFireTimeout) });
      if (command.cancelTimer) timers.delete(command.cancelTimer.seq ?? 0);
      if (command.scheduleActivity) {
        const seq = command.scheduleActivity.seq ?? 0;
        activities.set(seq, { seq, command: command.scheduleActivity, scheduledAt: record.time, nextAttempt: 1, cancelRequested: false });
      }
      const cancelled = command.requestCancelActivity && activities.get(command.requestCancelActivity.seq ?? 0);
      if (cancelled) cancelled.cancelRequested = true;
    }
  }
  return {
    identity: identityOf(started),
    initialized,
    ...(initialized ? {} : { initArgs: started.args.map(payloadFromJson) }),
    nextSeq: (records.at(-1)?.seq ?? 0) + 1,
    historyLength,
    timers: [...timers.values()],
    activities: [...activities.values()],
    updateOutcomes,
  };
}
