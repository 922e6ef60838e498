/**
 * Handing a conversation back to an assistant that is switched off would be undone at the visitor's
 * next message (it is handed over again, its priority raised again): such a hand-back is refused,
 * saying what to do. The assistant is the conversation's own (it took part), else the website's.
 */
import { loadAssistantConfig } from '../../activities/ai';
import type { Store } from '../../activities/store';
import { AppError } from '../../domain/errors';
import type { Conversation } from '../../domain/conversation';
import type { WorkflowStarts } from './workflow-start';

export async function refuseHandBackToSwitchedOff(
  deps: { store: Pick<Store, 'getTeamMember' | 'getSetting'>; workflowStarts: Pick<WorkflowStarts, 'aiAssistantOf'> },
  conversation: Pick<Conversation, 'websiteId' | 'participants'>,
): Promise<void> {
  const assistantId = conversation.participants.find((p) => p.kind === 'ai')?.id ?? (await deps.workflowStarts.aiAssistantOf(conversation.websiteId));
  // None, or no longer an assistant: the workflow's own check says so.
  const config = assistantId === undefined ? undefined : await loadAssistantConfig(deps.store, assistantId);
  if (config?.enabled !== false) return;
  // Said to a person in the inbox: how to switch it on is in the details, for an integrator.
  throw new AppError('ERR_CONFLICT', `${config.name} (the AI assistant) is switched off, so it cannot take the conversation back. Switch it on first.`, {
    assistantId: config.id,
    switchOn: `PATCH /v1/ai-agents/${config.id} {"enabled": true}`,
  });
}
