/**
 * The conversation workflow as the server uses it, over either engine. Callers never need to know
 * whether the conversation's workflow is running: when it is not (new conversation, or its
 * workflow completed after the retention window), the first signal or update starts it with
 * signal-with-start / update-with-start, resuming from the store's projection.
 */
import type { ChangeSetRequest, ItemArrival } from '../domain/operations';
import type { Author } from '../domain/timeline';
import {
  CONVERSATION_WORKFLOW_TYPE,
  LIFECYCLE_ACTOR,
  OPERATION_UPDATES,
  changeSet,
  conversationWorkflowId,
  getState,
  itemAdded,
  operationArgs,
  rosterChanged,
  type ConversationProjection,
  type ConversationSnapshot,
  type ConversationWorkflowInput,
  type RosterChange,
} from '../workflows/conversation/definitions';
import type { AuditEntry } from './engine/audit';
import { WorkflowNotFoundError } from './engine/errors';
import type { WorkflowEngine } from './engine/workflow-engine';

/** What the server knows when it talks to a conversation: enough to start its workflow if needed. */
export type ConversationStartInput = Omit<ConversationWorkflowInput, 'initialState' | 'carried'>;

export interface ConversationEngineOptions {
  engine: WorkflowEngine;
  /**
   * The store's projection of a conversation (lifecycle and its `stateVersion`), or undefined when
   * it has none; read only when a workflow has to be started.
   */
  loadProjection(conversationId: string): Promise<ConversationProjection | undefined>;
}

export class ConversationEngine {
  constructor(private readonly options: ConversationEngineOptions) {}

  /**
   * Tells the conversation's workflow about new timeline items, in this order: signals (in one
   * workflow task where the engine can), or signal-with-start for the first when no run is open.
   */
  async notifyItems(arrivals: ItemArrival[], start: ConversationStartInput): Promise<void> {
    const [first, ...rest] = arrivals;
    if (!first) return;
    const { engine } = this.options;
    const workflowId = conversationWorkflowId(start.conversationId);
    const signals = (list: ItemArrival[]) => ({ workflowId, signal: itemAdded.name, argsList: list.map((arrival) => [arrival]) });
    if ((await ifRunning(() => engine.signalEach(signals(arrivals)))) !== NOT_RUNNING) return;
    await engine.signalWithStart({ workflowId, signal: itemAdded.name, workflowType: CONVERSATION_WORKFLOW_TYPE, args: [await this.startInput(start)], signalArgs: [first] });
    if (rest.length > 0) await engine.signalEach(signals(rest));
  }

  /**
   * Runs lifecycle operations through the workflow (update-with-start when it is not running) and
   * answers the new state once it is in the store: one operation through its own update, several
   * through `changeSet`, which applies all or none. A rejection rejects with the engine's
   * `UpdateRejectedError` carrying the validator's message (`failureType` `ERR_INVALID_TRANSITION`),
   * and changes nothing. An `updateId` makes the request one Update however often it is sent (see
   * `UpdateRequest.updateId`).
   */
  async operate(conversationId: string, { actor, operations }: ChangeSetRequest, start: ConversationStartInput, updateId?: string): Promise<ConversationSnapshot> {
    const { engine } = this.options;
    const [only, ...more] = operations;
    const update = {
      workflowId: conversationWorkflowId(conversationId),
      ...(updateId ? { updateId } : {}),
      ...(only && more.length === 0
        ? { update: OPERATION_UPDATES[only.op].name, args: [operationArgs({ actor, operation: only })] }
        : { update: changeSet.name, args: [{ actor, operations }] }),
    };
    const snapshot = await ifRunning(() => engine.executeUpdate<ConversationSnapshot>(update));
    if (snapshot !== NOT_RUNNING) return snapshot;
    const startIfMissing = { workflowType: CONVERSATION_WORKFLOW_TYPE, args: [await this.startInput({ ...start, conversationId })] };
    return engine.executeUpdate<ConversationSnapshot>({ ...update, startIfMissing });
  }

  /** Gives a running workflow the team as the store holds it now (nothing when none runs: a start reads the team). */
  async tellRoster(conversationId: string, change: RosterChange): Promise<void> {
    await ifRunning(() => this.options.engine.signal({ workflowId: conversationWorkflowId(conversationId), signal: rosterChanged.name, args: [change] }));
  }

  /** The running workflow's state, or undefined when none runs (the store's projection is then current). */
  async getState(conversationId: string, actor: Author = LIFECYCLE_ACTOR): Promise<ConversationSnapshot | undefined> {
    const workflowId = conversationWorkflowId(conversationId);
    const snapshot = await ifRunning(() => this.options.engine.query<ConversationSnapshot>({ workflowId, query: getState.name, args: [{ actor }] }));
    return snapshot === NOT_RUNNING ? undefined : snapshot;
  }

  /** The conversation's audit trail: every run of its workflow, oldest first. */
  history(conversationId: string): Promise<AuditEntry[]> {
    return this.options.engine.history(conversationWorkflowId(conversationId));
  }

  private async startInput(start: ConversationStartInput): Promise<ConversationWorkflowInput> {
    const initialState = await this.options.loadProjection(start.conversationId);
    return initialState ? { ...start, initialState } : start;
  }
}

const NOT_RUNNING = Symbol('no running workflow');

/** Runs a call aimed at a running workflow; NOT_RUNNING when there is none. */
async function ifRunning<T>(call: () => Promise<T>): Promise<T | typeof NOT_RUNNING> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return NOT_RUNNING;
    throw err;
  }
}
