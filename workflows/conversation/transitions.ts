/**
 * The lifecycle operations: when each is allowed (`rejectionOf`) and what it does (`perform`).
 * Pure functions over the state's data; `ConversationState` is their only caller, and it is the
 * one path for agents' updates, plugin reactions, timers and (later) the AI loop alike.
 */
import { PRIORITIES, type ConversationLifecycle, type Priority } from '../../domain/conversation';
import { MAX_AI_PAUSE_MINUTES, MAX_TAG_LENGTH, MAX_TITLE_LENGTH } from '../../domain/operation-schema';
import type { OperationRequest } from '../../domain/operations';
import type { Author, TimelineEvent } from '../../domain/timeline';
import { LIFECYCLE_ACTOR, type RosterMember } from './definitions';
import { routeNotice, waitsForPerson } from './routing-notices';
import type { ConversationStateData } from './state';

/**
 * Rule changes that alter what a running workflow does. A run takes up the rules of the code that
 * started it: workflow.ts asks `patched()` once per run, so a history made under older rules replays
 * under them, and the next run (continue-as-new) takes up the new ones. Absent: the older rule.
 */
export interface RuleRevisions {
  /** The AI cannot leave a conversation it handles; a hand-back unassigns the person it was assigned to. */
  aiHandover?: boolean;
  /**
   * The AI may raise the priority, never lower it (it would undo the team's triage, or its own
   * earlier reading); a person taking the conversation over from the AI (assign, join) owes the
   * visitor an answer, so the AI's last reply no longer counts toward auto-resolve.
   */
  humanTriageStands?: boolean;
  /** A reopen lets go of people who left the team while it was resolved (see `releaseDeparted`). */
  departedReleasedOnReopen?: boolean;
  /**
   * A conversation that comes to wait for a person again (unassigned, its last person left, reopened
   * with nobody on it) goes back to routing, whatever made it wait (routing-notices.ts).
   */
  reroutesWaiting?: boolean;
  /**
   * A hand-back (an agent's, or a reopen's under `aiTakesReopened`) ends an AI pause still running,
   * as a resume does (`ai_resumed`, `aiPausedUntil` removed): the AI answers from then on. Before,
   * the pause outlived it, and the visitor waited for it unanswered, with no first-response clock.
   */
  handBackEndsPause?: boolean;
  /**
   * A new priority (an agent's, the AI's, an SLA breach's bump) of a conversation waiting in a team
   * queue is told to the queue, which re-ranks it (routing-notices.ts). Before, the queue kept the
   * priority the conversation came with, and an `urgent` one waited behind older `medium` ones.
   */
  reranksWaiting?: boolean;
  /**
   * An assignee who leaves the conversation (or is taken out of it) is unassigned, as `unassign`
   * does: it no longer shows under their name or counts toward their load, and, waiting for a person
   * again, it goes back to routing (`reroutesWaiting`). Before, they stayed its assignee.
   */
  leaveUnassigns?: boolean;
  /**
   * An assignment asked `onlyWhileWaiting` (routing's) is refused once the conversation no longer
   * waits for a person, so a hand-back, a join or a resolve since routing's look is not undone.
   * Before, the field was not known and the assignment taken.
   */
  assignsOnlyWhileWaiting?: boolean;
}

export const CURRENT_RULES: Required<RuleRevisions> = {
  aiHandover: true,
  humanTriageStands: true,
  departedReleasedOnReopen: true,
  reroutesWaiting: true,
  handBackEndsPause: true,
  reranksWaiting: true,
  leaveUnassigns: true,
  assignsOnlyWhileWaiting: true,
};

/** How a reopen gives the conversation back to the AI when the settings say so. */
const HAND_BACK: OperationRequest = { actor: LIFECYCLE_ACTOR, operation: { op: 'hand_back' } };

/** What `perform` needs besides the data: the time, and where decisions people must see go. */
export interface TransitionContext {
  data: ConversationStateData;
  now: string;
  emit(actor: Author, event: TimelineEvent): void;
}

