/**
 * One AI turn, run inside the conversation workflow: call the model, apply its tool calls through
 * the workflow's own operation validators, record each, feed the outcomes back, repeat until the
 * assistant replies or its step budget is spent. Deterministic: every effect goes through `deps`.
 *
 * ## Wiring (for workflows/conversation/workflow.ts)
 *
 * The easy way is `createAiAssistant` (./assistant.ts), which adds the debounce, supersession,
 * the gate and context loading around `runAiTurn`:
 *
 * ```ts
 * import { createAiAssistant, proxyAiActivities } from './ai';
 * const ai = createAiAssistant({
 *   conversationId: input.conversationId,
 *   assistantId: input.assistantId,               // the website's assistant, e.g. from workflow input
 *   activities: proxyAiActivities(),              // retry policy for model calls set there
 *   lifecycle: () => state.lifecycle,             // the state class's current ConversationLifecycle
 *   applyOperation: (operation) => state.applyAsAi(operation),
 *     // same validators as the `operate` update, actor {kind:'ai', id: assistantId};
 *     // return {ok:true, state} or {ok:false, rejected: message} instead of throwing
 *   visitorTurns: input.aiVisitorTurns,           // carried across continue-as-new
 * });
 * // in the itemAdded signal handler, after the state class has applied the arrival:
 * ai.onVisitorMessage(arrival);                   // ignores what is not an AI trigger
 * // when a human takes over (assign/escalate by an agent) or the conversation resolves: ai.cancel();
 * // on reopen / hand_back: ai.resetVisitorTurns();
 * // before continue-as-new: await condition(() => !ai.busy); pass ai.visitorTurns on.
 * ```
 *
 * An accepted `escalate` (from the AI or anyone) should make the workflow call the
 * `routeConversation` activity (workflows/routing/activity-types.ts) so the team queue takes it.
 * Register `createAiActivities(...)` and `createRoutingActivities(...)` with the worker/engine.
 */
import { isCancellation } from '@temporalio/workflow';
import type { AiToolName, AssistantPolicy } from '../../../domain/assistant';
import { PRIORITIES, type ConversationLifecycle } from '../../../domain/conversation';
import type { LifecycleOperation } from '../../../domain/operations';
import { escalationBeforeModel, escalationForState, isUncertainReply, type EscalationReason } from './escalation-rules';
import { toToolAction, type ToolAction } from './tool-actions';
import type { AiItemInput, AiReplyInput, AiStep, AiTypingInput, CallModelInput, CallModelResult, ConversationContext, ModelToolCall, PostedReply, ToolCallRecord, ToolOutcome } from './types';

/** What the model is offered before a handover the visitor asked for. */
const TRIAGE_TOOLS: readonly AiToolName[] = ['tag', 'set_priority'];
/** The outcome of a reply or note that was posted. */
const POSTED = { state: 'accepted', output: { posted: true } } as const;
/** Why a reply was held back, as its tool call's record says. */
const VISITOR_WROTE_AGAIN = 'The visitor wrote again before the reply was posted; the reply to the newer message follows';
const TEAM_ANSWERED = 'A person of the team answered the visitor before the reply was posted';

/** The workflow's answer to an operation: the new lifecycle, or the validator's rejection. */
export type ApplyResult = { ok: true; state: ConversationLifecycle } | { ok: false; rejected: string };

/** Escalates, raising the priority first to the assistant's `raisePriorityOnEscalation` when it is below. */
export async function escalateRaisingPriority(
  apply: (operation: LifecycleOperation) => ApplyResult | Promise<ApplyResult>,
  policy: Pick<AssistantPolicy, 'raisePriorityOnEscalation'>,
  lifecycle: Pick<ConversationLifecycle, 'priority'>,
  operation: Extract<LifecycleOperation, { op: 'escalate' }>,
): Promise<ApplyResult> {
  const floor = policy.raisePriorityOnEscalation;
  if (floor && PRIORITIES.indexOf(lifecycle.priority) < PRIORITIES.indexOf(floor)) await apply({ op: 'set_priority', priority: floor });
  return apply(operation);
}

