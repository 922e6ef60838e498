/**
 * Lifecycle operations from agents go through the conversation workflow's Updates; the answer is
 * the conversation as stored once the workflow has projected its new state (the engine adapter
 * waits for that). A validator's rejection surfaces as UpdateRejectedError → 409.
 */
import type { Store } from '../../activities/store';
import type { Conversation } from '../../domain/conversation';
import type { LifecycleOperation } from '../../domain/operations';
import type { ConversationEngine } from '../../runtime/conversation-engine';
import { visibleConversation } from '../access';
import { authorOf, type AgentCaller } from '../caller';
import type { WorkflowStarts } from './workflow-start';

export interface LifecycleDeps {
  store: Store;
  conversations: ConversationEngine;
  workflowStarts: WorkflowStarts;
}

/**
 * Runs the agent's operations on a conversation it may see (`visibleConversation`): one through its
 * own update, several together, all or none. With an `updateId` (a keyed request), a retry of an
 * update that ended answers the lifecycle that update left, without running it again.
 */
export async function operate(deps: LifecycleDeps, agent: AgentCaller, conversation: Conversation, operations: LifecycleOperation[], updateId?: string): Promise<Conversation> {
  const snapshot = await deps.conversations.operate(conversation.id, { actor: authorOf(agent), operations }, await deps.workflowStarts.inputFor(conversation), updateId);
  const stored = await visibleConversation(deps.store, agent, conversation.id);
  // The lifecycle and its version are this update's (a retry's, or one overtaken by another, is older than the stored one).
  const { conversationId: _id, ...lifecycle } = snapshot;
  return { ...stored, ...lifecycle };
}
