import {
  defaultFailureConverter,
  defaultPayloadConverter,
  ensureApplicationFailure,
  type ProtoFailure,
} from '@temporalio/common';
import proto, { type coresdk, type temporal } from '@temporalio/proto';
import type { ProtoJson } from './journal-store';

// @temporalio/proto is CommonJS without statically detectable named exports, so Node's ESM loader needs the default import.
const { coresdk: coresdkValues, temporal: temporalValues } = proto;

/** Conversions between JS values, protobuf messages and their JSON form, with the SDK's default converters. */

type Payload = temporal.api.common.v1.IPayload;
type Timestamp = { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined;

export function msToTimestamp(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

export function timestampToMs(ts: Timestamp): number | undefined {
  if (!ts) return undefined;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : (ts.seconds?.toNumber() ?? 0);
  return seconds * 1000 + Math.round((ts.nanos ?? 0) / 1e6);
}

/** A protobuf Duration (or Timestamp) in ms, 0 when absent. */
export function durationMs(duration: unknown): number {
  return timestampToMs(duration as Timestamp) ?? 0;
}

export function toPayloads(values: readonly unknown[]): Payload[] {
  return values.map((value) => defaultPayloadConverter.toPayload(value));
}

export function fromPayload(payload: Payload | null | undefined): unknown {
  return payload ? defaultPayloadConverter.fromPayload(payload as never) : undefined;
}

export function fromPayloads(payloads: readonly Payload[] | null | undefined): unknown[] {
  return (payloads ?? []).map(fromPayload);
}

export function payloadToJson(payload: Payload): ProtoJson {
  return temporalValues.api.common.v1.Payload.fromObject(payload).toJSON();
}

export function payloadFromJson(json: ProtoJson): Payload {
  return temporalValues.api.common.v1.Payload.fromObject(json);
}

export function jobToJson(job: coresdk.workflow_activation.IWorkflowActivationJob): ProtoJson {
  return coresdkValues.workflow_activation.WorkflowActivationJob.fromObject(job).toJSON();
}

export function jobFromJson(json: ProtoJson): coresdk.workflow_activation.WorkflowActivationJob {
  return coresdkValues.workflow_activation.WorkflowActivationJob.fromObject(json);
}

export function commandToJson(command: coresdk.workflow_commands.IWorkflowCommand): ProtoJson {
  return coresdkValues.workflow_commands.WorkflowCommand.fromObject(command).toJSON();
}

export function commandFromJson(json: ProtoJson): coresdk.workflow_commands.WorkflowCommand {
  return coresdkValues.workflow_commands.WorkflowCommand.fromObject(json);
}

export function resolutionToJson(resolution: coresdk.activity_result.IActivityResolution): ProtoJson {
  return coresdkValues.activity_result.ActivityResolution.fromObject(resolution).toJSON();
}

export function resolutionFromJson(json: ProtoJson): coresdk.activity_result.ActivityResolution {
  return coresdkValues.activity_result.ActivityResolution.fromObject(json);
}

export function failureToJson(failure: ProtoFailure): ProtoJson {
  return temporalValues.api.failure.v1.Failure.fromObject(failure).toJSON();
}

/** Any thrown value as a Temporal Failure (non-Temporal errors become retryable ApplicationFailures). */
export function errorToFailure(err: unknown): ProtoFailure {
  return defaultFailureConverter.errorToFailure(ensureApplicationFailure(err), defaultPayloadConverter);
}

/** The innermost message of a failure chain, which is what people want to read. */
export function rootMessage(failure: ProtoFailure | null | undefined): string {
  let current = failure;
  while (current?.cause) current = current.cause;
  return current?.message ?? 'unknown failure';
}