/** Everything the turn does to the world. In the workflow these are activity proxies and the state class. */
export interface AiTurnDeps {
  callModel(input: CallModelInput): Promise<CallModelResult>;
  /** The triage call before a handover the visitor asked for: tried once, briefly. */
  callTriageModel(input: CallModelInput): Promise<CallModelResult>;
  applyOperation(operation: LifecycleOperation): ApplyResult | Promise<ApplyResult>;
  recordToolCall(record: ToolCallRecord): Promise<void>;
  postReply(input: AiReplyInput): Promise<PostedReply>;
  postNote(input: AiItemInput): Promise<void>;
  setTyping(input: AiTypingInput): Promise<void>;
  /** False once a newer visitor message has superseded this turn: it must not post anything more. */
  isCurrent(): boolean;
  /**
   * Whether a visitor who asks for a person is triaged (tags, priority) before the handover. Asked
   * only then: the workflow answers with `patched()`, so a history made before it replays without.
   */
  triageBeforeHandover(): boolean;
  /**
   * Whether a reply or note the model asked for carries its `ai_tool_call` record, for the activity
   * that posts it to write with it. Asked only then, answered with `patched()` as above.
   */
  itemsCarryRecords(): boolean;
  /**
   * Whether a reply saying the model could not answer is followed by the hand-off message, so the
   * visitor learns the team takes over. Asked only then, answered with `patched()` as above.
   */
  handOffAfterUncertainReply(): boolean;
  /**
   * The highest seq of a public visitor message the workflow has heard. A reply is held back when a
   * newer one is stored: the workflow has yet to hear of it, and that message's turn answers.
   */
  visitorSeqHeard(): number;
}

export interface AiTurnInput {
  conversationId: string;
  assistantId: string;
  /** Unique per turn (the triggering item's id); prefixes the ids of the items the turn writes. */
  turnId: string;
  policy: AssistantPolicy;
  context: ConversationContext;
  /** The visitor's latest message. */
  visitorText: string;
  /** Visitor messages the AI has handled since the conversation (re)opened, this one included. */
  visitorTurns: number;
  lifecycle: ConversationLifecycle;
}

export interface AiTurnOutcome {
  status: 'replied' | 'escalated' | 'resolved' | 'superseded';
  /** Model calls made. */
  steps: number;
  escalation?: EscalationReason;
}

/** Runs one turn; see the wiring notes at the top of this file. Rethrows cancellation (supersession). */
export function runAiTurn(deps: AiTurnDeps, input: AiTurnInput): Promise<AiTurnOutcome> {
  return new AiTurn(deps, input).run();
}

/** What the visitor was told before a hand-over. */
interface HandOffTold {
  /** The turn's reply said the model could not answer (an uncertainty phrase). */
  afterUncertainReply?: boolean;
}

/** A tool call's `ai_tool_call` record, before the call has its outcome. */
interface CallRecord {
  /** Written with the call's item, by the activity that posted it. */
  withItem: boolean;
  of(outcome: ToolOutcome): ToolCallRecord;
}

class AiTurn {
  private lifecycle: ConversationLifecycle;
  private itemCount = 0;
  private replies: string[] = [];
  private escalated?: EscalationReason;
  private resolved = false;
  /** A reply was held back: the visitor wrote again (the newer message's turn answers), or a person of the team answered. */
  private overtaken = false;
  private readonly steps: AiStep[] = [];

  constructor(
    private readonly deps: AiTurnDeps,
    private readonly input: AiTurnInput,
  ) {
    this.lifecycle = input.lifecycle;
  }

  async run(): Promise<AiTurnOutcome> {
    if (this.superseded()) return this.outcome('superseded');
    const { escalation } = this.input.policy;
    const early = escalationBeforeModel(escalation, { ...this.input, tags: this.lifecycle.tags, priority: this.lifecycle.priority });
    if (early) {
      if (early.code === 'human_requested' && this.deps.triageBeforeHandover()) await this.triage();
      return this.handOver(early);
    }
    try {
      return await this.loop();
    } finally {
      await this.bestEffort(() => this.deps.setTyping(this.typing(false)));
    }
  }

  private async loop(): Promise<AiTurnOutcome> {
    while (this.steps.length < this.input.policy.stepBudget) {
      // Refreshed every step: clients drop a typing indicator that is not refreshed within 6 s.
      await this.bestEffort(() => this.deps.setTyping(this.typing(true)));
      let result: CallModelResult;
      try {
        result = await this.deps.callModel({ assistantId: this.input.assistantId, conversationContext: this.input.context, stepMessages: this.steps });
      } catch (err) {
        if (isCancellation(err)) throw err;
        const message = `The AI model could not be reached (${errorMessage(err)})`;
        return this.handOver({ code: 'model_failed', message }, `${message}; the conversation was handed to the team.`);
      }
      const step: AiStep = { text: result.text, toolCalls: result.toolCalls, outcomes: [] };
      this.steps.push(step);
      for (const call of result.toolCalls) {
        if (this.superseded()) return this.outcome('superseded');
        step.outcomes.push(await this.apply(call));
      }
      if (this.superseded()) return this.outcome('superseded');
      const end = await this.endOfStep();
      if (end) return end;
      if (result.toolCalls.length === 0) break; // asked again, a model that stopped would stop again
    }
    const message = `The AI used ${this.steps.length} of ${this.input.policy.stepBudget} steps without replying`;
    return this.handOver({ code: 'no_reply', message }, `${message}; the conversation was handed to the team.`);
  }

