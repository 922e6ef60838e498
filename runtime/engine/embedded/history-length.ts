import type { coresdk } from '@temporalio/proto';

type Job = coresdk.workflow_activation.IWorkflowActivationJob;
type Command = coresdk.workflow_commands.IWorkflowCommand;

/**
 * Temporal's history length (`workflowInfo().historyLength`), approximated from what the embedded engine
 * journals, counting events as the Temporal server writes them:
 * - WorkflowExecutionStarted opens the run;
 * - per workflow task, the events that caused it (a signal or a timer firing: one; an activity's end: two,
 *   started and completed or failed; its cancellation: one), then WorkflowTaskScheduled and
 *   WorkflowTaskStarted: the activation sees the length up to here;
 * - after it, WorkflowTaskCompleted and one event per command (timer started, activity scheduled, update
 *   accepted, update completed, marker...), except query answers and updates their validator rejected.
 * Retried activity attempts leave no events, as in Temporal. History size is not estimated (it stays 0,
 * which the SDK reads as "unknown").
 */
export const RUN_STARTED_HISTORY_LENGTH = 1;

/** Temporal's default `limit.historyCount.suggestContinueAsNew`: the server suggests continue-as-new from this length. */
export const SUGGEST_CONTINUE_AS_NEW_AT = 4 * 1024;

/** `SUGGEST_CONTINUE_AS_NEW_REASON_TOO_MANY_HISTORY_EVENTS`. */
const TOO_MANY_HISTORY_EVENTS = 2;

/** The length a workflow task sees, from the length after the previous one and the jobs it delivers. */
export function historyLengthSeenBy(lengthBefore: number, jobs: readonly Job[]): number {
  let events = 2;
  for (const job of jobs) {
    if (job.signalWorkflow || job.fireTimer || job.cancelWorkflow) events += 1;
    else if (job.resolveActivity) events += job.resolveActivity.result?.cancelled ? 1 : 2;
  }
  return lengthBefore + events;
}

/** The length once the task's completion is recorded. */
export function historyLengthAfter(seen: number, jobs: readonly Job[], commands: readonly Command[]): number {
  const validatorRejections = updatesRejectedByValidator(jobs, commands);
  let events = 1;
  for (const command of commands) {
    if (command.respondToQuery) continue;
    if (command.updateResponse?.rejected && validatorRejections.has(command.updateResponse.protocolInstanceId ?? '')) continue;
    events += 1;
  }
  return seen + events;
}

/** What the activation tells the workflow about its history (`workflowInfo()`). */
export function historyInfo(length: number): { historyLength: number; continueAsNewSuggested: boolean; suggestContinueAsNewReasons?: number[] } {
  return length >= SUGGEST_CONTINUE_AS_NEW_AT
    ? { historyLength: length, continueAsNewSuggested: true, suggestContinueAsNewReasons: [TOO_MANY_HISTORY_EVENTS] }
    : { historyLength: length, continueAsNewSuggested: false };
}

/** Updates delivered in this task and rejected without having been accepted. */
function updatesRejectedByValidator(jobs: readonly Job[], commands: readonly Command[]): Set<string> {
  const delivered = new Set<string>();
  for (const job of jobs) if (job.doUpdate?.protocolInstanceId) delivered.add(job.doUpdate.protocolInstanceId);
  const rejected = new Set<string>();
  if (delivered.size === 0) return rejected;
  const accepted = new Set<string>();
  for (const { updateResponse } of commands) {
    const id = updateResponse?.protocolInstanceId;
    if (!id || !delivered.has(id)) continue;
    if (updateResponse.accepted) accepted.add(id);
    else if (updateResponse.rejected && !accepted.has(id)) rejected.add(id);
  }
  return rejected;
}
