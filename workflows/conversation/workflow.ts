/**
 * The conversation workflow: one per conversation (id `conversationWorkflowId(conversationId)`),
 * the single writer of its lifecycle. This file only wires messages, timers and activities to the
 * rules in `ConversationState`.
 *
 * - Signals: `itemAdded` for every new timeline item, `rosterChanged` and `settingsChanged`. Updates: one per lifecycle
 *   operation (`resolve`, `setPriority`, …), validated first; an update answers once its change is
 *   in the store, so a caller that reads the conversation next sees it. Query: `getState`.
 * - Persistence: the main loop drains the state's outbox: event items (`recordEvents`), then the
 *   lifecycle projection (`projectState`), then SLA-breach hooks and routing notices. Everything
 *   decided while an activity runs goes out in the next batch, in order.
 * - Timers: one durable timer per deadline (first-response SLA, auto-resolve, end of an AI pause,
 *   end of retention), re-armed only when the deadline moves.
 * - Long conversations: past `runLimits` (or when Temporal suggests it) the run waits for
 *   running handlers, the AI's turn and plugin effects, persists what is pending and continues as
 *   new with the whole state, which includes the outbox and the recent item ids used to drop
 *   repeated signals.
 *
 * Lifetime: a resolved conversation's workflow stays open for `retentionAfterResolveMs` (default 7
 * days), so a visitor's late "thanks" or an agent's reopen lands in the same run; then it completes
 * and returns its final snapshot. After that, the store's projection is the record. Anything that
 * needs the workflow again (a new item, an operation) starts a new one with signal-with-start or
 * update-with-start, with the projection as `initialState`: runtime/conversation-engine.ts does
 * this, so callers never see whether the workflow was running. See docs/lifecycle.md.
 *
 * AI: `connectAi` (./conversation-ai.ts) binds the assistant of `./ai/` to the state. A visitor
 * message it should answer starts a turn after the debounce (a newer one supersedes it); its tool
 * calls go through `state.apply` like any operation; a change by anyone else that takes its say
 * away cancels the turn. Continue-as-new waits for the turn and carries its visitor-turn count and
 * the visitor's message left waiting for it.
 *
 * Routing: the state queues a routing notice for every escalation (by the AI, a rule or an agent)
 * and for every change to an agent's open assigned conversations; the main loop sends them after
 * the projection, to the `routeConversation` and `reportAgentLoad` activities.
 *
 * Plugin effects: an item whose type has an activity part gets `runPluginEffects` in the
 * background (./plugin-effects.ts).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createConversationActivities } from '../../activities/conversation';
import type { RoutingActivities } from '../routing/activity-types';
import type { ChangeSetRequest, ItemArrival, LifecycleOperationName, OperationRequest } from '../../domain/operations';
import { reactTo } from '../../plugins/workflow-registry';
import {
  OPERATION_UPDATES,
  changeSet,
  getState,
  itemAdded,
  operationRequest,
  rosterChanged,
  settingsChanged,
  type ConversationSnapshot,
  type ConversationWorkflowInput,
  type OperationUpdate,
  type RunLimits,
} from './definitions';
import { connectAi } from './conversation-ai';
import { PluginEffects } from './plugin-effects';
import type { RoutingNotice } from './routing-notices';
import { ConversationState, TransitionRejected, type DeadlineKind } from './state';
import { DeadlineTimers, workflowNow } from './timers';

type ConversationActivities = ReturnType<typeof createConversationActivities>;

// Store writes retry until the store is back: losing a lifecycle change is worse than waiting.
const store = proxyActivities<ConversationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
// A breach notification is best effort: a broken hook must not hold up the conversation.
const hooks = proxyActivities<ConversationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});
// Routing retries for about ten minutes, then gives up with an error log: the conversation must go on.
const routing = proxyActivities<RoutingActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 15 },
});

/** About 4 history events per message: runs stay near 4–5k events, well below Temporal's limits. */
export const DEFAULT_RUN_LIMITS: Required<RunLimits> = { historyEvents: 10_000, messages: 1_000 };