  /**
   * One model call offered only the triage tools, before a handover the visitor asked for: the team
   * gets the conversation tagged and prioritised as a turn the model answered would have left it.
   * The handover goes on whatever comes of it.
   */
  private async triage(): Promise<void> {
    const onlyTools = TRIAGE_TOOLS.filter((tool) => this.input.policy.permissions.includes(tool));
    if (onlyTools.length === 0) return;
    let result: CallModelResult;
    await this.bestEffort(() => this.deps.setTyping(this.typing(true)));
    try {
      result = await this.deps.callTriageModel({ assistantId: this.input.assistantId, conversationContext: this.input.context, stepMessages: this.steps, onlyTools });
    } catch (err) {
      if (isCancellation(err)) throw err;
      return;
    } finally {
      await this.bestEffort(() => this.deps.setTyping(this.typing(false)));
    }
    const step: AiStep = { text: result.text, toolCalls: result.toolCalls, outcomes: [] };
    this.steps.push(step);
    for (const call of result.toolCalls) {
      if (this.superseded()) return;
      step.outcomes.push(await this.apply(call, onlyTools));
    }
  }

  /** Whether the turn is over after a step, escalating first when a rule says so. */
  private async endOfStep(): Promise<AiTurnOutcome | undefined> {
    if (this.escalated) {
      await this.tellVisitorHandedOver();
      return this.outcome('escalated');
    }
    if (this.resolved) return this.outcome('resolved');
    const { escalation } = this.input.policy;
    const uncertain = this.replies.some((text) => isUncertainReply(escalation, text));
    if (uncertain) return this.handOver({ code: 'model_uncertain', message: 'The AI could not answer the question' }, undefined, { afterUncertainReply: true });
    const byState = escalationForState(escalation, this.lifecycle);
    if (byState) return this.handOver(byState);
    return this.replies.length > 0 ? this.outcome('replied') : undefined;
  }

  /** Applies one tool call (if permitted, offered in this step, and well-formed) and records it as an `ai_tool_call` item. */
  private async apply(call: ModelToolCall, offered?: readonly AiToolName[]): Promise<ToolOutcome> {
    const notOffered = offered && !(offered as readonly string[]).includes(call.toolName);
    const record = this.recordOf(call);
    const outcome: ToolOutcome = {
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      ...(notOffered ? { state: 'rejected' as const, error: `"${call.toolName}" was not offered in this step` } : await this.outcomeOf(call, record)),
    };
    if (!record.withItem) await this.bestEffort(() => this.deps.recordToolCall(record.of(outcome)));
    return outcome;
  }

  /**
   * A tool call's record. Its id is the one after the call's own item (a reply's, a note's), taken
   * when first needed: the same whether the turn writes the record or the item's activity does.
   */
  private recordOf(call: ModelToolCall): CallRecord {
    const { conversationId, assistantId } = this.input;
    let itemId: string | undefined;
    return {
      withItem: false,
      of: (outcome) => ({ conversationId, assistantId, itemId: (itemId ??= this.nextItemId()), input: call.input, ...outcome }),
    };
  }

  private async outcomeOf(call: ModelToolCall, record: CallRecord): Promise<Pick<ToolOutcome, 'state' | 'output' | 'error'>> {
    if (!(this.input.policy.permissions as readonly string[]).includes(call.toolName)) {
      return { state: 'rejected', error: `This assistant is not permitted to use "${call.toolName}"` };
    }
    const parsed = toToolAction(call);
    if ('error' in parsed) return { state: 'rejected', error: parsed.error };
    const { action } = parsed;
    try {
      if (action.kind !== 'operation') return await this.post(call, action, record);
      const { operation } = action;
      const result = operation.op === 'escalate' ? await this.escalate(operation) : await this.applyOperation(operation);
      if (!result.ok) return { state: 'rejected', error: result.rejected };
      if (operation.op === 'escalate') this.escalated = { code: 'model_escalated', message: operation.reason };
      if (operation.op === 'resolve') this.resolved = true;
      return { state: 'accepted', output: summarize(result.state) };
    } catch (err) {
      if (isCancellation(err)) throw err;
      return { state: 'failed', error: errorMessage(err) };
    }
  }

