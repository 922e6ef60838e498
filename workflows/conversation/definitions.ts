/**
 * The conversation workflow's public surface, defined once: imported by the workflow, the engine
 * adapter (runtime/conversation-engine.ts), the server and the tests. Every wire name equals the
 * name of its constant. Every message takes one object argument naming who sends it (`actor`, or
 * `author` for `itemAdded`), which is what the audit trail shows.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConversationLifecycle, Priority } from '../../domain/conversation';
import type { ChangeSetRequest, ItemArrival, LifecycleOperation, LifecycleOperationName, OperationRequest } from '../../domain/operations';
import type { Author, TimelineEvent, Visibility } from '../../domain/timeline';
import type { ConversationStateData } from './state';

export const CONVERSATION_WORKFLOW_TYPE = 'conversationWorkflow';

/** One workflow per conversation: its id is derived from the conversation id. */
export const conversationWorkflowId = (conversationId: string): string => `conversation:${conversationId}`;

/** Who the workflow names as author of what it decides on its own (timers, plugin reactions). */
export const LIFECYCLE_ACTOR: Author = { kind: 'system', id: 'lifecycle' };

/** A team member as the workflow needs to know it: to validate joins and assignments. */
export interface RosterMember {
  id: string;
  kind: 'human' | 'ai';
}

/** The longest a lifecycle duration may be set to (a year): no resolved conversation's workflow runs longer. */
export const MAX_LIFECYCLE_MINUTES = 365 * 24 * 60;

/** The website's lifecycle configuration. Durations are in milliseconds. */
export interface LifecycleSettings {
  /** Time allowed for the first human reply, per priority; a priority without one has no SLA. */
  firstResponseSlaMs: Partial<Record<Priority, number>>;
  /** Raise the priority one level when the first-response SLA is breached. */
  bumpPriorityOnSlaBreach: boolean;
  /** Resolve after this long waiting on the visitor (the team spoke last); absent: never. */
  autoResolveAfterMs?: number;
  /** How long the workflow of a resolved conversation stays open before it completes. */
  retentionAfterResolveMs: number;
  /** How long `pauseAi` silences the AI when the request names no duration. */
  defaultAiPauseMs: number;
  /**
   * A reopened conversation goes back to the AI assistant (a `handed_back` event), instead of
   * staying with the humans who took it over. Default false.
   */
  aiTakesReopened?: boolean;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  firstResponseSlaMs: { low: DAY, medium: 4 * HOUR, high: HOUR, urgent: 15 * MINUTE },
  bumpPriorityOnSlaBreach: true,
  autoResolveAfterMs: DAY,
  retentionAfterResolveMs: 7 * DAY,
  defaultAiPauseMs: HOUR,
};

/** The store's projection of a conversation: where a workflow restarted after it ended resumes from. */
export interface ConversationProjection {
  lifecycle: ConversationLifecycle;
  stateVersion: number;
}

export interface ConversationWorkflowInput {
  conversationId: string;
  websiteId: string;
  visitorId: string;
  roster: RosterMember[];
  /** The website's team revision `roster` is as new as (`RosterChange.revision`). */
  rosterRevision?: number;
  settings: LifecycleSettings;
  /** The revision of `settings` (`SettingsChange.revision`); absent for the defaults. */
  settingsRevision?: number;
  /** The AI assistant that handles new conversations (handler starts as `ai`); absent: humans only. */
  aiAssistantId?: string;
  /** The store's projection, when the conversation existed before this workflow (a reopen after the workflow ended). */
  initialState?: ConversationProjection;
  /** When a run continues as new (defaults in workflow.ts); Temporal's own suggestion always counts too. */
  runLimits?: RunLimits;
  /** Set by the workflow itself when it continues as new; callers leave it out. */
  carried?: ConversationStateData;
}

/**
 * Bounds on one run's history, on top of the engine's own continue-as-new suggestion. Messages
 * are counted too so that tests can force a continue-as-new after a few of them.
 */
export interface RunLimits {
  historyEvents?: number;
  /** Signals and updates handled. */
  messages?: number;
}

/** The lifecycle as callers see it, with the clocks the workflow runs. */
export interface ConversationSnapshot extends ConversationLifecycle {
  conversationId: string;
  /** Increases with every change to the lifecycle; the store ignores projections older than it holds. */
  stateVersion: number;
  /** When the first-response SLA breaches, while it runs. */
  firstResponseDueAt?: string;
  /** When the conversation resolves itself if the visitor does not answer. */
  autoResolveAt?: string;
}