/** Why the operation may not happen now, or undefined when it may. Never changes anything. */
export function rejectionOf(data: ConversationStateData, { actor, operation }: OperationRequest): string | undefined {
  if (actor.kind === 'visitor') return "visitors cannot change a conversation's lifecycle";
  const lifecycle = data.lifecycle;
  switch (operation.op) {
    case 'resolve':
      return lifecycle.status === 'resolved' ? 'conversation is already resolved' : undefined;
    case 'reopen':
      return lifecycle.status === 'open' ? 'conversation is already open' : undefined;
    case 'set_priority':
      if (!PRIORITIES.includes(operation.priority)) return `unknown priority '${String(operation.priority)}' (expected ${PRIORITIES.join(', ')})`;
      // As with an assignment: the same choice made first by someone else is "already", not "meanwhile".
      if (operation.priority === lifecycle.priority) return `priority is already ${operation.priority}`;
      if (operation.expectedPriority !== undefined && operation.expectedPriority !== lifecycle.priority) return `priority was set to ${lifecycle.priority} meanwhile`;
      if (data.rules?.humanTriageStands && actor.kind === 'ai' && PRIORITIES.indexOf(operation.priority) < PRIORITIES.indexOf(lifecycle.priority)) {
        return `the assistant may raise the priority, not lower it (it is ${lifecycle.priority})`;
      }
      return undefined;
    case 'set_title': {
      if (operation.title === null) return lifecycle.title === undefined ? 'conversation has no title' : undefined;
      const title = typeof operation.title === 'string' ? operation.title.trim() : '';
      if (title === '' || title.length > MAX_TITLE_LENGTH) return `title must have 1 to ${MAX_TITLE_LENGTH} characters`;
      return title === lifecycle.title ? 'title is unchanged' : undefined;
    }
    case 'add_tags':
      return tagListProblem(operation.tags) ?? (newTags(lifecycle, operation.tags).length === 0 ? 'every tag is already on the conversation' : undefined);
    case 'remove_tags':
      return tagListProblem(operation.tags) ?? (presentTags(lifecycle, operation.tags).length === 0 ? 'none of these tags is on the conversation' : undefined);
    case 'join':
      return rosterProblem(data, operation.userId) ?? (activeParticipant(lifecycle, operation.userId) ? `${operation.userId} is already a participant` : undefined);
    case 'leave': {
      const participant = activeParticipant(lifecycle, operation.userId);
      if (!participant) return `${String(operation.userId)} is not a participant`;
      // The AI answers while it handles the conversation: it cannot be gone and still be in charge.
      return data.rules?.aiHandover && participant.id === aiAssistantOf(data)?.id && lifecycle.handler === 'ai' ? `${participant.id} handles the conversation: escalate it or assign a person first` : undefined;
    }
    case 'assign': {
      const problem = rosterProblem(data, operation.userId);
      if (problem) return problem;
      if (rosterMember(data, operation.userId)?.kind === 'ai') return `${operation.userId} is an AI assistant: hand the conversation back to the AI instead`;
      // The same choice made first by someone else is "already", not "meanwhile": it is as asked.
      if (lifecycle.assigneeId === operation.userId) return `conversation is already assigned to ${operation.userId}`;
      if (operation.onlyWhileWaiting && data.rules?.assignsOnlyWhileWaiting && !waitsForPerson(lifecycle)) return 'conversation no longer waits for a person';
      const expected = operation.expectedAssigneeId;
      if (expected === undefined || expected === (lifecycle.assigneeId ?? null)) return undefined;
      return lifecycle.assigneeId === undefined ? 'conversation was unassigned meanwhile' : `conversation was assigned to ${lifecycle.assigneeId} meanwhile`;
    }
    case 'unassign': {
      if (lifecycle.assigneeId === undefined) return 'conversation has no assignee';
      const expected = operation.expectedAssigneeId;
      return expected !== undefined && expected !== lifecycle.assigneeId ? `conversation was assigned to ${lifecycle.assigneeId} meanwhile` : undefined;
    }
    case 'escalate':
      if (typeof operation.reason !== 'string' || operation.reason.trim() === '') return 'an escalation needs a reason';
      if (lifecycle.status === 'resolved') return 'conversation is resolved: reopen it first';
      return lifecycle.handler === 'ai' ? undefined : `only a conversation the AI handles can be escalated (handler is ${lifecycle.handler})`;
    case 'hand_back':
      if (lifecycle.status === 'resolved') return 'conversation is resolved: reopen it first';
      if (lifecycle.handler === 'ai') {
        // Paused, the AI handles it yet stays silent: what ends that is a resume, not a hand-back.
        return lifecycle.aiPausedUntil === undefined ? 'conversation is already handled by the AI' : `conversation is already handled by the AI, which is paused until ${lifecycle.aiPausedUntil}: resume it instead`;
      }
      return aiAssistantOf(data) === undefined ? 'no AI assistant is on the team' : undefined;
    case 'pause_ai': {
      const minutes = operation.minutes;
      const valid = minutes === undefined || (typeof minutes === 'number' && minutes > 0 && minutes <= MAX_AI_PAUSE_MINUTES);
      return valid ? undefined : `minutes must be more than 0 and at most ${MAX_AI_PAUSE_MINUTES}`;
    }
    case 'resume_ai':
      return lifecycle.aiPausedUntil === undefined ? 'the AI is not paused' : undefined;
    default:
      return `unknown operation '${String((operation as { op?: unknown }).op)}'`;
  }
}

