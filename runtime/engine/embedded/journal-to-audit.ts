import type { coresdk } from '@temporalio/proto';
import { actorOf, formatDuration, summarize, summarizeArgs, type AuditActor, type UnnumberedAuditEntry } from '../audit';
import type { ActivityAttemptRecord, JournalRecord } from '../journal-store';
import { commandFromJson, durationMs, fromPayload, fromPayloads, jobFromJson, payloadFromJson, resolutionFromJson } from '../proto-conversions';

type Command = coresdk.workflow_commands.IWorkflowCommand;
type Job = coresdk.workflow_activation.IWorkflowActivationJob;

/** Turns one run's journal into audit entries, in the order things happened. */
export function journalToAudit(records: readonly JournalRecord[]): UnnumberedAuditEntry[] {
  const entries: UnnumberedAuditEntry[] = [];
  const updates = new Map<string, Update>();
  const timers = new Map<number, string | undefined>();
  // Activity ids by seq: attempts and cancellations name the activity by its seq.
  const activityIds = new Map<number, string>();
  for (const record of records) {
    const base = { time: new Date(record.time).toISOString(), runId: record.runId };
    if (record.type === 'run_started') {
      const args = record.args.map((p) => fromPayload(payloadFromJson(p)));
      entries.push({ ...base, kind: 'workflow_started', name: record.workflowType, summary: summarize(args), details: { args } });
    } else if (record.type === 'task_failed') {
      entries.push({ ...base, kind: 'workflow_task_failed', summary: record.message, details: { failure: record.message } });
    } else if (record.type === 'activity_attempt') {
      const entry = attemptEntry(record, activityIds.get(record.activitySeq) ?? String(record.activitySeq));
      if (entry) entries.push({ ...base, ...entry });
    } else if (record.type === 'activation') {
      const commands = record.commands.map(commandFromJson);
      for (const job of record.jobs.map(jobFromJson)) {
        const entry = jobEntry(job, commands, updates, timers, activityIds);
        if (entry) entries.push({ ...base, ...entry });
      }
      for (const command of commands) {
        const entry = commandEntry(command, updates, timers, activityIds);
        if (entry) entries.push({ ...base, ...entry });
      }
    }
  }
  return entries;
}

type EntryBody = Omit<UnnumberedAuditEntry, 'time' | 'runId'>;
type Update = { name: string; actor?: AuditActor; updateId: string };

function jobEntry(job: Job, commands: Command[], updates: Map<string, Update>, timers: Map<number, string | undefined>, activityIds: Map<number, string>): EntryBody | undefined {
  if (job.signalWorkflow) {
    const args = fromPayloads(job.signalWorkflow.input);
    return { kind: 'signal_received', name: job.signalWorkflow.signalName ?? undefined, actor: actorOf(args), summary: summarizeArgs(args), details: { args } };
  }
  if (job.doUpdate) {
    const { protocolInstanceId, name, id } = job.doUpdate;
    const args = fromPayloads(job.doUpdate.input);
    const update = { name: name ?? '', actor: actorOf(args), updateId: id ?? protocolInstanceId ?? '' };
    const response = commands.find((c) => c.updateResponse?.protocolInstanceId === protocolInstanceId)?.updateResponse;
    if (response?.rejected) {
      const message = response.rejected.message ?? 'rejected';
      return { kind: 'update_rejected', ...update, summary: message, details: { args, failure: message } };
    }
    updates.set(protocolInstanceId ?? '', update);
    return { kind: 'update_accepted', ...update, summary: summarizeArgs(args), details: { args } };
  }
  if (job.fireTimer) {
    const seq = job.fireTimer.seq ?? 0;
    return { kind: 'timer_fired', name: timers.get(seq), timerId: String(seq) };
  }
  if (job.resolveActivity?.result?.cancelled) {
    const seq = job.resolveActivity.seq ?? 0;
    return { kind: 'activity_cancelled', summary: 'cancelled at the workflow’s request', activityId: activityIds.get(seq) ?? String(seq) };
  }
  return undefined;
}

function commandEntry(command: Command, updates: Map<string, Update>, timers: Map<number, string | undefined>, activityIds: Map<number, string>): EntryBody | undefined {
  if (command.scheduleActivity) {
    const { seq, activityId, activityType } = command.scheduleActivity;
    const args = fromPayloads(command.scheduleActivity.arguments);
    const id = activityId || String(seq ?? 0);
    activityIds.set(seq ?? 0, id);
    return { kind: 'activity_scheduled', name: activityType ?? undefined, summary: summarize(args), activityId: id, details: { args } };
  }
  if (command.startTimer) {
    const seq = command.startTimer.seq ?? 0;
    const name = command.userMetadata?.summary ? String(fromPayload(command.userMetadata.summary)) : undefined;
    timers.set(seq, name);
    return { kind: 'timer_started', name, summary: formatDuration(durationMs(command.startTimer.startToFireTimeout)), timerId: String(seq) };
  }
  if (command.cancelTimer) {
    const seq = command.cancelTimer.seq ?? 0;
    return { kind: 'timer_cancelled', name: timers.get(seq), timerId: String(seq) };
  }
  if (command.updateResponse) {
    const update = updates.get(command.updateResponse.protocolInstanceId ?? '');
    if (!update) return undefined;
    if (command.updateResponse.completed) {
      const result = fromPayload(command.updateResponse.completed);
      return { kind: 'update_completed', ...update, summary: summarize(result), details: { result } };
    }
    if (command.updateResponse.rejected) {
      const message = command.updateResponse.rejected.message ?? 'failed';
      return { kind: 'update_rejected', ...update, summary: message, details: { failure: message } };
    }
    return undefined;
  }
  if (command.completeWorkflowExecution) {
    const result = fromPayload(command.completeWorkflowExecution.result);
    return { kind: 'workflow_completed', summary: summarize(result), details: { result } };
  }
  if (command.failWorkflowExecution) {
    const message = command.failWorkflowExecution.failure?.message ?? 'failed';
    return { kind: 'workflow_failed', summary: message, details: { failure: message } };
  }
  if (command.continueAsNewWorkflowExecution) {
    const args = fromPayloads(command.continueAsNewWorkflowExecution.arguments);
    return { kind: 'continued_as_new', name: command.continueAsNewWorkflowExecution.workflowType ?? undefined, summary: summarize(args), details: { args } };
  }
  return undefined;
}

function attemptEntry(record: ActivityAttemptRecord, activityId: string): EntryBody | undefined {
  const common = { name: record.activityType, attempt: record.attempt, durationMs: record.durationMs, activityId };
  if (record.outcome === 'completed') {
    const result = record.resolution ? fromPayload(resolutionFromJson(record.resolution).completed?.result) : undefined;
    return { kind: 'activity_completed', ...common, summary: summarize(result), details: { result } };
  }
  if (record.outcome !== 'failed') return undefined;
  const message = String(record.failure?.message ?? 'failed');
  if (record.retryInMs !== undefined) {
    return { kind: 'activity_retrying', ...common, summary: `${message}; retry in ${formatDuration(record.retryInMs)}`, details: { failure: message, retryInMs: record.retryInMs } };
  }
  return { kind: 'activity_failed', ...common, summary: message, details: { failure: message } };
}
