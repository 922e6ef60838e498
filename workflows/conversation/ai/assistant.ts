/**
 * The AI assistant of one conversation: gate → debounce/supersession → policy and context → turn.
 * What the conversation workflow holds; see the wiring notes at the top of ./turn.ts.
 */
import { isCancellation } from '@temporalio/workflow';
import type { ConversationLifecycle } from '../../../domain/conversation';
import type { ItemArrival } from '../../../domain/operations';
import type { AiActivities } from './activity-types';
import { spansMidnight } from './business-hours';
import { isAiTurnTrigger, policyAllowsAnswer } from './gate';
import { AiTurnScheduler, type TurnJob } from './scheduler';
import { errorMessage, escalateRaisingPriority, runAiTurn, type AiTurnDeps, type AiTurnOutcome } from './turn';
import { workflowTurnRuntime, type TurnRuntime } from './turn-runtime';

/** Until the assistant's policy has been loaded once, the debounce the configuration defaults to. */
const DEFAULT_DEBOUNCE_MS = 1500;

export interface AiAssistantOptions {
  conversationId: string;
  assistantId: string;
  activities: AiActivities;
  /** The model call before a handover the visitor asked for; `activities.callModel` by default. */
  triageModel?: AiActivities['callModel'];
  /** The conversation's current lifecycle, read when a message arrives and when its turn starts. */
  lifecycle(): ConversationLifecycle;
  applyOperation: AiTurnDeps['applyOperation'];
  visitorSeqHeard: AiTurnDeps['visitorSeqHeard'];
  /** Carried across continue-as-new. */
  visitorTurns?: number;
  /** Told of a visitor message the assistant handed to the team unanswered (switched off, its turn could not start), to answer once handed back. */
  leaveWaiting?(arrival: ItemArrival): void;
  /** Called with each finished turn's outcome (logging, metrics, tests). */
  onTurnEnd?(outcome: AiTurnOutcome): void;
  /** Defaults to the workflow's own timers and cancellation scopes. */
  runtime?: TurnRuntime;
}

export interface AiAssistant {
  /** Feed every item arrival; only visitor messages the AI should answer schedule a turn. */
  onVisitorMessage(arrival: ItemArrival): void;
  /** Stop the turn in flight (a human took over, the conversation resolved). */
  cancel(): void;
  resetVisitorTurns(): void;
  readonly busy: boolean;
  readonly visitorTurns: number;
}

/**
 * A disabled assistant is asked again after this long, not on every visitor message: each ask is a
 * timer, an activity and their history events, for nothing while it stays disabled.
 */
export const DISABLED_RECHECK_MS = 60_000;
const SKIP_DISABLED_PATCH = 'ai-skips-disabled-assistant';
/** Turns from it on triage a visitor who asks for a person before handing over (turn.ts). */
const TRIAGE_PATCH = 'ai-triage-before-handover';
/** From it on, a visitor message the assistant may not answer (switched off, business hours) goes to the team. */
const OFF_HANDS_TO_TEAM_PATCH = 'ai-off-hands-to-team';
/** From it on, the message such a hand-over leaves unanswered waits for the assistant to be handed the conversation back. */
const OFF_LEAVES_MESSAGE_WAITING_PATCH = 'ai-off-leaves-message-waiting';
/**
 * From it on, a message handed over for business hours is not left waiting (only a switched-off
 * assistant's is): taken up at a hand-back, it was judged by its own time, still inside the hours,
 * and handed over again, at every hand-back. Asked only in that case.
 */
const HOURS_LEAVE_NOTHING_WAITING_PATCH = 'ai-hours-leave-nothing-waiting';
/** From it on, a reply or note the model asked for carries its tool call's record, written by the same activity (turn.ts). */
const ITEMS_CARRY_RECORDS_PATCH = 'ai-items-carry-their-records';
/** From it on, a reply saying the model could not answer is followed by the hand-off message (turn.ts). Asked only then. */
const HANDOFF_AFTER_UNCERTAIN_PATCH = 'ai-hands-off-after-uncertain-reply';
/**
 * From it on, the message of a turn that could not start (its assistant deleted, the store down past
 * the retries) and went to the team is left waiting, as a switched-off assistant's is. Asked only then.
 */
const COULD_NOT_START_LEAVES_WAITING_PATCH = 'ai-could-not-start-leaves-message-waiting';
/** From it on, business hours past midnight (`18:00`–`09:00`) are open overnight; before, never. Asked only for such hours. */
const OVERNIGHT_HOURS_PATCH = 'ai-business-hours-overnight';

