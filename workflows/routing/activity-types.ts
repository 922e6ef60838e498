/** The routing activities as workflows see them (implemented by createRoutingActivities in activities/ai/routing.ts). */
import type { RouteConversationInput } from '../conversation/ai/types';

export interface AssignFromQueueInput {
  websiteId: string;
  team: string;
  conversationId: string;
  agentId: string;
}

/**
 * `conversation_unavailable`: resolved or already with someone, drop it; `agent_unavailable`: try
 * someone else; `conversation_set_aside`: its workflow refuses every call for a while (the embedded
 * engine set it aside: runtime/engine-thread/set-aside.ts), serve the others and try it again later.
 */
export type AssignOutcome = 'assigned' | 'conversation_unavailable' | 'agent_unavailable' | 'conversation_set_aside';

export interface RoutingActivities {
  /** Chooses the team for an escalated conversation and queues it there. Called by the conversation workflow. */
  routeConversation(input: RouteConversationInput): Promise<{ team: string }>;
  /** Runs the conversation's `assign` update for the team queue. */
  assignFromQueue(input: AssignFromQueueInput): Promise<AssignOutcome>;
  /** Counts the agent's open conversations and tells each of the agent's team queues. */
  reportAgentLoad(input: { websiteId: string; agentId: string }): Promise<void>;
}