/** Carries out an operation `rejectionOf` allowed. */
export function perform(context: TransitionContext, { actor, operation }: OperationRequest): void {
  const { data, now, emit } = context;
  const lifecycle = data.lifecycle;
  const actorId = actor.id;
  switch (operation.op) {
    case 'resolve':
      lifecycle.status = 'resolved';
      lifecycle.resolvedAt = now;
      lifecycle.resolvedBy = actorId;
      data.retired = false;
      if (typeof operation.itemsUpTo === 'number') data.resolvedAfterSeq = operation.itemsUpTo;
      else delete data.resolvedAfterSeq;
      emit(actor, { kind: 'resolved', actorId, data: withReason(operation.reason) });
      return;
    case 'reopen':
      lifecycle.status = 'open';
      delete lifecycle.resolvedAt;
      delete lifecycle.resolvedBy;
      delete data.resolvedAfterSeq;
      data.retired = false;
      // Nobody owes an answer right after a reopen, so an old team message cannot auto-resolve it at once.
      delete data.lastPublicMessage;
      emit(actor, { kind: 'reopened', actorId, data: withReason(operation.reason) });
      if (data.settings.aiTakesReopened && rejectionOf(data, HAND_BACK) === undefined) perform(context, HAND_BACK);
      // After the hand back, so a conversation the AI takes is not queued for a person.
      if (data.rules?.departedReleasedOnReopen) releaseDeparted(context, () => LIFECYCLE_ACTOR);
      return;
    case 'set_priority':
      emit(actor, { kind: 'priority_changed', actorId, data: { from: lifecycle.priority, to: operation.priority } });
      lifecycle.priority = operation.priority;
      return;
    case 'set_title':
      if (operation.title === null) delete lifecycle.title;
      else lifecycle.title = operation.title.trim();
      emit(actor, { kind: 'title_changed', actorId, data: { title: lifecycle.title ?? null } });
      return;
    case 'add_tags':
      for (const tag of newTags(lifecycle, operation.tags)) {
        lifecycle.tags.push(tag);
        emit(actor, { kind: 'tag_added', actorId, data: { tag } });
      }
      return;
    case 'remove_tags': {
      const removed = presentTags(lifecycle, operation.tags);
      lifecycle.tags = lifecycle.tags.filter((tag) => !removed.includes(tag));
      for (const tag of removed) emit(actor, { kind: 'tag_removed', actorId, data: { tag } });
      return;
    }
    case 'join':
      joinParticipant(context, actor, { id: operation.userId, kind: rosterMember(data, operation.userId)?.kind ?? 'human' });
      return;
    case 'leave': {
      const participant = activeParticipant(lifecycle, operation.userId);
      if (participant) participant.leftAt = now;
      emit(actor, { kind: 'participant_left', actorId, targetId: operation.userId, ...reasonData(operation.reason) });
      // Gone from it, they no longer have it: the conversation waits for a person again.
      if (data.rules?.leaveUnassigns && lifecycle.assigneeId === operation.userId) perform(context, { actor, operation: { op: 'unassign' } });
      return;
    }
    case 'assign': {
      const previous = lifecycle.assigneeId;
      lifecycle.assigneeId = operation.userId;
      takeOverFromAi(data);
      const from = previous === undefined ? {} : { data: { previousAssigneeId: previous } };
      emit(actor, { kind: 'assigned', actorId, targetId: operation.userId, ...from });
      return;
    }
    case 'unassign':
      emit(actor, { kind: 'unassigned', actorId, targetId: lifecycle.assigneeId ?? '', ...reasonData(operation.reason) });
      delete lifecycle.assigneeId;
      return;
    case 'escalate': {
      const reason = operation.reason.trim();
      lifecycle.handler = 'human';
      lifecycle.escalatedAt = now;
      lifecycle.escalationReason = reason;
      // The team owes the visitor an answer now: an earlier AI reply must not start auto-resolve.
      delete data.lastPublicMessage;
      emit(actor, { kind: 'escalated', actorId, data: operation.summary === undefined ? { reason } : { reason, summary: operation.summary } });
      // Public: the visitor learns a person was asked for, not the team's reason.
      emit(actor, { kind: 'participant_requested', actorId, data: {} });
      return;
    }
    case 'hand_back': {
      lifecycle.handler = 'ai';
      emit(actor, { kind: 'handed_back', actorId, data: withReason(operation.reason) });
      // The AI has it now: it no longer counts as the person's (their load, the assignee filter).
      if (data.rules?.aiHandover && lifecycle.assigneeId !== undefined) {
        emit(actor, { kind: 'unassigned', actorId, targetId: lifecycle.assigneeId });
        delete lifecycle.assigneeId;
      }
      const assistant = aiAssistantOf(data);
      if (assistant && !activeParticipant(lifecycle, assistant.id)) joinParticipant(context, actor, assistant);
      // Handed back, the AI answers now: a pause still running ends as a resume ends it.
      if (data.rules?.handBackEndsPause && lifecycle.aiPausedUntil !== undefined) perform(context, { actor, operation: { op: 'resume_ai' } });
      return;
    }
    case 'pause_ai': {
      const pauseMs = operation.minutes === undefined ? data.settings.defaultAiPauseMs : operation.minutes * 60_000;
      lifecycle.aiPausedUntil = addMs(now, pauseMs);
      emit(actor, { kind: 'ai_paused', actorId, data: { until: lifecycle.aiPausedUntil } });
      return;
    }
    case 'resume_ai':
      delete lifecycle.aiPausedUntil;
      emit(actor, { kind: 'ai_resumed', actorId, data: withReason(operation.reason) });
      return;
  }
}

