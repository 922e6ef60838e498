import type { Client } from '@temporalio/client';
// The default export: the package is CommonJS, and Node's ESM loader finds no named `temporal` in it.
import proto, { type temporal } from '@temporalio/proto';
import { actorOf, formatDuration, summarize, summarizeArgs, type AuditActor, type AuditEntry, type UnnumberedAuditEntry } from './audit';
import { buildAuditTrail } from './audit-trail';
import { durationMs, fromPayload, fromPayloads, timestampToMs } from './proto-conversions';
import { runHistories } from './temporal-runs';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const Cause = proto.temporal.api.enums.v1.WorkflowTaskFailedCause;
/**
 * Workflow task failures Temporal records in the ordinary course (a signal or update that came as the
 * workflow completed, a worker's sticky queue reset, a reset or failover): nothing went wrong in the
 * workflow's code, and the trail leaves them out.
 */
const ROUTINE_TASK_FAILURES: ReadonlySet<number> = new Set([
  Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
  Cause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_UPDATE,
  Cause.WORKFLOW_TASK_FAILED_CAUSE_RESET_STICKY_TASK_QUEUE,
  Cause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
  Cause.WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND,
  Cause.WORKFLOW_TASK_FAILED_CAUSE_FAILOVER_CLOSE_COMMAND,
]);

type EntryBody = Omit<UnnumberedAuditEntry, 'time' | 'runId'>;

/** The audit trail of a workflow id on a real Temporal: every run, oldest first, from their histories; empty for an unknown id. */
export async function temporalAuditTrail(client: Client, workflowId: string): Promise<AuditEntry[]> {
  const runs = await runHistories(client, workflowId);
  return buildAuditTrail(runs.flatMap(({ runId, events }) => historyToAudit(runId, events)));
}

/** Maps one run's history events to audit entries. */
export function historyToAudit(runId: string, events: readonly HistoryEvent[]): UnnumberedAuditEntry[] {
  const activities = new Map<string, Activity>();
  const updates = new Map<string, Update>();
  const timers = new Map<string, string | undefined>();
  const entries: UnnumberedAuditEntry[] = [];
  for (const event of events) {
    const time = timestampToMs(event.eventTime as never) ?? 0;
    const body = eventEntry(event, time, { activities, updates, timers });
    if (body) entries.push({ time: new Date(time).toISOString(), runId, ...body });
  }
  return entries;
}

/** An activity by its scheduled event's id: its type and id, and its last attempt's start. */
type Activity = { name: string; activityId: string; startedAt?: number; attempt?: number; cancelRequested?: boolean };
type Update = { name: string; actor?: AuditActor; updateId: string };

interface Correlations {
  activities: Map<string, Activity>;
  updates: Map<string, Update>;
  timers: Map<string, string | undefined>;
}

