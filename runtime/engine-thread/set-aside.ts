/**
 * Workflows whose code ran without returning, which ended the engine thread (index.ts): their calls
 * are refused for a while, twice as long each time it happens again, so that one workflow (a plugin
 * hook that loops on some item, its signal sent again by the server's outbox) cannot keep stopping
 * the engine for every other. The server's callers retry: an owed signal stays in its outbox.
 */
import type { SetAsideWorkflow } from '../engine/embedded/set-aside-journal';
import { WorkflowSetAsideError } from '../engine/errors';

const SET_ASIDE_MS = { first: 60_000, max: 3_600_000 };

export class SetAside {
  /** Kept for good (a handful at most): how often a workflow was set aside decides the next time's length. */
  private readonly entries = new Map<string, SetAsideWorkflow & { times: number }>();

  /** Sets `workflowId` aside for what its code did (`why`, for its audit trail); how long for. */
  add(workflowId: string, why: string, now = Date.now()): number {
    const times = (this.entries.get(workflowId)?.times ?? 0) + 1;
    const forMs = Math.min(SET_ASIDE_MS.first * 2 ** (times - 1), SET_ASIDE_MS.max);
    this.entries.set(workflowId, { until: now + forMs, why, times });
    return forMs;
  }

  /** The workflows set aside now, with when each may run again and why (for the engine's next thread: it leaves their runs unrestored until then). */
  active(now = Date.now()): Map<string, SetAsideWorkflow> {
    return new Map([...this.entries].filter(([, entry]) => now < entry.until).map(([workflowId, { until, why }]) => [workflowId, { until, why }]));
  }

  /** Throws while `workflowId` is set aside. */
  check(workflowId: string, now = Date.now()): void {
    const entry = this.entries.get(workflowId);
    if (!entry || now >= entry.until) return;
    throw new WorkflowSetAsideError(workflowId, new Date(entry.until));
  }
}
