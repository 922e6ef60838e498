import proto, { type coresdk, type temporal } from '@temporalio/proto';
import { msToTimestamp, toPayloads } from '../proto-conversions';
import { historyInfo } from './history-length';
import type { RunIdentity } from './sandbox-factory';

/**
 * Builders of the activations the engine feeds to workflows (as Temporal's Core would). Jobs are protobuf
 * messages from the start, so the same object goes into the activation and into the journal (`toJSON()`)
 * without being converted twice.
 */

const { WorkflowActivationJob } = proto.coresdk.workflow_activation;
const { Timestamp } = proto.google.protobuf;

export type ActivationJob = coresdk.workflow_activation.IWorkflowActivationJob;
export type ActivityResolution = coresdk.activity_result.IActivityResolution;
type JobMessage = coresdk.workflow_activation.WorkflowActivationJob;

export interface ActivationInput {
  runId: string;
  time: number;
  jobs: ActivationJob[];
  isReplaying: boolean;
  /** History length the workflow task sees; absent when replaying journals written before it was recorded. */
  historyLength?: number;
  availableInternalFlags?: number[];
}

/**
 * A (non-query) activation. Only its timestamp needs to be a message here: the sandbox converts the
 * activation itself (`WorkflowActivation.fromObject`) and keeps jobs that already are messages as they are.
 */
export function workflowActivation(input: ActivationInput): coresdk.workflow_activation.IWorkflowActivation {
  return {
    runId: input.runId,
    timestamp: Timestamp.fromObject(msToTimestamp(input.time)),
    isReplaying: input.isReplaying,
    jobs: input.jobs,
    ...(input.historyLength === undefined ? {} : historyInfo(input.historyLength)),
    ...(input.availableInternalFlags ? { availableInternalFlags: input.availableInternalFlags } : {}),
  };
}

export function queryActivation(runId: string, job: ActivationJob): coresdk.workflow_activation.IWorkflowActivation {
  return { runId, jobs: [job] };
}

export function initializeJob(run: RunIdentity, args: temporal.api.common.v1.IPayload[]): JobMessage {
  return WorkflowActivationJob.fromObject({
    initializeWorkflow: {
      workflowType: run.workflowType,
      workflowId: run.workflowId,
      arguments: args,
      randomnessSeed: BigInt(`0x${run.randomnessSeed}`).toString(),
      firstExecutionRunId: run.firstExecutionRunId,
      continuedFromExecutionRunId: run.continuedFromRunId ?? '',
      attempt: 1,
      startTime: msToTimestamp(run.chainStartedAt),
    },
  });
}

export function signalJob(signalName: string, args: readonly unknown[]): JobMessage {
  return WorkflowActivationJob.fromObject({ signalWorkflow: { signalName, input: toPayloads(args), identity: 'embedded-engine' } });
}

export function updateJob(updateId: string, name: string, args: readonly unknown[]): JobMessage {
  return WorkflowActivationJob.fromObject({ doUpdate: { id: updateId, protocolInstanceId: updateId, name, input: toPayloads(args), runValidator: true } });
}

export function queryJob(queryId: string, queryType: string, args: readonly unknown[]): JobMessage {
  return WorkflowActivationJob.fromObject({ queryWorkflow: { queryId, queryType, arguments: toPayloads(args) } });
}

export function fireTimerJob(seq: number): JobMessage {
  return WorkflowActivationJob.fromObject({ fireTimer: { seq } });
}

export function resolveActivityJob(seq: number, result: ActivityResolution): JobMessage {
  return WorkflowActivationJob.fromObject({ resolveActivity: { seq, result } });
}

export function notifyHasPatchJob(patchId: string): JobMessage {
  return WorkflowActivationJob.fromObject({ notifyHasPatch: { patchId } });
}