function eventEntry(event: HistoryEvent, time: number, { activities, updates, timers }: Correlations): EntryBody | undefined {
  const id = String(event.eventId ?? '');
  const summaryOfEvent = event.userMetadata?.summary ? String(fromPayload(event.userMetadata.summary)) : undefined;

  const started = event.workflowExecutionStartedEventAttributes;
  if (started) {
    const args = fromPayloads(started.input?.payloads);
    return { kind: 'workflow_started', name: started.workflowType?.name ?? undefined, summary: summarize(args), details: { args } };
  }
  const signaled = event.workflowExecutionSignaledEventAttributes;
  if (signaled) {
    const args = fromPayloads(signaled.input?.payloads);
    return { kind: 'signal_received', name: signaled.signalName ?? undefined, actor: actorOf(args), summary: summarizeArgs(args), details: { args } };
  }
  const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
  if (accepted) {
    const input = accepted.acceptedRequest?.input;
    const args = fromPayloads(input?.args?.payloads);
    const updateId = accepted.acceptedRequest?.meta?.updateId ?? '';
    const update = { name: input?.name ?? '', actor: actorOf(args), updateId };
    updates.set(updateId, update);
    return { kind: 'update_accepted', ...update, summary: summarizeArgs(args), details: { args } };
  }
  const updateCompleted = event.workflowExecutionUpdateCompletedEventAttributes;
  if (updateCompleted) {
    const updateId = updateCompleted.meta?.updateId ?? '';
    const update = updates.get(updateId) ?? { name: '', updateId };
    const failure = updateCompleted.outcome?.failure;
    if (failure) return { kind: 'update_rejected', ...update, summary: failure.message ?? 'failed', details: { failure: failure.message } };
    const result = fromPayloads(updateCompleted.outcome?.success?.payloads)[0];
    return { kind: 'update_completed', ...update, summary: summarize(result), details: { result } };
  }
  // Workflow code that threw, or (the worker's deadlock detection) ran without returning.
  const taskFailed = event.workflowTaskFailedEventAttributes;
  if (taskFailed) {
    if (taskFailed.cause != null && ROUTINE_TASK_FAILURES.has(taskFailed.cause)) return undefined;
    const message = taskFailed.failure?.message ?? 'failed';
    return { kind: 'workflow_task_failed', summary: message, details: { failure: message } };
  }
  const scheduled = event.activityTaskScheduledEventAttributes;
  if (scheduled) {
    const args = fromPayloads(scheduled.input?.payloads);
    const activityId = scheduled.activityId || id;
    activities.set(id, { name: scheduled.activityType?.name ?? '', activityId });
    return { kind: 'activity_scheduled', name: scheduled.activityType?.name ?? undefined, summary: summarize(args), activityId, details: { args } };
  }
  const activityStarted = event.activityTaskStartedEventAttributes;
  if (activityStarted) {
    // History keeps only the last attempt; its predecessor's failure is reported as a retry.
    const activity = activities.get(String(activityStarted.scheduledEventId ?? ''));
    if (activity) Object.assign(activity, { startedAt: time, attempt: activityStarted.attempt ?? 1 });
    const lastFailure = activityStarted.lastFailure;
    if (!activity || !lastFailure || (activityStarted.attempt ?? 1) <= 1) return undefined;
    return { kind: 'activity_retrying', name: activity.name, activityId: activity.activityId, attempt: (activityStarted.attempt ?? 2) - 1, summary: lastFailure.message ?? 'failed', details: { failure: lastFailure.message } };
  }
  const cancelRequested = event.activityTaskCancelRequestedEventAttributes;
  if (cancelRequested) {
    // The workflow stops waiting for it when it asks (the SDK's default, TRY_CANCEL), as the embedded engine records it;
    // what the activity does after (completes, fails) is recorded too, and the workflow drops it.
    const activity = activities.get(String(cancelRequested.scheduledEventId ?? ''));
    if (activity) activity.cancelRequested = true;
    return { kind: 'activity_cancelled', name: activity?.name, activityId: activity?.activityId };
  }
  const activityEnd =
    event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes ?? event.activityTaskCanceledEventAttributes;
  if (activityEnd) {
    const activity: Partial<Activity> = activities.get(String(activityEnd.scheduledEventId ?? '')) ?? { name: '' };
    const common = { name: activity.name, activityId: activity.activityId, attempt: activity.attempt, durationMs: activity.startedAt === undefined ? undefined : time - activity.startedAt };
    if (event.activityTaskCompletedEventAttributes) {
      const result = fromPayloads(event.activityTaskCompletedEventAttributes.result?.payloads)[0];
      return { kind: 'activity_completed', ...common, summary: summarize(result), details: { result } };
    }
    // Told already when it was asked (above).
    if (event.activityTaskCanceledEventAttributes) return activity.cancelRequested ? undefined : { kind: 'activity_cancelled', ...common };
    const failure = event.activityTaskFailedEventAttributes?.failure ?? event.activityTaskTimedOutEventAttributes?.failure;
    return { kind: 'activity_failed', ...common, summary: failure?.message ?? 'failed', details: { failure: failure?.message } };
  }
  const timerStarted = event.timerStartedEventAttributes;
  if (timerStarted) {
    const timerId = timerStarted.timerId ?? '';
    timers.set(timerId, summaryOfEvent);
    return { kind: 'timer_started', name: summaryOfEvent, summary: formatDuration(durationMs(timerStarted.startToFireTimeout)), timerId };
  }
  const timerEnd = event.timerFiredEventAttributes ?? event.timerCanceledEventAttributes;
  if (timerEnd) {
    const timerId = timerEnd.timerId ?? '';
    return { kind: event.timerFiredEventAttributes ? 'timer_fired' : 'timer_cancelled', name: timers.get(timerId), timerId };
  }
  const continued = event.workflowExecutionContinuedAsNewEventAttributes;
  if (continued) {
    const args = fromPayloads(continued.input?.payloads);
    return { kind: 'continued_as_new', name: continued.workflowType?.name ?? undefined, summary: summarize(args), details: { args } };
  }
  if (event.workflowExecutionCompletedEventAttributes) {
    const result = fromPayloads(event.workflowExecutionCompletedEventAttributes.result?.payloads)[0];
    return { kind: 'workflow_completed', summary: summarize(result), details: { result } };
  }
  const failed = event.workflowExecutionFailedEventAttributes?.failure?.message ?? (event.workflowExecutionTimedOutEventAttributes ? 'timed out' : undefined);
  const ended = failed ?? (event.workflowExecutionTerminatedEventAttributes ? 'terminated' : event.workflowExecutionCanceledEventAttributes ? 'cancelled' : undefined);
  if (ended) return { kind: 'workflow_failed', summary: ended, details: { failure: ended } };
  return undefined;
}
