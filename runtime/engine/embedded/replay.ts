import type { JournalRecord, RunStartedRecord } from '../journal-store';
import { initializeJob, notifyHasPatchJob, type ActivationJob } from './activation-jobs';
import type { RunIdentity } from './sandbox-factory';
import { commandFromJson, jobFromJson, payloadFromJson } from '../proto-conversions';

/** One recorded activation, as it is fed again to a fresh workflow instance. */
export interface ReplayActivation {
  time: number;
  jobs: ActivationJob[];
  /** SDK flags known at this point, as Core would pass them from history. */
  flags: number[];
  /** Command variants the original activation produced (to detect nondeterminism). */
  expectedCommands: string[];
  /** The history length the original activation saw, when recorded. */
  historyLength?: number;
}

/**
 * Turns a run's journal into the activations that rebuild its state, as Core replays history:
 * updates rejected by their validator are left out (they leave no trace in Temporal's history either),
 * accepted ones are replayed without their validator, and a patch is announced in the activation
 * that first recorded its marker.
 */
export function replayActivations(records: readonly JournalRecord[]): ReplayActivation[] {
  const started = records.find((r): r is RunStartedRecord => r.type === 'run_started');
  if (!started) throw new Error('Journal of the run has no run_started record');
  const flags = new Set<number>();
  const replay: ReplayActivation[] = [];
  for (const record of records) {
    if (record.type !== 'activation') continue;
    for (const flag of record.flags) flags.add(flag);
    const commands = record.commands.map(commandFromJson);
    const rejectedUpdates = validatorRejections(commands);
    const patches = commands.flatMap((c) => (c.setPatchMarker?.patchId ? [notifyHasPatchJob(c.setPatchMarker.patchId)] : []));
    const jobs = record.jobs
      .map(jobFromJson)
      .filter((job) => !(job.doUpdate && rejectedUpdates.has(job.doUpdate.protocolInstanceId ?? '')))
      .map((job): ActivationJob => (job.doUpdate ? { doUpdate: { ...job.doUpdate, runValidator: false } } : job));
    const init = record.initializes ? [initializeJob(identityOf(started), started.args.map(payloadFromJson))] : [];
    replay.push({
      time: record.time,
      jobs: [...patches, ...init, ...jobs],
      flags: [...flags],
      expectedCommands: commandVariants(commands),
      historyLength: record.historyLength,
    });
  }
  return replay;
}

/**
 * Command variants that must come back the same on replay (responses to queries and updates may
 * not), an activity's with its type, as Temporal compares them: `scheduleActivity:recordEvents`.
 */
export function commandVariants(commands: readonly object[]): string[] {
  return commands
    .map((command) => {
      const [variant, value] = Object.entries(command).find(([key, value]) => key !== 'userMetadata' && key !== 'eventGroupMarkers' && value != null) ?? ['?', undefined];
      const activityType = variant === 'scheduleActivity' ? (value as { activityType?: string }).activityType : undefined;
      return activityType ? `${variant}:${activityType}` : variant;
    })
    .filter((variant) => variant !== 'updateResponse' && variant !== 'respondToQuery');
}

/** Updates whose validator rejected them in this activation (rejected without having been accepted). */
function validatorRejections(commands: ReturnType<typeof commandFromJson>[]): Set<string> {
  const accepted = new Set<string>();
  const rejected = new Set<string>();
  for (const { updateResponse } of commands) {
    if (!updateResponse?.protocolInstanceId) continue;
    if (updateResponse.accepted) accepted.add(updateResponse.protocolInstanceId);
    else if (updateResponse.rejected && !accepted.has(updateResponse.protocolInstanceId)) rejected.add(updateResponse.protocolInstanceId);
  }
  return rejected;
}

export function identityOf(started: RunStartedRecord): RunIdentity {
  return {
    workflowId: started.workflowId,
    runId: started.runId,
    workflowType: started.workflowType,
    firstExecutionRunId: started.firstExecutionRunId,
    continuedFromRunId: started.continuedFromRunId,
    chainStartedAt: started.chainStartedAt,
    runStartedAt: started.time,
    randomnessSeed: started.randomnessSeed,
  };
}
