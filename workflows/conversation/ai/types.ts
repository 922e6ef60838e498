/** Data that crosses between the conversation workflow's AI turn and the AI activities. All plain JSON. */
import type { AiToolName } from '../../../domain/assistant';
import type { Priority } from '../../../domain/conversation';

/** One line of the conversation as the model sees it. */
export interface ContextEntry {
  seq: number;
  /**
   * `visitor` / `agent` / `assistant` speak publicly; `event` and `item` are summaries. `note` only in
   * contexts recorded before private items were left out (a turn in flight across the upgrade).
   */
  role: 'visitor' | 'agent' | 'assistant' | 'note' | 'event' | 'item';
  text: string;
  /**
   * An event after which what the visitor said before is not the assistant's to answer any more:
   * the conversation went to the team, was handed back by it, or was resolved.
   */
  turnsPage?: true;
}

/** The visible conversation for the model, oldest first, trimmed to a character budget. */
export interface ConversationContext {
  conversationId: string;
  entries: ContextEntry[];
  /** True when older entries were left out to fit the budget. */
  truncated: boolean;
}

export interface ModelToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/** What the workflow did with one tool call; fed back to the model and recorded as an `ai_tool_call` item. */
export interface ToolOutcome {
  toolCallId: string;
  toolName: string;
  state: 'accepted' | 'rejected' | 'failed';
  output?: unknown;
  error?: string;
}

/** One finished step of the turn: what the model asked for and what came of it. */
export interface AiStep {
  text?: string;
  toolCalls: ModelToolCall[];
  outcomes: ToolOutcome[];
}

export interface CallModelInput {
  assistantId: string;
  conversationContext: ConversationContext;
  /** Earlier steps of this turn, in order. */
  stepMessages: AiStep[];
  /**
   * Offer only these of the assistant's permitted tools, and let the model call none of them
   * (a triage call). Absent: every permitted tool, and the model must call one.
   */
  onlyTools?: AiToolName[];
}

export interface CallModelResult {
  text?: string;
  toolCalls: ModelToolCall[];
  finishReason: string;
  usage?: { inputTokens?: number; outputTokens?: number };
}

/** The `ai_tool_call` item's fields, plus where it goes. */
export interface ToolCallRecord {
  conversationId: string;
  assistantId: string;
  /** Deterministic, so an activity retry writes the same item once. */
  itemId: string;
  toolCallId: string;
  toolName: string;
  input: unknown;
  output?: unknown;
  state: ToolOutcome['state'];
  error?: string;
}

/** A message or note the assistant writes; `itemId` is deterministic for idempotent retries. */
export interface AiItemInput {
  conversationId: string;
  assistantId: string;
  itemId: string;
  text: string;
  /**
   * The `ai_tool_call` record of the call that asked for the item, as a posted item's: written
   * right after the item, so no item is stored without it. Absent: the turn records the call itself
   * (histories from before), or no call asked for the item (the hand-off message, a failure's note).
   */
  record?: ToolCallRecord;
}

export interface AiReplyInput extends AiItemInput {
  /**
   * The highest seq of a public visitor message the workflow has heard: the reply is not posted when
   * a newer one is stored (that message's turn answers), nor when a public message of the team's
   * people newer than it is (a person answered, and the workflow, yet to hear of it, has not
   * cancelled the turn: a turn only ever answers visitor messages heard after the team's last),
   * unless the reply itself is stored already (an activity retry). Absent: posted whatever the
   * visitor wrote since (a reply after an escalation; the hand-off notice, which is held back only
   * once a person of the team has answered the visitor).
   */
  answersUpTo?: number;
}

/**
 * Whether the reply was posted, and if not, whose newer message overtook it (absent: the visitor's,
 * as before the team's could). Histories recorded before the reply could be held back have no
 * result (undefined): those replies were posted.
 */
export type PostedReply = { posted: true } | { posted: false; overtakenBy?: 'visitor' | 'team' } | undefined;

export interface AiTypingInput {
  conversationId: string;
  assistantId: string;
  isTyping: boolean;
}

export interface RouteConversationInput {
  websiteId: string;
  conversationId: string;
  tags: string[];
  priority: Priority;
  /** The person who had it and let go of it (unassigned, left): not offered it again. */
  releasedBy?: string;
}