  /**
   * Posts a reply or a note. It carries its record as a posted item's, and its activity writes the
   * two together: the workflow cancels the turn when the AI loses its say (an agent escalates, …),
   * which cannot stop a write already under way, and the turn, cancelled, records nothing more.
   */
  private async post(call: ModelToolCall, action: Exclude<ToolAction, { kind: 'operation' }>, record: CallRecord): Promise<Pick<ToolOutcome, 'state' | 'output' | 'error'>> {
    const target = this.itemTarget(action.text);
    const carried = this.deps.itemsCarryRecords() ? record.of({ toolCallId: call.toolCallId, toolName: call.toolName, ...POSTED }) : undefined;
    const item = carried ? { ...target, record: carried } : target;
    if (action.kind === 'note') await this.deps.postNote(item);
    else {
      // Held back only while the AI keeps the conversation: after it escalated, the newer message starts no turn of its own.
      const holdable = this.lifecycle.status === 'open' && this.lifecycle.handler === 'ai';
      const reply = await this.deps.postReply({ ...item, ...(holdable ? { answersUpTo: this.deps.visitorSeqHeard() } : {}) });
      if (reply?.posted === false) {
        this.overtaken = true;
        return { state: 'rejected', error: reply.overtakenBy === 'team' ? TEAM_ANSWERED : VISITOR_WROTE_AGAIN };
      }
      this.replies.push(action.text);
    }
    record.withItem = carried !== undefined;
    return POSTED;
  }

  private escalate(operation: Extract<LifecycleOperation, { op: 'escalate' }>): Promise<ApplyResult> {
    return escalateRaisingPriority((op) => this.applyOperation(op), this.input.policy, this.lifecycle, operation);
  }

  private async applyOperation(operation: LifecycleOperation): Promise<ApplyResult> {
    const result = await this.deps.applyOperation(operation);
    if (result.ok) this.lifecycle = result.state;
    return result;
  }

  /**
   * Hands the conversation to humans because of a rule or a failure (not the model's own choice):
   * escalates, leaves a private note saying why when given one, and tells the visitor. A turn
   * superseded meanwhile does nothing.
   */
  private async handOver(reason: EscalationReason, note?: string, told: HandOffTold = {}): Promise<AiTurnOutcome> {
    if (this.superseded()) return this.outcome('superseded');
    const result = await this.escalate({ op: 'escalate', reason: reason.message });
    if (result.ok) this.escalated = reason;
    if (note) await this.bestEffort(() => this.deps.postNote(this.itemTarget(note)));
    if (result.ok) await this.tellVisitorHandedOver(told);
    return { ...this.outcome('escalated'), escalation: reason };
  }

  /**
   * The hand-off message, unless the turn already said something to the visitor (or may not speak).
   * A reply saying the model could not answer tells the visitor nothing of the team: the message
   * follows it (in runs from `handOffAfterUncertainReply` on).
   */
  private async tellVisitorHandedOver({ afterUncertainReply = false }: HandOffTold = {}): Promise<void> {
    const { permissions, escalation } = this.input.policy;
    if (!permissions.includes('reply') || this.superseded()) return;
    if (this.replies.length > 0 && !(afterUncertainReply && this.deps.handOffAfterUncertainReply())) return;
    await this.bestEffort(() => this.deps.postReply(this.itemTarget(escalation.handoffMessage)));
  }

  /** A newer message took over: the visitor's, as the workflow heard of it, or the visitor's or a person's of the team, as the store showed when a reply was held back. */
  private superseded(): boolean {
    return this.overtaken || !this.deps.isCurrent();
  }

  private outcome(status: AiTurnOutcome['status']): AiTurnOutcome {
    return { status, steps: this.steps.length, ...(this.escalated && status === 'escalated' ? { escalation: this.escalated } : {}) };
  }

  /** Id of the next item the turn writes; the counter makes ids the same on replay and on activity retry. */
  private nextItemId(): string {
    this.itemCount += 1;
    return `${this.input.turnId}:ai:${this.itemCount}`;
  }

  private itemTarget(text: string): AiItemInput {
    const { conversationId, assistantId } = this.input;
    return { conversationId, assistantId, itemId: this.nextItemId(), text };
  }

  private typing(isTyping: boolean): AiTypingInput {
    return { conversationId: this.input.conversationId, assistantId: this.input.assistantId, isTyping };
  }

  /** For effects the turn can do without (typing, records, courtesy messages): failures are dropped, cancellation is not. */
  private async bestEffort(effect: () => Promise<unknown>): Promise<void> {
    try {
      await effect();
    } catch (err) {
      if (isCancellation(err)) throw err;
    }
  }
}

/** What the model hears back after an accepted operation: the state it can reason about next. */
function summarize(state: ConversationLifecycle): Record<string, unknown> {
  return { status: state.status, priority: state.priority, tags: state.tags, handler: state.handler };
}

/** An activity failure's own message (ActivityFailure wraps the activity's error as `cause`). */
export function errorMessage(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}
