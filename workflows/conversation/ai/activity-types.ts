/**
 * The AI activities as the workflow sees them (implemented by `createAiActivities` in
 * activities/ai/activities.ts). Workflows import this file as types only.
 */
import type { AssistantPolicy } from '../../../domain/assistant';
import type { AiItemInput, AiReplyInput, AiTypingInput, CallModelInput, CallModelResult, ConversationContext, PostedReply, ToolCallRecord } from './types';

export interface AiActivities {
  loadAssistantPolicy(input: { assistantId: string }): Promise<AssistantPolicy>;
  /** `answeringSeq`: the visitor message the turn answers (context.ts); absent in turns of runs before it. */
  buildConversationContext(input: { conversationId: string; answeringSeq?: number }): Promise<ConversationContext>;
  /** One model step; throws on model errors (non-retryable `AiModelAuthError` for 401/403). */
  callModel(input: CallModelInput): Promise<CallModelResult>;
  recordToolCall(record: ToolCallRecord): Promise<void>;
  postAiReply(input: AiReplyInput): Promise<PostedReply>;
  postAiNote(input: AiItemInput): Promise<void>;
  publishAiTyping(input: AiTypingInput): Promise<void>;
}

/** Error types `callModel` throws that retrying cannot fix. */
export const NON_RETRYABLE_MODEL_ERRORS = ['AiModelAuthError', 'AiConfigError'];
