/** The routing activities as workflows see them (implemented by createRoutingActivities in activities/ai/routing.ts). */
import type { Priority } from '../../domain/conversation';
import type { RouteConversationInput } from '../conversation/ai/types';

/** A conversation's place among those waiting in a person's team queues: its priority, then since when it waits (see `QueueEntry.since`). */
export interface QueuePlace {
  priority: Priority;
  since?: number;
}

export interface AssignFromQueueInput {
  websiteId: string;
  team: string;
  conversationId: string;
  agentId: string;
  /**
   * Set by queues that take `AgentFull`: the assign first checks the person's capacity. Absent
   * from queues of earlier versions, which would drop a conversation on an outcome they do not
   * know: theirs go ahead as they did.
   */
  checksCapacity?: boolean;
  /**
   * The offered conversation's place in its queue, from queues that send it: the capacity check
   * then gives the person's last free slots to conversations of their other teams' queues that
   * come before it. Absent from queues of earlier versions, whose offers go ahead as they did.
   */
  place?: QueuePlace;
}

/**
 * The person already holds `open` open conversations (the store's count, of every team and of
 * assignments by hand), their `capacity` or more: they stay online, and someone else is offered it.
 */
export interface AgentFull {
  outcome: 'agent_full';
  open: number;
  capacity: number;
}

/**
 * The person had a free slot, but a conversation waiting in another of their teams' queues came
 * before this one (a higher priority, or as high and waiting longer) and was given to them in it:
 * `conversationId` of the `team` queue. They hold `open` of their `capacity` now, that one counted;
 * this one goes back in line. A queue takes it as it takes `AgentFull`.
 */
export interface HigherPriorityElsewhere {
  outcome: 'higher_priority_elsewhere';
  conversationId: string;
  team: string;
  open: number;
  capacity: number;
}

/**
 * `conversation_unavailable`: resolved or already with someone, drop it; `agent_unavailable`: try
 * someone else; `conversation_set_aside`: its workflow refuses every call for a while (the embedded
 * engine set it aside: runtime/engine-thread/set-aside.ts), serve the others and try it again later.
 */
export type AssignOutcome = 'assigned' | 'conversation_unavailable' | 'agent_unavailable' | 'conversation_set_aside' | AgentFull | HigherPriorityElsewhere;

export interface ReleaseOfflineInput {
  websiteId: string;
  agentId: string;
  /** How long the queue has heard the agent offline (workflow time), to hold against the website's grace. */
  offlineForMs: number;
  /** Since when (epoch ms, workflow time, as the timeline's items are dated): what a person assigned them after is theirs to keep. */
  offlineSince: number;
}

/**
 * `released`: the grace is over, and the agent's open conversations that waited on them were let go
 * of (`conversations` of them; 0 when another of their queues came first); `not_yet`: ask again in
 * `inMs`; `never`: the website keeps conversations with offline people.
 */
export type OfflineRelease = { outcome: 'released'; conversations: number } | { outcome: 'not_yet'; inMs: number } | { outcome: 'never' };

export interface RoutingActivities {
  /** Chooses the team for an escalated conversation and queues it there. Called by the conversation workflow. */
  routeConversation(input: RouteConversationInput): Promise<{ team: string }>;
  /** Runs the conversation's `assign` update for the team queue (with `checksCapacity`, only for a person under capacity). */
  assignFromQueue(input: AssignFromQueueInput): Promise<AssignOutcome>;
  /** Counts the agent's open conversations and tells each of the agent's team queues. */
  reportAgentLoad(input: { websiteId: string; agentId: string }): Promise<void>;
  /** Once the agent has been offline the website's grace, unassigns by routing their open conversations a person must answer. */
  releaseOfflineAssignee(input: ReleaseOfflineInput): Promise<OfflineRelease>;
}