/** Runs started with it: the AI cannot leave a conversation it handles, and a hand-back unassigns (transitions.ts). */
const AI_HANDOVER_PATCH = 'ai-handover-rules';
/** Runs started with it: the AI only raises priority, and a person taking over stops the AI's reply counting toward auto-resolve. */
const HUMAN_TRIAGE_PATCH = 'human-triage-stands';
/** Runs started with it: a reopen lets go of people who left the team meanwhile. */
const DEPARTED_PATCH = 'departed-released-on-reopen';
/** Runs started with it: a conversation that comes to wait for a person again goes back to routing. */
const REROUTE_PATCH = 'reroutes-waiting';
/** Runs started with it: a hand-back ends an AI pause still running, so the AI answers at once. */
const HANDBACK_ENDS_PAUSE_PATCH = 'hand-back-ends-ai-pause';
/** Runs started with it: a new priority of a conversation waiting in a team queue re-ranks it there. */
const RERANK_PATCH = 'priority-reranks-waiting';
/** Runs started with it: an assignee who leaves the conversation is unassigned. */
const LEAVE_UNASSIGNS_PATCH = 'leave-unassigns-assignee';
/** Runs started with it: routing's assignment is refused once the conversation no longer waits for a person. */
const ASSIGNS_ONLY_WHILE_WAITING_PATCH = 'assign-only-while-waiting';

