import type { ProtoFailure } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { timestampToMs } from '../proto-conversions';

/** An activity retry policy with Temporal's server-side defaults filled in. */
export interface RetryPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** 0 means unlimited. */
  maximumAttempts: number;
  nonRetryableErrorTypes: string[];
}

export function retryPolicyFrom(proto: temporal.api.common.v1.IRetryPolicy | null | undefined): RetryPolicy {
  const initialIntervalMs = timestampToMs(proto?.initialInterval as never) || 1_000;
  return {
    initialIntervalMs,
    backoffCoefficient: proto?.backoffCoefficient || 2,
    maximumIntervalMs: timestampToMs(proto?.maximumInterval as never) || 100 * initialIntervalMs,
    maximumAttempts: proto?.maximumAttempts ?? 0,
    nonRetryableErrorTypes: proto?.nonRetryableErrorTypes ?? [],
  };
}

/** Whether the failure of `attempt` may be retried, by the failure itself and by the policy. */
export function isRetryable(policy: RetryPolicy, failure: ProtoFailure, attempt: number): boolean {
  const info = failure.applicationFailureInfo;
  if (info?.nonRetryable) return false;
  if (info?.type && policy.nonRetryableErrorTypes.includes(info.type)) return false;
  return policy.maximumAttempts === 0 || attempt < policy.maximumAttempts;
}

/** Delay before the attempt after `attempt`; an ApplicationFailure's `nextRetryDelay` wins. */
export function backoffMs(policy: RetryPolicy, failure: ProtoFailure, attempt: number): number {
  const requested = timestampToMs(failure.applicationFailureInfo?.nextRetryDelay as never);
  if (requested !== undefined) return requested;
  return Math.min(policy.initialIntervalMs * policy.backoffCoefficient ** (attempt - 1), policy.maximumIntervalMs);
}