/** Adds (or brings back) a participant and says so on the timeline. */
export function joinParticipant({ data, now, emit }: TransitionContext, actor: Author, member: RosterMember): void {
  const existing = data.lifecycle.participants.find((p) => p.id === member.id);
  if (existing) {
    existing.joinedAt = now;
    delete existing.leftAt;
  } else {
    data.lifecycle.participants.push({ id: member.id, kind: member.kind, joinedAt: now });
  }
  // A human who joins takes the conversation over: the AI stays silent until it is handed back.
  if (member.kind === 'human' && data.lifecycle.handler === 'ai') takeOverFromAi(data);
  emit(actor, { kind: 'participant_joined', actorId: actor.id, targetId: member.id });
}

/**
 * A person has the conversation now. Taken from the AI, they owe the visitor an answer (the
 * first-response clock starts), so the AI's last reply must not start auto-resolve as well.
 */
function takeOverFromAi(data: ConversationStateData): void {
  const fromAi = data.lifecycle.handler === 'ai';
  data.lifecycle.handler = 'human';
  if (fromAi && data.rules?.humanTriageStands && data.lastPublicMessage?.authorKind === 'ai') delete data.lastPublicMessage;
}

export const activeParticipant = (lifecycle: ConversationLifecycle, id: string) =>
  lifecycle.participants.find((p) => p.id === id && p.leftAt === undefined);