/** An `event` timeline item the workflow decided on, as the `recordEvents` activity writes it. */
export interface RecordedEvent {
  /** Derived from the workflow id and the state version, so activity retries and replays write it once. */
  id: string;
  visibility: Visibility;
  author: Author;
  createdAt: string;
  event: TimelineEvent;
}

/** What the `notifySlaBreach` activity hook receives. */
export interface SlaBreach {
  conversationId: string;
  websiteId: string;
  sla: 'first_response';
  priority: Priority;
  dueAt: string;
  breachedAt: string;
}

export interface RosterChange {
  /** Who changed the team. */
  actor: Author;
  roster: RosterMember[];
  /**
   * The website's team revision, read before `roster`: a change of a lower revision than the
   * conversation has is dropped, as signals may come out of order. Absent (older senders): taken.
   */
  revision?: number;
  /** Who removed each person no longer on the team, by id: what the conversation records of their leaving (default: `actor`). */
  departedBy?: Record<string, Author>;
}

export interface SettingsChange {
  actor: Author;
  settings: LifecycleSettings;
  /**
   * When the website's settings were changed (the signal may come later, and more than once);
   * default: when it arrives.
   */
  changedAt?: string;
  /** How many times the settings were stored: settings of a lower revision than the conversation has are dropped. Absent: taken. */
  revision?: number;
}

export interface StateQuery {
  actor: Author;
}

/** Every new timeline item, deduplicated by item id. `author` is the sender for the audit trail. */
export const itemAdded = defineSignal<[ItemArrival]>('itemAdded');
export const rosterChanged = defineSignal<[RosterChange]>('rosterChanged');
/** The website's lifecycle settings changed: the running conversation takes them from now on. */
export const settingsChanged = defineSignal<[SettingsChange]>('settingsChanged');
export const getState = defineQuery<ConversationSnapshot, [StateQuery]>('getState');

type OperationOf<K extends LifecycleOperationName> = Extract<LifecycleOperation, { op: K }>;

/** An operation update's single argument: the operation's own fields and who asks. */
export type OperationArgs<K extends LifecycleOperationName = LifecycleOperationName> = K extends LifecycleOperationName
  ? Omit<OperationOf<K>, 'op'> & { actor: Author }
  : never;

export type OperationUpdate<K extends LifecycleOperationName> = ReturnType<typeof defineUpdate<ConversationSnapshot, [OperationArgs<K>]>>;

const operationUpdate = <K extends LifecycleOperationName>(name: string): OperationUpdate<K> =>
  defineUpdate<ConversationSnapshot, [OperationArgs<K>]>(name);

// One update per operation, so the audit trail names what was done.
export const resolve = operationUpdate<'resolve'>('resolve');
export const reopen = operationUpdate<'reopen'>('reopen');
export const setPriority = operationUpdate<'set_priority'>('setPriority');
export const setTitle = operationUpdate<'set_title'>('setTitle');
export const addTags = operationUpdate<'add_tags'>('addTags');
export const removeTags = operationUpdate<'remove_tags'>('removeTags');
export const join = operationUpdate<'join'>('join');
export const leave = operationUpdate<'leave'>('leave');
export const assign = operationUpdate<'assign'>('assign');
export const unassign = operationUpdate<'unassign'>('unassign');
export const escalate = operationUpdate<'escalate'>('escalate');
export const handBack = operationUpdate<'hand_back'>('handBack');
export const pauseAi = operationUpdate<'pause_ai'>('pauseAi');
export const resumeAi = operationUpdate<'resume_ai'>('resumeAi');

/**
 * Several operations at once, validated together (each against the state the ones before it leave)
 * and applied together or not at all; the audit trail lists them in the update's argument.
 */
export const changeSet = defineUpdate<ConversationSnapshot, [ChangeSetRequest]>('changeSet');

/** The update that carries each operation. */
export const OPERATION_UPDATES: { [K in LifecycleOperationName]: OperationUpdate<K> } = {
  resolve,
  reopen,
  set_priority: setPriority,
  set_title: setTitle,
  add_tags: addTags,
  remove_tags: removeTags,
  join,
  leave,
  assign,
  unassign,
  escalate,
  hand_back: handBack,
  pause_ai: pauseAi,
  resume_ai: resumeAi,
};

/** The update argument for a request (what the adapter sends). */
export function operationArgs(request: OperationRequest): OperationArgs {
  const { op: _op, ...fields } = request.operation;
  return { ...fields, actor: request.actor } as OperationArgs;
}

/** The request an update argument stands for (what the workflow applies). */
export function operationRequest<K extends LifecycleOperationName>(op: K, args: OperationArgs<K>): OperationRequest {
  const { actor, ...fields } = args;
  return { actor, operation: { ...fields, op } as LifecycleOperation };
}
