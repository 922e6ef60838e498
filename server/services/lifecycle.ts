/**
 * Lifecycle operations from agents go through the conversation workflow's Updates; the answer is
 * the conversation as stored once the workflow has projected its new state (the engine adapter
 * waits for that). A validator's rejection surfaces as UpdateRejectedError → 409.
 */
import type { Store } from '../../activities/store';
import type { Conversation } from '../../domain/conversation';
import type { LifecycleOperation } from '../../domain/operations';
import { rosterChange } from '../../activities/website-changes';
import type { ConversationEngine } from '../../runtime/conversation-engine';
import { UpdateRejectedError } from '../../runtime/engine/errors';
import type { ConversationSnapshot } from '../../workflows/conversation/definitions';
import { notOnTeamReason } from '../../workflows/conversation/transitions';
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
  const actor = authorOf(agent);
  const start = await deps.workflowStarts.inputFor(conversation);
  const run = () => deps.conversations.operate(conversation.id, { actor, operations }, start, updateId);
  let snapshot: ConversationSnapshot;
  try {
    snapshot = await run();
  } catch (err) {
    // A person added a moment ago: running conversations hear of them from the website changes
    // workflow a second or more later. Routes check the people they name against the store's team
    // first, so the conversation is told the team as the store holds it and asked once more (a
    // rejection is no outcome: the same update id may run).
    if (!(err instanceof UpdateRejectedError) || !namesPersonNotOnTeam(err, operations)) throw err;
    await deps.conversations.tellRoster(conversation.id, await rosterChange(deps.store, conversation.websiteId, actor));
    snapshot = await run();
  }
  const stored = await visibleConversation(deps.store, agent, conversation.id);
  // The lifecycle and its version are this update's (a retry's, or one overtaken by another, is older than the stored one).
  const { conversationId: _id, ...lifecycle } = snapshot;
  return { ...stored, ...lifecycle };
}

/** Whether the rejection is for a person the conversation does not know as on the team, whom an operation names. */
function namesPersonNotOnTeam(err: UpdateRejectedError, operations: LifecycleOperation[]): boolean {
  return operations.some((operation) => 'userId' in operation && err.message.includes(notOnTeamReason(operation.userId)));
}
