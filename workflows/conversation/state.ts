/**
 * The conversation's rules, as a plain class: the workflow feeds it messages, timer firings and
 * the time, and reads back snapshots, deadlines and an outbox of what to persist. It never does
 * I/O, so unit tests drive it directly (test/workflows/conversation/state.test.ts).
 *
 * Every change goes through `transact`, which bumps `stateVersion` once per change set and turns
 * the events it emitted into timeline items with ids derived from the workflow id and that version.
 */
import { DEFAULT_PRIORITY, type ConversationLifecycle } from '../../domain/conversation';
import type { ItemArrival, OperationRequest } from '../../domain/operations';
import { eventVisibility, type Author, type AuthorKind, type TimelineEvent } from '../../domain/timeline';
import {
  LIFECYCLE_ACTOR,
  conversationWorkflowId,
  type ConversationProjection,
  type ConversationSnapshot,
  type ConversationWorkflowInput,
  type LifecycleSettings,
  type RecordedEvent,
  type RosterChange,
  type RosterMember,
  type SettingsChange,
  type SlaBreach,
} from './definitions';
import { ROUTING_ACTOR } from '../routing/definitions';
import { routingNotices, type RoutingNotice } from './routing-notices';
import { activeParticipant, addMs, aiAssistantOf, CURRENT_RULES, joinParticipant, nextPriority, perform, rejectionOf, releaseDeparted, type RuleRevisions, type TransitionContext } from './transitions';

/** How many recent item ids are remembered to drop repeated `itemAdded` signals. */
export const DEDUP_WINDOW = 1_000;

export type DeadlineKind = 'firstResponse' | 'autoResolve' | 'aiPause' | 'retention';
export type Deadlines = Partial<Record<DeadlineKind, string>>;

/** Everything the workflow knows about the conversation; plain JSON, carried across continue-as-new. */
export interface ConversationStateData {
  conversationId: string;
  websiteId: string;
  visitorId: string;
  aiAssistantId?: string;
  roster: RosterMember[];
  /** The team revision `roster` is as new as (`RosterChange.revision`); absent: not known. */
  rosterRevision?: number;
  settings: LifecycleSettings;
  /** The revision of `settings` (`SettingsChange.revision`); absent: not known. */
  settingsRevision?: number;
  /** When each duration last changed in this conversation's life (`settingsChanged`): no deadline it sets falls before that. */
  settingsChangedAt?: Partial<Record<SettingsAnchored, string>>;
  lifecycle: ConversationLifecycle;
  stateVersion: number;
  /** Runs while humans owe the visitor a first reply; `dueAt` absent when the priority has no SLA. */
  firstResponseClock?: { startedAt: string; dueAt?: string; breachedAt?: string };
  /** The newest public message: whose turn it is (auto-resolve waits on the visitor after a team message). */
  lastPublicMessage?: { itemId: string; authorKind: AuthorKind; at: string };
  visitorHasWritten: boolean;
  /** While resolved: visitor messages up to this seq were written before the resolve and do not reopen (absent: any does). */
  resolvedAfterSeq?: number;
  /** Ids of the newest items seen, oldest first, at most DEDUP_WINDOW. */
  recentItemIds: string[];
  /** The retention window after resolving has passed: the workflow may complete. */
  retired: boolean;
  /** Visitor messages the AI assistant counted since it last took the conversation; the assistant keeps it, continue-as-new carries it. */
  aiVisitorTurns?: number;
  /** The visitor's message left while the AI could not answer, which it takes up once it may; the assistant keeps it, continue-as-new carries it. */
  aiLeftWaiting?: ItemArrival;
  /** The highest seq of a public visitor message heard: a reply to it or an older one is held back once a newer one is stored. */
  visitorSeqHeard?: number;
  /** The rules this run was started under (transitions.ts); set anew by each run. */
  rules?: RuleRevisions;
  outbox: Outbox;
}

interface Outbox {
  events: RecordedEvent[];
  projectionDue: boolean;
  breaches: SlaBreach[];
  /** Sent after the projection: routing reads the store. */
  routing: RoutingNotice[];
}

const emptyOutbox = (): Outbox => ({ events: [], projectionDue: false, breaches: [], routing: [] });

/** What the workflow must persist, taken from the outbox in one go. */
export interface StateOutput {
  events: RecordedEvent[];
  projection?: ConversationProjection;
  breaches: SlaBreach[];
  routing: RoutingNotice[];
  /** The state version this output brings the store up to. */
  stateVersion: number;
}

