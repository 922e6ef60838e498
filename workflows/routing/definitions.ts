/**
 * The team queue workflow's messages, defined once for the workflow, the server and the
 * activities. One entity workflow per (website, team); wire names equal constant names.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Priority } from '../../domain/conversation';
import type { Author } from '../../domain/timeline';
import type { TeamQueueSnapshot, TeamQueueView } from './team-queue-state';

export const TEAM_QUEUE_WORKFLOW_TYPE = 'teamQueueWorkflow';

/** Who routing's own operations are by, in the timeline (assignments from a queue, an offline person's release). */
export const ROUTING_ACTOR: Author = { kind: 'system', id: 'routing' };

export const teamQueueWorkflowId = (websiteId: string, team: string): string => `team-queue:${websiteId}:${team}`;

export interface TeamQueueInput {
  websiteId: string;
  team: string;
  /** Continue-as-new after this many handled signals and assignments (default 1,000). */
  eventsPerRun?: number;
  /** Set by the workflow itself when it continues as new. */
  carried?: TeamQueueSnapshot;
}

export interface EnqueueArgs {
  conversationId: string;
  priority: Priority;
  /** The person who let go of it: another agent takes it, while anyone else can. */
  releasedBy?: string;
  actor?: Author;
}
export interface WithdrawArgs {
  conversationId: string;
  actor?: Author;
}
/**
 * An agent notice after a change of the team (`agentReconciled`) carries the website's team revision
 * its sender read before the person. Changes made on several instances are told from each, so their
 * notices may arrive in either order: a queue takes none of a lower revision than the newest it took
 * for the agent. Presence and load notices carry none (absent also from older senders).
 */
interface RevisedNotice {
  revision?: number;
}
export interface AgentAvailableArgs extends RevisedNotice {
  agentId: string;
  /** The member's `capacity`: open conversations at once; 0 while they are away by their status (offered nothing, yet not offline). */
  capacity: number;
  actor?: Author;
}
export interface AgentUnavailableArgs extends RevisedNotice {
  agentId: string;
  actor?: Author;
}
export interface AgentLoadArgs extends RevisedNotice {
  agentId: string;
  /** Open conversations assigned to the agent, as the store counts them. */
  open: number;
  actor?: Author;
}

/** A conversation to hand out; signal-with-start it so the queue exists. */
export const enqueue = defineSignal<[EnqueueArgs]>('enqueue');
/** The conversation no longer needs the queue (resolved, or assigned by hand). */
export const withdraw = defineSignal<[WithdrawArgs]>('withdraw');
/** An agent of this team came online (the server, on presence). */
export const agentAvailable = defineSignal<[AgentAvailableArgs]>('agentAvailable');
/** An agent of this team went offline. */
export const agentUnavailable = defineSignal<[AgentUnavailableArgs]>('agentUnavailable');
/** An agent left this team, or the website's team: the queue forgets them. */
export const agentRemoved = defineSignal<[AgentUnavailableArgs]>('agentRemoved');
/** An agent's open-conversation count changed (after an assignment, a resolve, a hand-over). */
export const agentLoad = defineSignal<[AgentLoadArgs]>('agentLoad');
export const teamQueueState = defineQuery<TeamQueueView>('teamQueueState');