/** The assistant the conversation is handed back to: the configured one, else the team's first AI. */
export function aiAssistantOf(data: ConversationStateData): RosterMember | undefined {
  if (data.aiAssistantId !== undefined) return { id: data.aiAssistantId, kind: 'ai' };
  return data.roster.find((member) => member.kind === 'ai');
}

/** The priority one level up, for SLA breaches; urgent stays urgent. */
export function nextPriority(priority: Priority): Priority {
  return PRIORITIES[Math.min(PRIORITIES.indexOf(priority) + 1, PRIORITIES.length - 1)] ?? priority;
}

export const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

/**
 * Lets go of people no longer on the team (`rosterChanged`), each as `actorFor` them (who removed
 * them): an assignee among them is unassigned and those in the conversation leave. If the
 * conversation then waits for a person (`waitsForPerson`), it goes to routing again, so a team
 * queue hands it to someone.
 */
export function releaseDeparted(context: TransitionContext, actorFor: (userId: string) => Author): void {
  const { data } = context;
  const lifecycle = data.lifecycle;
  const gone = (id: string) => !rosterMember(data, id);
  const assignee = lifecycle.assigneeId;
  const leaving = lifecycle.participants.filter((p) => p.kind === 'human' && p.leftAt === undefined && gone(p.id));
  const assigneeGone = assignee !== undefined && gone(assignee);
  if (!assigneeGone && leaving.length === 0) return;
  if (assigneeGone) perform(context, { actor: actorFor(assignee), operation: { op: 'unassign' } });
  for (const { id } of leaving) perform(context, { actor: actorFor(id), operation: { op: 'leave', userId: id } });
  // Runs under newer rules route every conversation that comes to wait again (routingNotices).
  if (!data.rules?.reroutesWaiting && waitsForPerson(lifecycle)) data.outbox.routing.push(routeNotice(lifecycle, data));
}

const rosterMember = (data: ConversationStateData, id: string) => data.roster.find((member) => member.id === id);

/** Why a person the conversation's roster does not have may not join or be assigned (the server tells it the team and asks again). */
export const notOnTeamReason = (userId: string): string => `${userId} is not a member of the team`;

function rosterProblem(data: ConversationStateData, userId: unknown): string | undefined {
  if (typeof userId !== 'string' || userId === '') return 'a userId is required';
  return rosterMember(data, userId) ? undefined : notOnTeamReason(userId);
}

function tagListProblem(tags: unknown): string | undefined {
  if (!Array.isArray(tags) || tags.length === 0) return 'at least one tag is required';
  const bad = tags.find((tag) => typeof tag !== 'string' || tag.trim() === '' || tag.trim().length > MAX_TAG_LENGTH);
  return bad === undefined ? undefined : `tags must have 1 to ${MAX_TAG_LENGTH} characters`;
}

const newTags = (lifecycle: ConversationLifecycle, tags: string[]) =>
  [...new Set(tags.map((tag) => tag.trim()))].filter((tag) => !lifecycle.tags.includes(tag));

const presentTags = (lifecycle: ConversationLifecycle, tags: string[]) =>
  [...new Set(tags.map((tag) => tag.trim()))].filter((tag) => lifecycle.tags.includes(tag));

const withReason = (reason: string | undefined): { reason?: string } => (reason === undefined ? {} : { reason });
/** For events whose `data` is there only to hold a reason. */
const reasonData = (reason: string | undefined): { data?: { reason: string } } => (reason === undefined ? {} : { data: { reason } });