export interface ItemOutcome {
  /** The item was seen before: nothing was applied. */
  duplicate: boolean;
  /** A public message from the visitor: what an AI turn answers. */
  visitorMessage: boolean;
}

/** A lifecycle operation that is not allowed now; the workflow turns it into an ApplicationFailure. */
export class TransitionRejected extends Error {
  readonly code = 'ERR_INVALID_TRANSITION';
  constructor(message: string) {
    super(message);
    this.name = 'TransitionRejected';
  }
}

/** The deadlines whose duration a settings change can move. */
type SettingsAnchored = 'firstResponse' | 'autoResolve' | 'retention';

export class ConversationState {
  private readonly recentIds: Set<string>;
  private drafts: { actor: Author; event: TimelineEvent }[] = [];

  constructor(private readonly data: ConversationStateData) {
    this.recentIds = new Set(data.recentItemIds);
  }

  /** The state a run starts from: carried over by continue-as-new, resumed from the store, or new. */
  static start(input: ConversationWorkflowInput, now: string, rules: RuleRevisions = CURRENT_RULES): ConversationState {
    if (input.carried) return new ConversationState({ ...input.carried, rules });
    const resumed = input.initialState && input.initialState.stateVersion > 0 ? input.initialState : undefined;
    const state = new ConversationState({
      conversationId: input.conversationId,
      websiteId: input.websiteId,
      visitorId: input.visitorId,
      ...(input.aiAssistantId === undefined ? {} : { aiAssistantId: input.aiAssistantId }),
      roster: input.roster,
      ...(input.rosterRevision === undefined ? {} : { rosterRevision: input.rosterRevision }),
      settings: input.settings,
      ...(input.settingsRevision === undefined ? {} : { settingsRevision: input.settingsRevision }),
      lifecycle: resumed ? clone(resumed.lifecycle) : newLifecycle(input, now),
      stateVersion: input.initialState?.stateVersion ?? 0,
      visitorHasWritten: false,
      recentItemIds: [],
      retired: false,
      rules,
      outbox: emptyOutbox(),
    });
    // The workflow's view goes to the store at once (e.g. the AI as handler of a new conversation).
    state.data.stateVersion += 1;
    state.data.outbox.projectionDue = true;
    state.reconcileClocks(now);
    return state;
  }

  /** The serializable state, for continue-as-new. */
  toData(): ConversationStateData {
    return clone(this.data);
  }

  get stateVersion(): number {
    return this.data.stateVersion;
  }

  get roster(): RosterMember[] {
    return this.data.roster;
  }

  get retired(): boolean {
    return this.data.retired;
  }

  /** The assistant that answers while the handler is `ai`. */
  get aiAssistantId(): string | undefined {
    return aiAssistantOf(this.data)?.id;
  }

  lifecycle(): ConversationLifecycle {
    return clone(this.data.lifecycle);
  }

  /** The lifecycle itself, not a copy: for reads made on the spot (`lifecycle()` is the copy to keep or hand out). */
  get lifecycleView(): Readonly<ConversationLifecycle> {
    return this.data.lifecycle;
  }

  snapshot(): ConversationSnapshot {
    const { firstResponse, autoResolve } = this.deadlines();
    return {
      ...this.lifecycle(),
      conversationId: this.data.conversationId,
      stateVersion: this.data.stateVersion,
      ...(firstResponse === undefined ? {} : { firstResponseDueAt: firstResponse }),
      ...(autoResolve === undefined ? {} : { autoResolveAt: autoResolve }),
    };
  }

  /** Why the request may not be applied now (a validator's answer), or undefined. */
  rejectionOf(request: OperationRequest): string | undefined {
    return rejectionOf(this.data, request);
  }

  /**
   * Why the requests may not be applied together now, or undefined. Each is checked against the
   * state the ones before it leave, worked out on a copy: nothing changes.
   */
  rejectionOfAll(requests: OperationRequest[], now: string): string | undefined {
    const [first, ...rest] = requests;
    if (!first) return 'no operations';
    if (rest.length === 0) return this.rejectionOf(first);
    const trial = clone(this.data);
    for (const request of requests) {
      const reason = rejectionOf(trial, request);
      if (reason !== undefined) return `${request.operation.op}: ${reason}`;
      perform({ data: trial, now, emit: () => undefined }, request);
    }
    return undefined;
  }

