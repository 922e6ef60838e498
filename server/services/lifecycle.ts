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
import { authorOf, requireActingAgent, type Caller } from '../caller';
import type { WorkflowStarts } from './workflow-start';

export interface LifecycleDeps {
  store: Store;
  conversations: ConversationEngine;
  workflowStarts: WorkflowStarts;
}

export async function operate(deps: LifecycleDeps, caller: Caller, conversationId: string, operation: LifecycleOperation): Promise<Conversation> {
  const agent = requireActingAgent(caller);
  const conversation = await visibleConversation(deps.store, agent, conversationId);
  const snapshot = await deps.conversations.operate(conversationId, { actor: authorOf(agent), operation }, await deps.workflowStarts.inputFor(conversation));
  const stored = await visibleConversation(deps.store, agent, conversationId);
  const { conversationId: _id, stateVersion: _version, ...lifecycle } = snapshot;
  return { ...stored, ...lifecycle };
}