export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<ConversationSnapshot> {
  // Asked once, at the run's start: a run started before a rule changed keeps its rules to its end.
  const state = ConversationState.start(input, workflowNow(), {
    aiHandover: patched(AI_HANDOVER_PATCH),
    humanTriageStands: patched(HUMAN_TRIAGE_PATCH),
    departedReleasedOnReopen: patched(DEPARTED_PATCH),
    reroutesWaiting: patched(REROUTE_PATCH),
    handBackEndsPause: patched(HANDBACK_ENDS_PAUSE_PATCH),
    reranksWaiting: patched(RERANK_PATCH),
    leaveUnassigns: patched(LEAVE_UNASSIGNS_PATCH),
    assignsOnlyWhileWaiting: patched(ASSIGNS_ONLY_WHILE_WAITING_PATCH),
  });
  const { conversationId } = input;
  const runLimits = { ...DEFAULT_RUN_LIMITS, ...input.runLimits };
  let messagesThisRun = 0;
  /** The newest state version the store holds; updates wait for theirs. A continued run's was stored before it continued. */
  let persistedVersion = input.carried ? state.snapshot().stateVersion : 0;

  const timers = new DeadlineTimers<DeadlineKind>((kind) => {
    state.onDeadline(kind, workflowNow());
    changed();
  });
  const syncTimers = () => timers.sync(state.deadlines());
  const ai = connectAi({
    state,
    conversationId,
    carried: input.carried,
    onAiChange: syncTimers,
    persisted: () => {
      const decided = state.snapshot().stateVersion;
      return condition(() => persistedVersion >= decided);
    },
  });
  const effects = new PluginEffects(conversationId);
  /** After every change not made by the AI. */
  const changed = () => {
    syncTimers();
    ai?.afterChange();
  };

  function onItem(item: ItemArrival): void {
    // A malformed signal would fail every workflow task that replays it: drop it instead.
    if (typeof item?.id !== 'string' || typeof item.author?.kind !== 'string') {
      log.warn('malformed itemAdded signal dropped', { item });
      return;
    }
    const now = workflowNow();
    const outcome = state.receiveItem(item, now);
    if (outcome.duplicate) return;
    applyPluginReaction(item, now);
    syncTimers();
    ai?.onItem(item, outcome.visitorMessage);
    effects.schedule(item);
  }

  /** The item type's reaction goes through the same validators as an agent's request; a bad one is logged and skipped. */
  function applyPluginReaction(item: ItemArrival, now: string): void {
    // reactTo hands the hook its own copy.
    const reaction = reactTo({ item, conversation: state.lifecycleView });
    if ('error' in reaction) {
      log.warn('plugin reaction failed; skipped', { itemId: item.id, ...reaction.error });
      return;
    }
    for (const { index, reason } of reaction.refused ?? []) log.warn('plugin reaction returned no lifecycle operation; skipped', { itemId: item.id, type: item.type, index, reason });
    const actor = { kind: 'system' as const, id: `plugin:${item.type}` };
    for (const operation of reaction.operations) {
      const reason = state.rejectionOf({ actor, operation });
      if (reason !== undefined) log.warn('plugin reaction rejected; skipped', { itemId: item.id, type: item.type, op: operation.op, reason });
      else state.apply([{ actor, operation }], now);
    }
  }

  /** An update's body: applies the requests together and answers once the store has the new state. */
  async function applyUpdate(requests: OperationRequest[]): Promise<ConversationSnapshot> {
    messagesThisRun += 1;
    let snapshot: ConversationSnapshot;
    try {
      snapshot = state.apply(requests, workflowNow());
    } catch (err) {
      throw err instanceof TransitionRejected ? invalidTransition(err.message) : err;
    }
    changed();
    await condition(() => persistedVersion >= snapshot.stateVersion);
    return snapshot;
  }

  function validateUpdate(requests: OperationRequest[]): void {
    const reason = state.rejectionOfAll(requests, workflowNow());
    if (reason !== undefined) throw invalidTransition(reason);
  }

  function handleOperation<K extends LifecycleOperationName>(op: K, update: OperationUpdate<K>): void {
    setHandler(update, (args) => applyUpdate([operationRequest(op, args)]), { validator: (args) => validateUpdate([operationRequest(op, args)]) });
  }

  /** A malformed change set (not a list of operations) is rejected like an invalid transition. */
  const changeSetRequests = ({ actor, operations }: ChangeSetRequest): OperationRequest[] =>
    Array.isArray(operations) ? operations.map((operation) => ({ actor, operation })) : [];

  setHandler(itemAdded, (item) => {
    messagesThisRun += 1;
    onItem(item);
  });
  setHandler(rosterChanged, (change) => {
    messagesThisRun += 1;
    state.changeRoster(change, workflowNow());
    changed();
  });
  setHandler(settingsChanged, (change) => {
    messagesThisRun += 1;
    state.changeSettings(change, workflowNow());
    changed();
  });
  setHandler(getState, () => state.snapshot());
  for (const op of Object.keys(OPERATION_UPDATES) as LifecycleOperationName[]) handleOperation(op, OPERATION_UPDATES[op]);
  setHandler(changeSet, (request) => applyUpdate(changeSetRequests(request)), { validator: (request) => validateUpdate(changeSetRequests(request)) });
  syncTimers();

  async function persist(): Promise<void> {
    const output = state.takeOutput();
    if (output.events.length > 0) await store.recordEvents(conversationId, output.events);
    if (output.projection) await store.projectState(conversationId, output.projection.lifecycle, output.projection.stateVersion);
    // Updates answer now; hooks and routing follow from what is stored.
    persistedVersion = output.stateVersion;
    for (const breach of output.breaches) await bestEffort(hooks.notifySlaBreach(breach), 'SLA breach notification failed');
    for (const notice of output.routing) await bestEffort(sendRoutingNotice(notice), `routing ${notice.kind} failed`);
  }

  function sendRoutingNotice(notice: RoutingNotice): Promise<unknown> {
    if (notice.kind === 'agentLoad') return routing.reportAgentLoad({ websiteId: notice.websiteId, agentId: notice.agentId });
    const { kind: _kind, ...route } = notice;
    return routing.routeConversation(route);
  }

  /** Waits for an activity whose failure (retries spent) is logged, not fatal. */
  async function bestEffort(activity: Promise<unknown>, message: string): Promise<void> {
    await activity.catch((err: unknown) => {
      if (!(err instanceof ActivityFailure)) throw err;
      log.error(message, { conversationId, error: err.cause?.message ?? err.message });
    });
  }

  const continueAsNewDue = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= runLimits.historyEvents || messagesThisRun >= runLimits.messages;
  };

  for (;;) {
    await condition(() => state.hasOutput() || state.retired || continueAsNewDue());
    if (state.hasOutput()) {
      await persist();
      continue;
    }
    // Updates answer only after their change is persisted, so wait for them with the outbox in view;
    // an AI turn or plugin effects still running finish in this run too.
    await condition(() => (allHandlersFinished() && !ai?.busy && effects.idle) || state.hasOutput());
    if (state.hasOutput()) continue;
    if (state.retired) return state.snapshot();
    if (!continueAsNewDue()) continue;
    return continueAsNew<typeof conversationWorkflow>({
      conversationId,
      websiteId: input.websiteId,
      visitorId: input.visitorId,
      roster: state.roster,
      settings: state.settings,
      ...(input.aiAssistantId === undefined ? {} : { aiAssistantId: input.aiAssistantId }),
      runLimits,
      carried: { ...state.toData(), ...ai?.carried },
    });
  }
}

const invalidTransition = (message: string) => ApplicationFailure.create({ message, type: 'ERR_INVALID_TRANSITION', nonRetryable: true });