  /**
   * Applies lifecycle operations, whoever asks (agent update, plugin reaction, AI tool call): all
   * of them, in one state version, or none (TransitionRejected).
   */
  apply(requests: OperationRequest[], now: string): ConversationSnapshot {
    const reason = this.rejectionOfAll(requests, now);
    if (reason !== undefined) throw new TransitionRejected(reason);
    this.transact(now, (context) => {
      for (const request of requests) perform(context, request);
    });
    return this.snapshot();
  }

  /** See `ConversationStateData.visitorSeqHeard` (0 before the visitor wrote). */
  get visitorSeqHeard(): number {
    return this.data.visitorSeqHeard ?? 0;
  }

  /** The product's rules for a new timeline item. */
  receiveItem(item: ItemArrival, now: string): ItemOutcome {
    if (!this.remember(item.id)) return { duplicate: true, visitorMessage: false };
    const { author } = item;
    const kind = author.kind;
    const isPublicMessage = item.type === 'message' && item.visibility === 'public';
    if (!isPublicMessage || kind === 'system') return { duplicate: false, visitorMessage: false };
    this.transact(now, (context) => {
      const lifecycle = this.data.lifecycle;
      if (kind === 'visitor') {
        this.data.visitorHasWritten = true;
        this.data.visitorSeqHeard = Math.max(this.data.visitorSeqHeard ?? 0, item.seq);
        // A message written before the resolve but heard after it (signals can lag) does not undo it.
        const writtenBeforeResolve = item.seq <= (this.data.resolvedAfterSeq ?? 0);
        if (lifecycle.status === 'resolved' && !writtenBeforeResolve) perform(context, { actor: author, operation: { op: 'reopen', reason: 'the visitor wrote again' } });
      } else {
        if (!activeParticipant(lifecycle, author.id)) joinParticipant(context, author, { id: author.id, kind });
        if (kind === 'human') {
          // Replying takes the conversation over from the AI, escalated or not.
          lifecycle.handler = 'human';
          lifecycle.firstResponseAt ??= now;
        }
      }
      this.data.lastPublicMessage = { itemId: item.id, authorKind: kind, at: now };
    });
    return { duplicate: false, visitorMessage: kind === 'visitor' };
  }

  /**
   * The assistant's reply is in the store (an activity wrote it, so no `itemAdded` follows). While
   * the AI handles the conversation it answers for the team: auto-resolve now waits on the visitor.
   * A hand-off message after an escalation does not count: the team still owes the answer.
   */
  receiveAiReply(itemId: string, now: string): void {
    if (!this.remember(itemId) || this.data.lifecycle.handler !== 'ai') return;
    this.transact(now, () => {
      this.data.lastPublicMessage = { itemId, authorKind: 'ai', at: now };
    });
  }

  /**
   * The team changed. An open conversation lets go of people no longer on it, as done by whoever
   * removed them (`releaseDeparted`); a resolved one keeps its record until it is reopened. A team
   * older than the one the conversation has (a lower revision) changes nothing.
   */
  changeRoster({ actor, roster, revision, departedBy = {} }: RosterChange, now: string): void {
    if (isOlder(revision, this.data.rosterRevision)) return;
    this.data.roster = roster;
    if (revision !== undefined) this.data.rosterRevision = revision;
    if (this.data.lifecycle.status === 'open') this.transact(now, (context) => releaseDeparted(context, (userId) => departedBy[userId] ?? actor));
  }

  get settings(): LifecycleSettings {
    return this.data.settings;
  }

  /**
   * The website's lifecycle settings changed: they hold from now on. The deadlines follow at once (a
   * first-response target counts from when its clock started, auto-resolve from the last reply,
   * retention from the resolve), but one whose duration changed never falls before the change
   * (`changedAt`, else now): it counts from the change instead, so tightening a target does not
   * breach or resolve every conversation at once. Settings older than those the conversation has
   * change nothing.
   */
  changeSettings({ settings, changedAt, revision }: Pick<SettingsChange, 'settings' | 'changedAt' | 'revision'>, now: string): void {
    if (isOlder(revision, this.data.settingsRevision)) return;
    if (revision !== undefined) this.data.settingsRevision = revision;
    const before = this.data.settings;
    const moved: Record<SettingsAnchored, boolean> = {
      firstResponse: JSON.stringify(before.firstResponseSlaMs) !== JSON.stringify(settings.firstResponseSlaMs),
      autoResolve: before.autoResolveAfterMs !== settings.autoResolveAfterMs,
      retention: before.retentionAfterResolveMs !== settings.retentionAfterResolveMs,
    };
    this.data.settings = settings;
    // Only a duration that changed counts from the change: a repeat of the same settings, or a change to another one, moves nothing.
    const anchors = (this.data.settingsChangedAt ??= {});
    for (const kind of Object.keys(moved) as SettingsAnchored[]) if (moved[kind]) anchors[kind] = changedAt ?? now;
    this.reconcileClocks(now);
  }

