import { randomUUID } from 'node:crypto';
import type { coresdk, temporal } from '@temporalio/proto';

/** How an accepted Update ended: its result, or the failure its handler threw. */
export type UpdateOutcome = { completed: temporal.api.common.v1.IPayload | null | undefined } | { failed: { message: string; type?: string } };

const GENERATED = 'engine:';
/** Update ids the engine makes for callers that gave none: no one can send those again, so they are not kept. */
export const generatedUpdateId = (): string => `${GENERATED}${randomUUID()}`;

/**
 * The latest outcomes of one run's Updates by update id, so that an Update sent again with the id
 * of one that already ended gets that answer instead of running twice, as Temporal deduplicates
 * update ids within a run. Only ids a caller chose are kept, and only the latest: a client's retry
 * follows its first attempt closely, and a run can take thousands of Updates.
 */
export class UpdateOutcomes {
  static readonly KEPT = 32;
  private readonly byId = new Map<string, UpdateOutcome>();
  /** Accepted and not yet ended: only their end is an outcome (a validator's rejection is not). */
  private readonly accepted = new Set<string>();

  get(updateId: string): UpdateOutcome | undefined {
    return this.byId.get(updateId);
  }

  /** Accepted and not ended yet: its handler is still running (also after a restart, replayed). */
  isUnderWay(updateId: string): boolean {
    return this.accepted.has(updateId);
  }

  /** Takes note of an update response the workflow produced (live, or read back from the journal). */
  note(response: coresdk.workflow_commands.IUpdateResponse): void {
    const id = response.protocolInstanceId;
    if (!id || id.startsWith(GENERATED)) return;
    if (response.accepted) {
      this.accepted.add(id);
      return;
    }
    if (!this.accepted.delete(id)) return;
    const outcome: UpdateOutcome = response.rejected
      ? { failed: { message: response.rejected.message ?? 'update failed', ...(response.rejected.applicationFailureInfo?.type ? { type: response.rejected.applicationFailureInfo.type } : {}) } }
      : { completed: response.completed };
    this.byId.set(id, outcome);
    if (this.byId.size > UpdateOutcomes.KEPT) this.byId.delete(this.byId.keys().next().value as string);
  }
}
