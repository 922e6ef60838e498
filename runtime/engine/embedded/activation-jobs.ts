import type { coresdk, temporal } from '@temporalio/proto';
import { msToTimestamp, toPayloads } from '../proto-conversions';
import type { RunIdentity } from './sandbox-factory';

/** Builders of the activation jobs the engine feeds to workflows (as Temporal's Core would). */

export type ActivationJob = coresdk.workflow_activation.IWorkflowActivationJob;
export type ActivityResolution = coresdk.activity_result.IActivityResolution;

export function initializeJob(run: RunIdentity, args: temporal.api.common.v1.IPayload[]): ActivationJob {
  return {
    initializeWorkflow: {
      workflowType: run.workflowType,
      workflowId: run.workflowId,
      arguments: args,
      randomnessSeed: BigInt(`0x${run.randomnessSeed}`).toString() as never,
      firstExecutionRunId: run.firstExecutionRunId,
      continuedFromExecutionRunId: run.continuedFromRunId ?? '',
      attempt: 1,
      startTime: msToTimestamp(run.chainStartedAt) as never,
    },
  };
}

export function signalJob(signalName: string, args: readonly unknown[]): ActivationJob {
  return { signalWorkflow: { signalName, input: toPayloads(args), identity: 'embedded-engine' } };
}

export function updateJob(updateId: string, name: string, args: readonly unknown[]): ActivationJob {
  return { doUpdate: { id: updateId, protocolInstanceId: updateId, name, input: toPayloads(args), runValidator: true } };
}

export function queryJob(queryId: string, queryType: string, args: readonly unknown[]): ActivationJob {
  return { queryWorkflow: { queryId, queryType, arguments: toPayloads(args) } };
}

export function fireTimerJob(seq: number): ActivationJob {
  return { fireTimer: { seq } };
}

export function resolveActivityJob(seq: number, result: ActivityResolution): ActivationJob {
  return { resolveActivity: { seq, result } };
}

export function notifyHasPatchJob(patchId: string): ActivationJob {
  return { notifyHasPatch: { patchId } };
}