  /** Whether the AI assistant should answer a visitor now: it handles the conversation, is not paused, and it is open. */
  shouldAiRespond(now: string): boolean {
    const { status, handler, aiPausedUntil } = this.data.lifecycle;
    const paused = aiPausedUntil !== undefined && Date.parse(aiPausedUntil) > Date.parse(now);
    return status === 'open' && handler === 'ai' && !paused && this.aiAssistantId !== undefined;
  }

  /** When each durable timer should fire; the workflow keeps one timer per entry. */
  deadlines(): Deadlines {
    const { lifecycle, settings, firstResponseClock, lastPublicMessage } = this.data;
    const deadlines: Deadlines = {};
    if (firstResponseClock?.dueAt !== undefined && firstResponseClock.breachedAt === undefined) deadlines.firstResponse = firstResponseClock.dueAt;
    const waitingOnVisitor = lifecycle.status === 'open' && lastPublicMessage !== undefined && lastPublicMessage.authorKind !== 'visitor';
    if (waitingOnVisitor && settings.autoResolveAfterMs !== undefined) deadlines.autoResolve = this.dueAfter('autoResolve', lastPublicMessage.at, settings.autoResolveAfterMs);
    if (lifecycle.aiPausedUntil !== undefined) deadlines.aiPause = lifecycle.aiPausedUntil;
    if (lifecycle.status === 'resolved' && lifecycle.resolvedAt !== undefined && !this.data.retired) {
      deadlines.retention = this.dueAfter('retention', lifecycle.resolvedAt, settings.retentionAfterResolveMs);
    }
    return deadlines;
  }

  /** A timer fired: acts if its deadline still stands and has passed (a change may have moved it meanwhile). */
  onDeadline(kind: DeadlineKind, now: string): void {
    const due = this.deadlines()[kind];
    if (due === undefined || Date.parse(due) > Date.parse(now)) return;
    switch (kind) {
      case 'firstResponse':
        return this.transact(now, (context) => this.breachFirstResponse(context, due));
      case 'autoResolve':
        return this.transact(now, (context) => perform(context, { actor: LIFECYCLE_ACTOR, operation: { op: 'resolve', reason: 'no reply from the visitor' } }));
      case 'aiPause':
        return this.transact(now, (context) => perform(context, { actor: LIFECYCLE_ACTOR, operation: { op: 'resume_ai' } }));
      case 'retention':
        this.data.retired = true;
        return;
    }
  }

  hasOutput(): boolean {
    const { events, projectionDue, breaches, routing } = this.data.outbox;
    return events.length > 0 || projectionDue || breaches.length > 0 || routing.length > 0;
  }

  /** Empties the outbox: the caller persists what it returns. */
  takeOutput(): StateOutput {
    const { events, projectionDue, breaches, routing } = this.data.outbox;
    this.data.outbox = emptyOutbox();
    const stateVersion = this.data.stateVersion;
    return { events, breaches, routing, stateVersion, ...(projectionDue ? { projection: { lifecycle: this.lifecycle(), stateVersion } } : {}) };
  }

  private breachFirstResponse(context: TransitionContext, dueAt: string): void {
    const { lifecycle, settings } = this.data;
    const priority = lifecycle.priority;
    this.data.firstResponseClock!.breachedAt = context.now;
    context.emit(LIFECYCLE_ACTOR, { kind: 'sla_breached', data: { sla: 'first_response', priority, dueAt } });
    this.data.outbox.breaches.push({
      conversationId: this.data.conversationId,
      websiteId: this.data.websiteId,
      sla: 'first_response',
      priority,
      dueAt,
      breachedAt: context.now,
    });
    const bumped = nextPriority(priority);
    if (settings.bumpPriorityOnSlaBreach && bumped !== priority) {
      perform(context, { actor: LIFECYCLE_ACTOR, operation: { op: 'set_priority', priority: bumped } });
    }
  }

