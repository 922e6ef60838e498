/**
 * The AI assistant bound to one conversation's state: what the workflow calls it with. Its tool
 * calls go through `state.apply` like an agent's operation (actor `ai:<assistantId>`), its replies
 * count for auto-resolve, and a change by someone else that takes the AI's say away (a human
 * replied, joined or was assigned, an escalation, a resolve, a pause) cancels its turn.
 */
import { CancellationScope, patched } from '@temporalio/workflow';
import type { ItemArrival, LifecycleOperation } from '../../domain/operations';
import type { Author } from '../../domain/timeline';
import { createAiAssistant, proxyAiActivities, proxyTriageModel, type AiActivities, type ApplyResult } from './ai';
import type { ConversationState, ConversationStateData } from './state';
import { workflowNow } from './timers';

/** What the AI carries across continue-as-new, in the state's data. */
export type CarriedAi = Pick<ConversationStateData, 'aiVisitorTurns' | 'aiLeftWaiting'>;

export interface ConversationAi {
  /** After the rules ran on a new item: a visitor message the AI should answer schedules a turn, superseding any in flight. */
  onItem(item: ItemArrival, visitorMessage: boolean): void;
  /** After a change not made by the AI: see the module comment; a reopen or hand-back also restarts the AI's turn count. */
  afterChange(): void;
  /** A turn is waiting out its debounce or running. */
  readonly busy: boolean;
  /**
   * Carried across continue-as-new. Both fields are always there: one undefined overrides what the
   * previous run carried in the state's data (and is left out of the payload).
   */
  readonly carried: CarriedAi;
}

export interface ConversationAiOptions {
  state: ConversationState;
  conversationId: string;
  /** From the previous run. */
  carried?: CarriedAi;
  /** Called after each change the AI made, so the workflow's timers follow. */
  onAiChange(): void;
  /** Resolves once the events and state decided so far are in the store. */
  persisted(): Promise<void>;
}

/** Replies and notes from it on wait for the events decided before them (persisted), so the timeline keeps their order. */
const AI_WRITES_AFTER_EVENTS_PATCH = 'ai-writes-after-its-events';
/** From it on, an AI that may answer again (resumed, handed back) answers the visitor's message left waiting meanwhile. */
const ANSWERS_LEFT_MESSAGE_PATCH = 'ai-answers-message-left-waiting';

/** The assistant for the state's `aiAssistantId`; undefined when the conversation has none. */
export function connectAi({ state, conversationId, carried, onAiChange, persisted }: ConversationAiOptions): ConversationAi | undefined {
  const assistantId = state.aiAssistantId;
  if (assistantId === undefined) return undefined;
  const actor: Author = { kind: 'ai', id: assistantId };

  /** What the AI's standing depends on, compared before and after each change. */
  const standing = () => {
    const { status, handler } = state.lifecycleView;
    return { open: status === 'open', aiHandles: handler === 'ai', mayAnswer: state.shouldAiRespond(workflowNow()) };
  };
  let seen = standing();

  function applyOperation(operation: LifecycleOperation): ApplyResult {
    const request = { actor, operation };
    const rejected = state.rejectionOf(request);
    if (rejected !== undefined) return { ok: false, rejected };
    state.apply([request], workflowNow());
    // The AI's own escalation or resolve must not cancel the turn that is finishing it.
    seen = standing();
    onAiChange();
    return { ok: true, state: state.lifecycle() };
  }

  /**
   * The AI's items are written by activities and the workflow's events by its persist loop, so a
   * hand-off message could land before the escalation it follows: each waits for what came before.
   */
  const afterEvents = async (): Promise<void> => {
    if (patched(AI_WRITES_AFTER_EVENTS_PATCH)) await persisted();
  };
  const proxies = proxyAiActivities();
  const activities: AiActivities = {
    ...proxies,
    async postAiNote(input) {
      await afterEvents();
      return proxies.postAiNote(input);
    },
    async postAiReply(input) {
      await afterEvents();
      const reply = await proxies.postAiReply(input);
      if (reply?.posted === false) return reply;
      state.receiveAiReply(input.itemId, workflowNow());
      onAiChange();
      return reply;
    },
    // A cancelled turn still clears its typing indicator: it runs in the turn's own (cancelled) scope.
    publishAiTyping: (input) => (input.isTyping ? proxies.publishAiTyping(input) : CancellationScope.nonCancellable(() => proxies.publishAiTyping(input))),
  };
  /** The visitor's newest message that came while the AI could not answer (paused, a person had it, or the assistant handed it to them unanswered), in this run or an earlier one. */
  let leftWaiting: ItemArrival | undefined = carried?.aiLeftWaiting;
  const assistant = createAiAssistant({
    conversationId,
    assistantId,
    activities,
    triageModel: proxyTriageModel(),
    lifecycle: () => state.lifecycle(),
    applyOperation,
    visitorSeqHeard: () => state.visitorSeqHeard,
    visitorTurns: carried?.aiVisitorTurns,
    leaveWaiting: (arrival) => {
      leftWaiting = arrival;
    },
  });

  function afterChange(): void {
    const now = standing();
    if ((!seen.open && now.open) || (!seen.aiHandles && now.aiHandles)) assistant.resetVisitorTurns();
    if (seen.mayAnswer && !now.mayAnswer) assistant.cancel();
    const regained = !seen.mayAnswer && now.mayAnswer;
    seen = now;
    if (regained) answerLeftWaiting();
  }

  /** Nobody answered it meanwhile (a public message from the team clears it): the AI takes it up now. */
  function answerLeftWaiting(): void {
    const left = leftWaiting;
    leftWaiting = undefined;
    if (left && patched(ANSWERS_LEFT_MESSAGE_PATCH)) assistant.onVisitorMessage(left);
  }

  // Carried from a run that ended while the AI could not answer into one where it may already (a
  // pause ran out in between): no change will regain its say, so it takes the message up now. Only
  // runs started by this code carry one, so no patch is needed.
  if (leftWaiting && seen.mayAnswer) answerLeftWaiting();

  return {
    onItem(item, visitorMessage) {
      afterChange();
      if (item.type === 'message' && item.visibility === 'public' && item.author.kind !== 'visitor') leftWaiting = undefined;
      if (!visitorMessage) return;
      if (seen.mayAnswer) assistant.onVisitorMessage(item);
      else leftWaiting = item;
    },
    afterChange,
    get busy() {
      return assistant.busy;
    },
    get carried() {
      return { aiVisitorTurns: assistant.visitorTurns, aiLeftWaiting: leftWaiting };
    },
  };
}
