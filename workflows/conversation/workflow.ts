/**
 * The conversation workflow: one per conversation (id `conversationWorkflowId(conversationId)`),
 * the single writer of its lifecycle. This file only wires messages, timers and activities to the
 * rules in `ConversationState`.
 *
 * - Signals: `itemAdded` for every new timeline item, `rosterChanged`. Updates: one per lifecycle
 *   operation (`resolve`, `setPriority`, …), validated first; an update answers once its change is
 *   in the store, so a caller that reads the conversation next sees it. Query: `getState`.
 * - Persistence: the main loop drains the state's outbox: event items (`recordEvents`), then the
 *   lifecycle projection (`projectState`), then SLA-breach hooks. Everything decided while an
 *   activity runs goes out in the next batch, in order.
 * - Timers: one durable timer per deadline (first-response SLA, auto-resolve, end of an AI pause,
 *   end of retention), re-armed only when the deadline moves.
 * - Long conversations: past `runLimits` (or when Temporal suggests it) the run waits for
 *   running handlers, persists what is pending and continues as new with the whole state, which
 *   includes the outbox and the recent item ids used to drop repeated signals.
 *
 * Lifetime: a resolved conversation's workflow stays open for `retentionAfterResolveMs` (default 7
 * days), so a visitor's late "thanks" or an agent's reopen lands in the same run; then it completes
 * and returns its final snapshot. After that, the store's projection is the record. Anything that
 * needs the workflow again (a new item, an operation) starts a new one with signal-with-start or
 * update-with-start, with the projection as `initialState`: runtime/conversation-engine.ts does
 * this, so callers never see whether the workflow was running. See docs/lifecycle.md.
 *
 * AI seam: `receiveItem` reports a visitor's public message (`ItemOutcome.visitorMessage`), and
 * `state.shouldAiRespond(now)` says whether the assistant should answer it. The AI loop (in
 * `./ai/`) starts its turn in `onItem` below, after the rules and plugin reaction ran, and applies
 * its tool calls through `state.apply` like any operation.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createConversationActivities } from '../../activities/conversation';
import type { ItemArrival, LifecycleOperationName } from '../../domain/operations';
import { reactTo } from '../../plugins/workflow-registry';
import {
  OPERATION_UPDATES,
  getState,
  itemAdded,
  operationRequest,
  rosterChanged,
  type ConversationSnapshot,
  type ConversationWorkflowInput,
  type OperationUpdate,
  type RunLimits,
} from './definitions';
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

/** About 4 history events per message: runs stay near 4–5k events, well below Temporal's limits. */
export const DEFAULT_RUN_LIMITS: Required<RunLimits> = { historyEvents: 10_000, messages: 1_000 };

export async function conversationWorkflow(input: ConversationWorkflowInput): Promise<ConversationSnapshot> {
  const state = ConversationState.start(input, workflowNow());
  const { conversationId } = input;
  const runLimits = { ...DEFAULT_RUN_LIMITS, ...input.runLimits };
  let messagesThisRun = 0;
  /** The newest state version the store holds; updates wait for theirs. */
  let persistedVersion = 0;

  const timers = new DeadlineTimers<DeadlineKind>((kind) => {
    state.onDeadline(kind, workflowNow());
    syncTimers();
  });
  const syncTimers = () => timers.sync(state.deadlines());

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
  }

  /** The item type's reaction goes through the same validators as an agent's request; a bad one is logged and skipped. */
  function applyPluginReaction(item: ItemArrival, now: string): void {
    const reaction = reactTo({ item, conversation: state.lifecycle() });
    if ('error' in reaction) {
      log.warn('plugin reaction failed; skipped', { itemId: item.id, ...reaction.error });
      return;
    }
    const actor = { kind: 'system' as const, id: `plugin:${item.type}` };
    for (const operation of reaction.operations) {
      const reason = state.rejectionOf({ actor, operation });
      if (reason !== undefined) log.warn('plugin reaction rejected; skipped', { itemId: item.id, type: item.type, op: operation.op, reason });
      else state.apply({ actor, operation }, now);
    }
  }

  function handleOperation<K extends LifecycleOperationName>(op: K, update: OperationUpdate<K>): void {
    setHandler(
      update,
      async (args) => {
        messagesThisRun += 1;
        let snapshot: ConversationSnapshot;
        try {
          snapshot = state.apply(operationRequest(op, args), workflowNow());
        } catch (err) {
          throw err instanceof TransitionRejected ? invalidTransition(err.message) : err;
        }
        syncTimers();
        await condition(() => persistedVersion >= snapshot.stateVersion);
        return snapshot;
      },
      {
        validator: (args) => {
          const reason = state.rejectionOf(operationRequest(op, args));
          if (reason !== undefined) throw invalidTransition(reason);
        },
      },
    );
  }

  setHandler(itemAdded, (item) => {
    messagesThisRun += 1;
    onItem(item);
    syncTimers();
  });
  setHandler(rosterChanged, ({ roster }) => {
    messagesThisRun += 1;
    state.setRoster(roster);
  });
  setHandler(getState, () => state.snapshot());
  for (const op of Object.keys(OPERATION_UPDATES) as LifecycleOperationName[]) handleOperation(op, OPERATION_UPDATES[op]);
  syncTimers();

  async function persist(): Promise<void> {
    const output = state.takeOutput();
    if (output.events.length > 0) await store.recordEvents(conversationId, output.events);
    if (output.projection) await store.projectState(conversationId, output.projection.lifecycle, output.projection.stateVersion);
    for (const breach of output.breaches) {
      await hooks.notifySlaBreach(breach).catch((err: unknown) => {
        if (!(err instanceof ActivityFailure)) throw err;
        log.error('SLA breach notification failed', { conversationId, error: err.cause?.message ?? err.message });
      });
    }
    persistedVersion = output.stateVersion;
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
    // Updates answer only after their change is persisted, so wait for them with the outbox in view.
    await condition(() => allHandlersFinished() || state.hasOutput());
    if (state.hasOutput()) continue;
    if (state.retired) return state.snapshot();
    if (!continueAsNewDue()) continue;
    return continueAsNew<typeof conversationWorkflow>({
      conversationId,
      websiteId: input.websiteId,
      visitorId: input.visitorId,
      roster: state.roster,
      settings: input.settings,
      ...(input.aiAssistantId === undefined ? {} : { aiAssistantId: input.aiAssistantId }),
      runLimits,
      carried: state.toData(),
    });
  }
}

const invalidTransition = (message: string) => ApplicationFailure.create({ message, type: 'ERR_INVALID_TRANSITION', nonRetryable: true });