  /**
   * Runs `mutate`, then settles the clocks. A change set that changed the lifecycle or emitted
   * events gets the next state version; its events become timeline items, the projection is due
   * and routing hears what concerns it.
   */
  private transact(now: string, mutate: (context: TransitionContext) => void): void {
    // Comparing the serialized lifecycle is one rule for "changed" that no mutation can forget.
    // Most items change nothing, so the copy for routingNotices is only parsed when something did.
    const serializedBefore = JSON.stringify(this.data.lifecycle);
    mutate({ data: this.data, now, emit: (actor, event) => this.drafts.push({ actor, event }) });
    this.reconcileClocks(now);
    const drafts = this.drafts;
    this.drafts = [];
    if (drafts.length === 0 && JSON.stringify(this.data.lifecycle) === serializedBefore) return;
    const before = JSON.parse(serializedBefore) as ConversationLifecycle;
    const byRouting = drafts.some(({ actor, event }) => event.kind === 'unassigned' && actor.kind === ROUTING_ACTOR.kind && actor.id === ROUTING_ACTOR.id);
    this.data.outbox.routing.push(...routingNotices(before, this.data.lifecycle, this.data, this.data.rules, byRouting));
    const version = ++this.data.stateVersion;
    const workflowId = conversationWorkflowId(this.data.conversationId);
    drafts.forEach(({ actor, event }, index) => {
      this.data.outbox.events.push({
        id: `${workflowId}:event:${version}.${index}`,
        visibility: eventVisibility(event.kind),
        author: actor,
        createdAt: now,
        event,
      });
    });
    this.data.outbox.projectionDue = true;
  }

  /**
   * The first-response clock runs while the conversation is open, humans handle it (not the AI),
   * the visitor has written and no human has answered yet; it starts when that becomes true and
   * its due time follows the priority.
   */
  private reconcileClocks(now: string): void {
    const { lifecycle, settings } = this.data;
    const owed = lifecycle.status === 'open' && lifecycle.handler !== 'ai' && lifecycle.firstResponseAt === undefined && this.data.visitorHasWritten;
    if (!owed) {
      delete this.data.firstResponseClock;
      return;
    }
    const clock = (this.data.firstResponseClock ??= { startedAt: now });
    const slaMs = settings.firstResponseSlaMs[lifecycle.priority];
    if (slaMs === undefined) delete clock.dueAt;
    else clock.dueAt = this.dueAfter('firstResponse', clock.startedAt, slaMs);
  }

  /** `ms` after `from`; if the duration changed after that would be, `ms` after the change (see `changeSettings`). */
  private dueAfter(kind: SettingsAnchored, from: string, ms: number): string {
    const due = addMs(from, ms);
    const changedAt = this.data.settingsChangedAt?.[kind];
    return changedAt !== undefined && Date.parse(due) < Date.parse(changedAt) ? addMs(changedAt, ms) : due;
  }

  /** Records the id; false when it was seen before. */
  private remember(itemId: string): boolean {
    if (this.recentIds.has(itemId)) return false;
    this.recentIds.add(itemId);
    this.data.recentItemIds.push(itemId);
    if (this.data.recentItemIds.length > DEDUP_WINDOW) this.recentIds.delete(this.data.recentItemIds.shift()!);
    return true;
  }
}

/**
 * A conversation's lifecycle before anything happened; creation-time choices (priority, tags, title)
 * come from the store's record, and so does when the assistant joined: the creation answer already
 * told it, and a time of the workflow's own start would change it in the first view it writes.
 */
function newLifecycle(input: ConversationWorkflowInput, now: string): ConversationLifecycle {
  const created = input.initialState?.lifecycle;
  const ai = input.aiAssistantId;
  const aiJoinedAt = created?.participants?.find((p) => p.id === ai && p.kind === 'ai')?.joinedAt ?? now;
  return {
    status: 'open',
    priority: created?.priority ?? DEFAULT_PRIORITY,
    handler: ai === undefined ? 'unassigned' : 'ai',
    participants: ai === undefined ? [] : [{ id: ai, kind: 'ai', joinedAt: aiJoinedAt }],
    tags: [...(created?.tags ?? [])],
    ...(created?.title === undefined ? {} : { title: created.title }),
  };
}

/** A deep copy of plain JSON data (what the state is made of). */
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Whether a change's revision is below the one held (either unknown: not older). */
function isOlder(revision: number | undefined, held: number | undefined): boolean {
  return revision !== undefined && held !== undefined && revision < held;
}
