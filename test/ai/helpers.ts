/** Fakes for AI tests: a conversation that applies operations like a (simplified) workflow, an in-memory store, and recorders. */
import type { AssistantConfig } from '../../domain/assistant';
import { AppError } from '../../domain/errors';
import type { ConversationLifecycle } from '../../domain/conversation';
import type { LifecycleOperation } from '../../domain/operations';
import type { NewTimelineItem, TimelineItem } from '../../domain/timeline';
import { defaultAssistantConfig, policyOf } from '../../activities/ai/config';
import { createAiActivities, type AiStore } from '../../activities/ai/activities';
import type { LanguageModel } from 'ai';
import { createRuleBasedModel } from '../../activities/ai/rule-based-model';
import type { AiTurnDeps, AiTurnInput, ApplyResult } from '../../workflows/conversation/ai/turn';

export function openLifecycle(overrides: Partial<ConversationLifecycle> = {}): ConversationLifecycle {
  return { status: 'open', priority: 'medium', handler: 'ai', participants: [], tags: [], ...overrides };
}

/** Applies operations the way the conversation workflow's validators would, for what the AI uses. */
export function fakeConversation(initial = openLifecycle()) {
  let lifecycle = initial;
  const operations: LifecycleOperation[] = [];
  const apply = (operation: LifecycleOperation): ApplyResult => {
    if (lifecycle.status !== 'open') return { ok: false, rejected: 'conversation is resolved' };
    switch (operation.op) {
      case 'set_priority':
        lifecycle = { ...lifecycle, priority: operation.priority };
        break;
      case 'add_tags':
        lifecycle = { ...lifecycle, tags: [...new Set([...lifecycle.tags, ...operation.tags])] };
        break;
      case 'resolve':
        lifecycle = { ...lifecycle, status: 'resolved' };
        break;
      case 'escalate':
        if (lifecycle.escalatedAt) return { ok: false, rejected: 'already escalated' };
        lifecycle = { ...lifecycle, handler: 'human', escalatedAt: '2025-01-01T00:00:00.000Z', escalationReason: operation.reason };
        break;
      case 'hand_back':
        lifecycle = { ...lifecycle, handler: 'ai' };
        break;
      default:
        return { ok: false, rejected: `${operation.op} not supported by the fake` };
    }
    operations.push(operation);
    return { ok: true, state: lifecycle };
  };
  return { apply, operations, get lifecycle() { return lifecycle; } };
}

export function memoryStore(initial: TimelineItem[] = []) {
  const items: TimelineItem[] = [...initial];
  /** The conversation's public messages by people of `kinds`, in seq order. */
  const spoken = (conversationId: string, kinds: readonly string[]) =>
    items.filter((i) => i.conversationId === conversationId && i.type === 'message' && i.visibility === 'public' && kinds.includes(i.author.kind));
  const store: AiStore = {
    async appendItem(item: NewTimelineItem, options) {
      const stored = items.find((i) => i.id === item.id);
      // As the store: a retry is the stored item; the same id in other words is a conflict.
      if (stored) {
        if ('text' in item && 'text' in stored && stored.text !== item.text) throw new AppError('ERR_CONFLICT', `item ${item.id} already exists with other content`);
        return;
      }
      // As the store asks it: right before the item is placed, after every item before it.
      const refusal = await options?.unless?.();
      if (refusal !== undefined) throw new AppError('ERR_CONFLICT', refusal);
      items.push({ ...item, seq: items.length + 1 } as TimelineItem);
    },
    async recentItems(conversationId, limit) {
      return items.filter((i) => i.conversationId === conversationId).slice(-limit);
    },
    async hasItem(itemId) {
      return items.some((i) => i.id === itemId);
    },
    async hasVisitorMessageAfter(conversationId, seq) {
      return spoken(conversationId, ['visitor']).some((i) => i.seq > seq);
    },
    async hasTeamMessageAfter(conversationId, seq) {
      return spoken(conversationId, ['human']).some((i) => i.seq > seq);
    },
    async teamAnsweredLast(conversationId) {
      return spoken(conversationId, ['visitor', 'human']).at(-1)?.author.kind === 'human';
    },
  };
  return { store, items };
}

export const visitorMessage = (conversationId: string, seq: number, text: string): TimelineItem => ({
  id: `m${seq}`,
  conversationId,
  seq,
  type: 'message',
  visibility: 'public',
  author: { kind: 'visitor', id: 'v1' },
  createdAt: '2025-01-06T10:00:00.000Z',
  text,
});

/**
 * The whole AI side in process: real activities (given a model) over an in-memory store, and turn
 * deps wired to them and to a fake conversation. `current` decides supersession.
 */
export function aiHarness(options: { model?: LanguageModel; config?: Partial<AssistantConfig>; visitorText: string; lifecycle?: ConversationLifecycle }) {
  const config = defaultAssistantConfig({ debounceMs: 0, ...options.config });
  const conversationId = 'c1';
  const { store, items } = memoryStore([visitorMessage(conversationId, 1, options.visitorText)]);
  const typing: boolean[] = [];
  const activities = createAiActivities({
    resolveModel: (_spec, cfg) => options.model ?? createRuleBasedModel(cfg),
    getAssistantConfig: async (id) => (id === config.id ? config : undefined),
    store,
    publishTyping: (event) => {
      typing.push(event.isTyping);
    },
    now: () => new Date('2025-01-06T10:00:01.000Z'),
  });
  const conversation = fakeConversation(options.lifecycle);
  const state = { current: true, triageBeforeHandover: true, itemsCarryRecords: true, handOffAfterUncertainReply: true };
  const deps: AiTurnDeps = {
    callModel: activities.callModel,
    callTriageModel: activities.callModel,
    applyOperation: conversation.apply,
    recordToolCall: activities.recordToolCall,
    postReply: activities.postAiReply,
    postNote: activities.postAiNote,
    setTyping: activities.publishAiTyping,
    isCurrent: () => state.current,
    visitorSeqHeard: () => 1,
    triageBeforeHandover: () => state.triageBeforeHandover,
    itemsCarryRecords: () => state.itemsCarryRecords,
    handOffAfterUncertainReply: () => state.handOffAfterUncertainReply,
  };
  const input = async (): Promise<AiTurnInput> => ({
    conversationId,
    assistantId: config.id,
    turnId: 'm1',
    policy: policyOf(config),
    context: await activities.buildConversationContext({ conversationId }),
    visitorText: options.visitorText,
    visitorTurns: 1,
    lifecycle: conversation.lifecycle,
  });
  const posted = (type: string) => items.filter((i) => i.type === type && i.author.kind === 'ai');
  return { config, activities, conversation, deps, input, items, typing, state, posted };
}