export function createAiAssistant(options: AiAssistantOptions): AiAssistant {
  const { conversationId, assistantId, activities } = options;
  const runtime = options.runtime ?? workflowTurnRuntime;
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  /** When a loaded policy last said the assistant is disabled. */
  let disabledSeenAt: number | undefined;
  const knownDisabled = () =>
    disabledSeenAt !== undefined && runtime.now() - disabledSeenAt < DISABLED_RECHECK_MS && runtime.patched(SKIP_DISABLED_PATCH);

  const deps = (job: TurnJob): AiTurnDeps => ({
    callModel: activities.callModel,
    callTriageModel: options.triageModel ?? activities.callModel,
    applyOperation: options.applyOperation,
    recordToolCall: activities.recordToolCall,
    postReply: activities.postAiReply,
    postNote: activities.postAiNote,
    setTyping: activities.publishAiTyping,
    isCurrent: job.isCurrent,
    visitorSeqHeard: options.visitorSeqHeard,
    triageBeforeHandover: () => runtime.patched(TRIAGE_PATCH),
    itemsCarryRecords: () => runtime.patched(ITEMS_CARRY_RECORDS_PATCH),
    handOffAfterUncertainReply: () => runtime.patched(HANDOFF_AFTER_UNCERTAIN_PATCH),
  });

  const startTurn = async (job: TurnJob): Promise<void> => {
    const policy = await orEscalate(job, () => activities.loadAssistantPolicy({ assistantId }));
    if (!policy) return;
    debounceMs = policy.debounceMs;
    disabledSeenAt = policy.enabled ? undefined : runtime.now();
    const lifecycle = options.lifecycle();
    // Re-checked after the debounce: a human may have taken over meanwhile.
    if (!isAiTurnTrigger(job.arrival, lifecycle)) return;
    const hours = policy.onlyOutsideBusinessHours ? policy.businessHours : undefined;
    const overnight = hours !== undefined && spansMidnight(hours) && runtime.patched(OVERNIGHT_HOURS_PATCH);
    if (!policyAllowsAnswer(policy, job.arrival, { overnight })) {
      // The visitor must not wait on an assistant that will not answer: the team takes it (routed to its queue).
      if (runtime.patched(OFF_HANDS_TO_TEAM_PATCH)) {
        disabledSeenAt = undefined; // with the team now: handed back later, the assistant asks its policy again
        const reason = policy.enabled ? 'The AI assistant answers outside business hours only' : 'The AI assistant is switched off';
        await escalateRaisingPriority(options.applyOperation, policy, lifecycle, { op: 'escalate', reason });
        if (runtime.patched(OFF_LEAVES_MESSAGE_WAITING_PATCH) && (!policy.enabled || !runtime.patched(HOURS_LEAVE_NOTHING_WAITING_PATCH))) options.leaveWaiting?.(job.arrival);
      }
      return;
    }
    const context = await orEscalate(job, () => activities.buildConversationContext({ conversationId, answeringSeq: job.arrival.seq }));
    if (!context) return;
    const outcome = await runAiTurn(deps(job), {
      conversationId,
      assistantId,
      turnId: job.arrival.id,
      policy,
      context,
      visitorText: job.arrival.text ?? '',
      visitorTurns: job.visitorTurns,
      lifecycle: options.lifecycle(),
    });
    options.onTurnEnd?.(outcome);
  };

  /**
   * What a turn cannot start without (the policy, the context). When it fails for good (unknown
   * assistant, store down past its retries) the visitor must not wait on an AI that cannot answer:
   * the conversation goes to humans, with no hand-off message and no priority raise: a deleted
   * assistant has neither any more, and the visitor sees the hand-over as when an agent escalates
   * or the assistant is switched off. The message, unanswered, is left waiting as a switched-off
   * assistant's is: handed back once the assistant can start again (brought back, the store back),
   * the AI takes it up.
   */
  async function orEscalate<T>(job: TurnJob, load: () => Promise<T>): Promise<T | undefined> {
    try {
      return await load();
    } catch (err) {
      if (isCancellation(err)) throw err;
      const result = await options.applyOperation({ op: 'escalate', reason: `The AI assistant could not start its turn (${errorMessage(err)})` });
      if (result.ok && runtime.patched(COULD_NOT_START_LEAVES_WAITING_PATCH)) options.leaveWaiting?.(job.arrival);
      return undefined;
    }
  }

  const scheduler = new AiTurnScheduler(runtime, startTurn, options.visitorTurns);
  return {
    onVisitorMessage(arrival) {
      if (isAiTurnTrigger(arrival, options.lifecycle()) && !knownDisabled()) scheduler.onVisitorMessage(arrival, debounceMs);
    },
    cancel: () => scheduler.cancel(),
    resetVisitorTurns: () => scheduler.resetVisitorTurns(),
    get busy() {
      return scheduler.busy;
    },
    get visitorTurns() {
      return scheduler.visitorTurns;
    },
  };
}
