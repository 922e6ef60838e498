/**
 * Gives an offline person's conversations back to the team (a team queue asks, once it has heard
 * them offline the website's grace): each open conversation assigned to them that a person must
 * answer (not the AI's) is unassigned by routing, and they leave it if they are in it, so it waits
 * for a person again and its workflow routes it back to its team's queue, not to them
 * (routing-notices.ts). As of that person (`expectedAssigneeId`): one someone else took meanwhile
 * stays theirs. A person in several teams is released by each of their queues; the second finds
 * nothing left.
 */
import { changeSet, conversationWorkflowId, getState, type ConversationSnapshot } from '../../workflows/conversation/definitions';
import type { LifecycleOperation } from '../../domain/operations';
import type { RoutingActivities } from '../../workflows/routing/activity-types';
import { ROUTING_ACTOR, type ConversationUpdateEngine } from './routing';

export interface OfflineReleaseDeps {
  engine: ConversationUpdateEngine;
  /** The website's grace (`releaseOfflineAssigneesAfterMinutes`); null: never. */
  releaseAfterMs(websiteId: string): Promise<number | null>;
  /** Ids of the open conversations assigned to the person, as the store's projections say. */
  openAssigned(websiteId: string, agentId: string): Promise<string[]>;
  /** When a person last assigned the conversation to them, if that is its newest assignment (store-lookups.ts). */
  assignedByPersonAt?(conversationId: string, agentId: string): Promise<string | undefined>;
  /** Tells the engine the activity is alive (Temporal tells a cancellation only to one that heartbeats). */
  heartbeat?: () => void;
  /** Whether the queue cancelled the release: the person came back while it ran. */
  abandoned?: () => boolean;
  /** How long this process has run (see RECONNECT_WINDOW_MS). */
  upForMs?: () => number;
  /** Logs a conversation that could not be given back. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

/** When to ask again after some conversation could not be given back (the others were). */
export const RETRY_FAILED_MS = 30_000;

/**
 * How long after this process started it gives nobody's conversations back. A server that stops
 * tells the queues its people went offline; one down longer than the grace would, as it starts,
 * release everyone's conversations before their pages had reconnected (their sockets try again
 * within seconds, and a reconnect cancels a release): it waits for them first.
 */
export const RECONNECT_WINDOW_MS = 60_000;

export function offlineReleaser({ heartbeat = () => undefined, abandoned = () => false, upForMs = () => Infinity, warn = () => undefined, ...deps }: OfflineReleaseDeps): RoutingActivities['releaseOfflineAssignee'] {
  return async ({ websiteId, agentId, offlineForMs, offlineSince }) => {
    const graceMs = await deps.releaseAfterMs(websiteId);
    if (graceMs === null) return { outcome: 'never' };
    if (offlineForMs < graceMs) return { outcome: 'not_yet', inMs: graceMs - offlineForMs };
    const justStarted = RECONNECT_WINDOW_MS - upForMs();
    if (justStarted > 0) return { outcome: 'not_yet', inMs: justStarted };
    let released = 0;
    let failed = 0;
    for (const conversationId of await deps.openAssigned(websiteId, agentId)) {
      // Back online: what is still theirs stays theirs (one already under way cannot be called back).
      if (abandoned()) break;
      heartbeat();
      try {
        // Assigned to them by a person while they were away: parked for their return, a choice to respect.
        const parkedAt = await deps.assignedByPersonAt?.(conversationId, agentId);
        if (parkedAt !== undefined && Date.parse(parkedAt) >= offlineSince) continue;
        if (await releaseOne(deps.engine, conversationId, agentId)) released += 1;
      } catch (err) {
        // One conversation's failure neither stops the others nor holds the queue in retries: asked again soon.
        failed += 1;
        warn('giving back an offline person\'s conversation failed; tried again later', { conversationId, agentId, err });
      }
    }
    return failed > 0 ? { outcome: 'not_yet', inMs: RETRY_FAILED_MS } : { outcome: 'released', conversations: released };
  };
}

/** Whether the conversation was let go of; one that no longer waits on the person (or cannot be reached) is left as it is. */
async function releaseOne(engine: ConversationUpdateEngine, conversationId: string, agentId: string): Promise<boolean> {
  const workflowId = conversationWorkflowId(conversationId);
  try {
    const state = await engine.query<ConversationSnapshot>({ workflowId, query: getState.name, args: [{ actor: ROUTING_ACTOR }] });
    if (state.status !== 'open' || state.assigneeId !== agentId || state.handler === 'ai') return false;
    const inIt = state.participants.some((p) => p.id === agentId && p.leftAt === undefined);
    const operations: LifecycleOperation[] = [{ op: 'unassign', expectedAssigneeId: agentId }, ...(inIt ? [{ op: 'leave' as const, userId: agentId }] : [])];
    await engine.executeUpdate({ workflowId, update: changeSet.name, args: [{ actor: ROUTING_ACTOR, operations }] });
    return true;
  } catch (err) {
    // Changed meanwhile (refused), long resolved (no workflow), or set aside by the engine for a while: left as it is.
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_UPDATE_REJECTED' || code === 'ERR_WORKFLOW_NOT_FOUND' || code === 'ERR_WORKFLOW_SET_ASIDE') return false;
    throw err;
  }
}
