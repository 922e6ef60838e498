/**
 * Whether someone of the team routing sends a conversation to is online, as that team's queue knows
 * its agents: the queue hears of every agent's first socket and last one on any instance
 * (server/realtime/presence-feed.ts), and it is who would be offered the conversation.
 */
import type { Store } from '../store';
import { conversationWorkflowId, getState, type ConversationSnapshot } from '../../workflows/conversation/definitions';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { chooseTeam } from '../../workflows/routing/team-rules';
import { ROUTING_ACTOR, type ConversationUpdateEngine } from './routing';
import { loadRoutingRules } from './store-lookups';

export interface TeamOnlineDeps {
  engine: Pick<ConversationUpdateEngine, 'query'>;
  store: Pick<Store, 'getConversation' | 'getSetting'>;
}

const notFound = (err: unknown) => (err as { code?: unknown }).code === 'ERR_WORKFLOW_NOT_FOUND';

/** Throws when it cannot tell (the conversation unknown, the engine out of reach). */
export function teamOnline({ engine, store }: TeamOnlineDeps): (conversationId: string) => Promise<boolean> {
  return async (conversationId) => {
    const stored = await store.getConversation(conversationId);
    if (!stored) throw new Error(`Unknown conversation ${conversationId}`);
    // The workflow's tags and priority: the store's copy may not have the triage made just before the hand-over yet.
    const lifecycle = await engine
      .query<ConversationSnapshot>({ workflowId: conversationWorkflowId(conversationId), query: getState.name, args: [{ actor: ROUTING_ACTOR }] })
      .catch(() => stored);
    const team = chooseTeam(await loadRoutingRules(store, stored.websiteId), lifecycle);
    try {
      const queue = await engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(stored.websiteId, team), query: teamQueueState.name });
      // An away person is online in the queue with no capacity (routing.ts `offeredCapacity`): not there to answer.
      return queue.agents.some((agent) => agent.online && agent.capacity > 0);
    } catch (err) {
      // A queue starts with its first agent online or conversation queued: none running, nobody came.
      if (notFound(err)) return false;
      throw err;
    }
  };
}
