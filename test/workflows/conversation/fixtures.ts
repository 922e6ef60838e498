/** Inputs and items shared by the conversation workflow's unit and workflow suites. */
import type { ItemArrival } from '../../../domain/operations';
import type { Author } from '../../../domain/timeline';
import { DEFAULT_LIFECYCLE_SETTINGS, type ConversationWorkflowInput, type LifecycleSettings } from '../../../workflows/conversation/definitions';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const VISITOR: Author = { kind: 'visitor', id: 'vis_1' };
export const ALICE: Author = { kind: 'human', id: 'usr_alice' };
export const BOB: Author = { kind: 'human', id: 'usr_bob' };
export const ASSISTANT: Author = { kind: 'ai', id: 'ai_helper' };

export const SETTINGS: LifecycleSettings = {
  ...DEFAULT_LIFECYCLE_SETTINGS,
  firstResponseSlaMs: { low: 8 * HOUR, medium: 4 * HOUR, high: HOUR, urgent: 15 * MINUTE },
  autoResolveAfterMs: 24 * HOUR,
  retentionAfterResolveMs: 7 * 24 * HOUR,
};

export function workflowInput(overrides: Partial<ConversationWorkflowInput> = {}): ConversationWorkflowInput {
  return {
    conversationId: 'conv_1',
    websiteId: 'web_1',
    visitorId: VISITOR.id,
    roster: [
      { id: ALICE.id, kind: 'human' },
      { id: BOB.id, kind: 'human' },
      { id: ASSISTANT.id, kind: 'ai' },
    ],
    settings: SETTINGS,
    ...overrides,
  };
}

let itemCounter = 0;

/** A new timeline item as the server reports it; public `message` unless told otherwise. */
export function arrival(author: Author, text: string, overrides: Partial<ItemArrival> = {}): ItemArrival {
  itemCounter += 1;
  return {
    id: `itm_${itemCounter}`,
    type: 'message',
    seq: itemCounter,
    author,
    visibility: 'public',
    text,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}
