import { describe, expect, it } from 'vitest';
import type { LifecycleOperation } from '../../../domain/operations';
import type { Author, EventKind } from '../../../domain/timeline';
import type { ConversationWorkflowInput } from '../../../workflows/conversation/definitions';
import { ConversationState, DEDUP_WINDOW, TransitionRejected } from '../../../workflows/conversation/state';
import { CURRENT_RULES } from '../../../workflows/conversation/transitions';
import { ROUTING_ACTOR } from '../../../workflows/routing/definitions';
import { ALICE, ASSISTANT, BOB, HOUR, MINUTE, SETTINGS, VISITOR, arrival, workflowInput } from './fixtures';

const T0 = Date.UTC(2025, 0, 1);
const at = (ms = 0) => new Date(T0 + ms).toISOString();

/** A state whose start-up output is already persisted, so each test sees only what it caused. */
function started(overrides: Partial<ConversationWorkflowInput> = {}): ConversationState {
  const state = ConversationState.start(workflowInput(overrides), at());
  state.takeOutput();
  return state;
}

const withAi = () => started({ aiAssistantId: ASSISTANT.id });
const op = (state: ConversationState, actor: Author, operation: LifecycleOperation, ms = 0) => state.apply([{ actor, operation }], at(ms));
const eventKinds = (state: ConversationState): EventKind[] => state.takeOutput().events.map((e) => e.event.kind);

describe('ConversationState', () => {
  describe('.start', () => {
    it('gives a new conversation to the AI when an assistant handles new conversations', () => {
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at());
      expect(state.snapshot()).toMatchObject({
        status: 'open',
        priority: 'medium',
        handler: 'ai',
        participants: [{ id: ASSISTANT.id, kind: 'ai', joinedAt: at() }],
        stateVersion: 1,
      });
    });

    it('leaves a new conversation unassigned without an assistant', () => {
      expect(started().snapshot()).toMatchObject({ handler: 'unassigned', participants: [] });
    });

    it('writes its first view to the store at once', () => {
      const output = ConversationState.start(workflowInput(), at()).takeOutput();
      expect(output.events).toEqual([]);
      expect(output.projection).toEqual({ lifecycle: expect.objectContaining({ status: 'open' }), stateVersion: 1 });
    });

    it('resumes from a projection, with the next state version', () => {
      const lifecycle = { status: 'resolved' as const, priority: 'high' as const, handler: 'human' as const, participants: [], tags: ['vip'], resolvedAt: at(), resolvedBy: ALICE.id };
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id, initialState: { lifecycle, stateVersion: 12 } }), at(HOUR));
      expect(state.snapshot()).toMatchObject({ ...lifecycle, stateVersion: 13 });
    });

    it('keeps only the creation-time choices of a projection no workflow wrote yet', () => {
      const lifecycle = { status: 'open' as const, priority: 'urgent' as const, handler: 'unassigned' as const, participants: [], tags: ['billing'], title: 'Refund' };
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id, initialState: { lifecycle, stateVersion: 0 } }), at());
      expect(state.snapshot()).toMatchObject({ priority: 'urgent', tags: ['billing'], title: 'Refund', handler: 'ai', stateVersion: 1 });
    });

    it("keeps when the store's record says the assistant joined (the creation answer's time)", () => {
      const lifecycle = { status: 'open' as const, priority: 'medium' as const, handler: 'ai' as const, participants: [{ id: ASSISTANT.id, kind: 'ai' as const, joinedAt: at() }], tags: [] };
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id, initialState: { lifecycle, stateVersion: 0 } }), at(250));
      expect(state.snapshot().participants).toEqual([{ id: ASSISTANT.id, kind: 'ai', joinedAt: at() }]);
    });

    it('continues from carried state as it was', () => {
      const before = withAi();
      before.receiveItem(arrival(VISITOR, 'hi'), at());
      op(before, ALICE, { op: 'add_tags', tags: ['x'] });
      const after = ConversationState.start(workflowInput({ carried: before.toData() }), at(HOUR));
      expect(after.snapshot()).toEqual(before.snapshot());
      expect(after.hasOutput()).toBe(true);
    });
  });

  describe('#receiveItem', () => {
    it('ignores an item it has seen, even across continue-as-new', () => {
      const state = started();
      const item = arrival(BOB, 'hello');
      expect(state.receiveItem(item, at())).toEqual({ duplicate: false, visitorMessage: false });
      const carried = new ConversationState(state.toData());
      expect(carried.receiveItem(item, at(1)).duplicate).toBe(true);
    });

    it('remembers a bounded number of item ids', () => {
      const state = started();
      const first = arrival(VISITOR, 'first');
      state.receiveItem(first, at());
      for (let i = 0; i < DEDUP_WINDOW; i++) state.receiveItem(arrival(VISITOR, `m${i}`), at());
      expect(state.toData().recentItemIds).toHaveLength(DEDUP_WINDOW);
      expect(state.receiveItem(first, at()).duplicate).toBe(false);
    });

    it('reopens a resolved conversation when the visitor writes, with a reopened event by the visitor', () => {
      const state = started();
      op(state, ALICE, { op: 'resolve' });
      state.takeOutput();
      expect(state.receiveItem(arrival(VISITOR, 'one more thing'), at(MINUTE))).toEqual({ duplicate: false, visitorMessage: true });
      expect(state.snapshot()).toMatchObject({ status: 'open' });
      expect(state.snapshot().resolvedAt).toBeUndefined();
      const [event] = state.takeOutput().events;
      expect(event).toMatchObject({ author: VISITOR, visibility: 'public', event: { kind: 'reopened', actorId: VISITOR.id } });
    });

    it('stays resolved when a visitor message written before the resolve arrives after it, and reopens for one written after', () => {
      const state = started();
      const before = arrival(VISITOR, 'sent just before the agent resolved');
      op(state, ALICE, { op: 'resolve', itemsUpTo: before.seq });
      state.takeOutput();
      expect(state.receiveItem(before, at(MINUTE))).toEqual({ duplicate: false, visitorMessage: true });
      expect(state.snapshot()).toMatchObject({ status: 'resolved' });
      expect(state.takeOutput().events).toEqual([]);
      state.receiveItem(arrival(VISITOR, 'one more thing'), at(2 * MINUTE));
      expect(state.snapshot()).toMatchObject({ status: 'open' });
      expect(eventKinds(state)).toEqual(['reopened']);
    });

    it('judges by the latest resolve: after a reopen and a resolve without a known end, any visitor message reopens', () => {
      const state = started();
      op(state, ALICE, { op: 'resolve', itemsUpTo: 1_000 });
      op(state, ALICE, { op: 'reopen' });
      op(state, ALICE, { op: 'resolve' });
      state.receiveItem(arrival(VISITOR, 'late'), at(MINUTE));
      expect(state.snapshot()).toMatchObject({ status: 'open' });
    });

    it('changes nothing when the visitor writes to an open conversation', () => {
      const state = started();
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      expect(state.stateVersion).toBe(1);
      expect(state.hasOutput()).toBe(false);
    });

    it("makes an agent's first public reply the first response, a join and a takeover", () => {
      const state = withAi();
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      state.receiveItem(arrival(ALICE, 'hello, Alice here'), at(MINUTE));
      expect(state.snapshot()).toMatchObject({
        handler: 'human',
        firstResponseAt: at(MINUTE),
        participants: [{ id: ASSISTANT.id }, { id: ALICE.id, kind: 'human', joinedAt: at(MINUTE) }],
      });
      expect(state.takeOutput().events.map((e) => e.event)).toEqual([{ kind: 'participant_joined', actorId: ALICE.id, targetId: ALICE.id }]);
    });

    it('keeps the first response time and membership on later replies', () => {
      const state = started();
      state.receiveItem(arrival(ALICE, 'one'), at(MINUTE));
      state.takeOutput();
      state.receiveItem(arrival(ALICE, 'two'), at(2 * MINUTE));
      expect(state.snapshot().firstResponseAt).toBe(at(MINUTE));
      expect(state.hasOutput()).toBe(false);
    });

    it('lets the AI join by replying without counting as a first response', () => {
      const state = started();
      state.receiveItem(arrival(ASSISTANT, 'I can help'), at());
      expect(state.snapshot()).toMatchObject({ handler: 'unassigned', participants: [{ id: ASSISTANT.id, kind: 'ai' }] });
      expect(state.snapshot().firstResponseAt).toBeUndefined();
    });

    it('applies no rule to private notes, system messages and other item types', () => {
      const state = started();
      state.receiveItem(arrival(ALICE, 'note', { type: 'note', visibility: 'private' }), at());
      state.receiveItem(arrival({ kind: 'system', id: 'bot' }, 'hi'), at());
      state.receiveItem(arrival(VISITOR, '', { type: 'acme.rating', fields: { score: 5 } }), at());
      expect(state.snapshot()).toMatchObject({ participants: [], handler: 'unassigned', stateVersion: 1 });
      expect(state.deadlines()).toEqual({});
    });
  });

  describe('#apply', () => {
    it('resolves, recording who and when', () => {
      const state = started();
      const snapshot = op(state, ALICE, { op: 'resolve', reason: 'answered' }, MINUTE);
      expect(snapshot).toMatchObject({ status: 'resolved', resolvedAt: at(MINUTE), resolvedBy: ALICE.id, stateVersion: 2 });
      expect(state.takeOutput().events.map((e) => e.event)).toEqual([{ kind: 'resolved', actorId: ALICE.id, data: { reason: 'answered' } }]);
    });

    it('reopens, clearing the resolution', () => {
      const state = started();
      op(state, ALICE, { op: 'resolve' });
      const snapshot = op(state, BOB, { op: 'reopen' });
      expect(snapshot.status).toBe('open');
      expect(snapshot).not.toHaveProperty('resolvedBy');
      expect(eventKinds(state)).toEqual(['resolved', 'reopened']);
    });

    it('sets the priority with a priority_changed event', () => {
      const state = started();
      expect(op(state, ALICE, { op: 'set_priority', priority: 'urgent' }).priority).toBe('urgent');
      expect(state.takeOutput().events[0]?.event).toEqual({ kind: 'priority_changed', actorId: ALICE.id, data: { from: 'medium', to: 'urgent' } });
    });

    it('sets a trimmed title', () => {
      const state = started();
      expect(op(state, ALICE, { op: 'set_title', title: '  Refund  ' }).title).toBe('Refund');
      expect(eventKinds(state)).toEqual(['title_changed']);
    });

    it('adds only new tags and removes only present ones, one event per tag', () => {
      const state = started();
      op(state, ALICE, { op: 'add_tags', tags: ['billing', 'vip'] });
      expect(op(state, ALICE, { op: 'add_tags', tags: ['vip', 'refund', 'refund'] }).tags).toEqual(['billing', 'vip', 'refund']);
      expect(op(state, ALICE, { op: 'remove_tags', tags: ['vip', 'absent'] }).tags).toEqual(['billing', 'refund']);
      expect(state.takeOutput().events.map((e) => e.event)).toEqual([
        { kind: 'tag_added', actorId: ALICE.id, data: { tag: 'billing' } },
        { kind: 'tag_added', actorId: ALICE.id, data: { tag: 'vip' } },
        { kind: 'tag_added', actorId: ALICE.id, data: { tag: 'refund' } },
        { kind: 'tag_removed', actorId: ALICE.id, data: { tag: 'vip' } },
      ]);
    });

    it('adds and removes participants with their times, and lets them join again', () => {
      const state = started();
      op(state, ALICE, { op: 'join', userId: BOB.id }, 1);
      expect(op(state, BOB, { op: 'leave', userId: BOB.id }, 2).participants).toEqual([{ id: BOB.id, kind: 'human', joinedAt: at(1), leftAt: at(2) }]);
      expect(op(state, BOB, { op: 'join', userId: BOB.id }, 3).participants).toEqual([{ id: BOB.id, kind: 'human', joinedAt: at(3) }]);
      expect(eventKinds(state)).toEqual(['participant_joined', 'participant_left', 'participant_joined']);
    });

    it('assigns a human, who takes the conversation from the AI, and unassigns', () => {
      const state = withAi();
      expect(op(state, ALICE, { op: 'assign', userId: BOB.id })).toMatchObject({ assigneeId: BOB.id, handler: 'human' });
      expect(op(state, ALICE, { op: 'unassign' }).assigneeId).toBeUndefined();
      expect(state.takeOutput().events.map((e) => e.event)).toEqual([
        { kind: 'assigned', actorId: ALICE.id, targetId: BOB.id },
        { kind: 'unassigned', actorId: ALICE.id, targetId: BOB.id },
      ]);
    });

    it('names whom a reassignment took the conversation from in its assigned event', () => {
      const state = withAi();
      op(state, ALICE, { op: 'assign', userId: BOB.id });
      op(state, BOB, { op: 'assign', userId: ALICE.id });
      expect(state.takeOutput().events.map((e) => e.event)).toEqual([
        { kind: 'assigned', actorId: ALICE.id, targetId: BOB.id },
        { kind: 'assigned', actorId: BOB.id, targetId: ALICE.id, data: { previousAssigneeId: BOB.id } },
      ]);
    });

    it('escalates to humans with a private escalated event and a public participant request', () => {
      const state = withAi();
      const snapshot = op(state, ASSISTANT, { op: 'escalate', reason: 'wants a refund', summary: 'order 42' }, MINUTE);
      expect(snapshot).toMatchObject({ handler: 'human', escalatedAt: at(MINUTE), escalationReason: 'wants a refund' });
      const events = state.takeOutput().events;
      expect(events.map(({ visibility, event }) => ({ visibility, event }))).toEqual([
        { visibility: 'private', event: { kind: 'escalated', actorId: ASSISTANT.id, data: { reason: 'wants a refund', summary: 'order 42' } } },
        { visibility: 'public', event: { kind: 'participant_requested', actorId: ASSISTANT.id, data: {} } },
      ]);
    });

    it('hands back to the AI, which joins if it was not a participant', () => {
      const state = started();
      op(state, ALICE, { op: 'assign', userId: ALICE.id });
      state.takeOutput();
      const snapshot = op(state, ALICE, { op: 'hand_back' }, MINUTE);
      expect(snapshot).toMatchObject({ handler: 'ai', participants: [{ id: ASSISTANT.id, kind: 'ai', joinedAt: at(MINUTE) }] });
      // The assignee's load and the assignee filter no longer count it.
      expect(snapshot.assigneeId).toBeUndefined();
      expect(eventKinds(state)).toEqual(['handed_back', 'unassigned', 'participant_joined']);
    });

    it('lets the AI raise the priority but not lower it, as people may', () => {
      const state = withAi();
      op(state, ALICE, { op: 'set_priority', priority: 'urgent' });
      expect(state.rejectionOf({ actor: ASSISTANT, operation: { op: 'set_priority', priority: 'high' } })).toBe('the assistant may raise the priority, not lower it (it is urgent)');
      expect(state.rejectionOf({ actor: ALICE, operation: { op: 'set_priority', priority: 'high' } })).toBeUndefined();
      op(state, ALICE, { op: 'set_priority', priority: 'low' });
      expect(op(state, ASSISTANT, { op: 'set_priority', priority: 'high' }).priority).toBe('high');
      // A run started before this rule lets it lower.
      const older = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at(), { aiHandover: true });
      op(older, ALICE, { op: 'set_priority', priority: 'urgent' });
      expect(older.rejectionOf({ actor: ASSISTANT, operation: { op: 'set_priority', priority: 'high' } })).toBeUndefined();
    });

    it('keeps the older rules for a run started before them (replaying its history)', () => {
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at(), {});
      expect(state.rejectionOf({ actor: ALICE, operation: { op: 'leave', userId: ASSISTANT.id } })).toBeUndefined();
      op(state, ALICE, { op: 'assign', userId: ALICE.id });
      state.takeOutput();
      expect(op(state, ALICE, { op: 'hand_back' }).assigneeId).toBe(ALICE.id);
      expect(eventKinds(state)).toEqual(['handed_back']);
    });

    it('lets an AI other than the conversation\'s assistant leave while the assistant answers', () => {
      const OTHER = { id: 'ai_other', kind: 'ai' as const };
      const state = started({ aiAssistantId: ASSISTANT.id, roster: [...workflowInput().roster, OTHER] });
      op(state, ALICE, { op: 'join', userId: OTHER.id });
      expect(state.rejectionOf({ actor: ALICE, operation: { op: 'leave', userId: OTHER.id } })).toBeUndefined();
    });

    it('lets the AI leave once people handle the conversation', () => {
      const state = withAi();
      op(state, ASSISTANT, { op: 'escalate', reason: 'wants a person' });
      expect(op(state, ALICE, { op: 'leave', userId: ASSISTANT.id }, MINUTE).participants).toEqual([expect.objectContaining({ id: ASSISTANT.id, leftAt: at(MINUTE) })]);
    });

    it('pauses the AI for the given minutes or the default, and resumes it', () => {
      const state = withAi();
      expect(op(state, ALICE, { op: 'pause_ai', minutes: 30 }).aiPausedUntil).toBe(at(30 * MINUTE));
      expect(op(state, ALICE, { op: 'pause_ai' }).aiPausedUntil).toBe(at(SETTINGS.defaultAiPauseMs));
      expect(op(state, ALICE, { op: 'resume_ai' }).aiPausedUntil).toBeUndefined();
      expect(state.takeOutput().events.map((e) => e.event)).toEqual([
        { kind: 'ai_paused', actorId: ALICE.id, data: { until: at(30 * MINUTE) } },
        { kind: 'ai_paused', actorId: ALICE.id, data: { until: at(HOUR) } },
        { kind: 'ai_resumed', actorId: ALICE.id, data: {} },
      ]);
    });

    it('bumps the state version once per change, whatever the number of events', () => {
      const state = started();
      op(state, ALICE, { op: 'add_tags', tags: ['a', 'b', 'c'] });
      expect(state.stateVersion).toBe(2);
    });
  });

  describe('#apply with several operations', () => {
    const several = (...operations: LifecycleOperation[]) => operations.map((operation) => ({ actor: ALICE, operation }));

    it('applies them all in one state version, with each one\'s events in order', () => {
      const state = started();
      const snapshot = state.apply(several({ op: 'set_priority', priority: 'high' }, { op: 'set_title', title: 'Refund' }), at(MINUTE));
      expect(snapshot).toMatchObject({ priority: 'high', title: 'Refund', stateVersion: 2 });
      expect(eventKinds(state)).toEqual(['priority_changed', 'title_changed']);
    });

    it('applies none when a later one is rejected, naming it', () => {
      const state = started();
      op(state, ALICE, { op: 'set_title', title: 'Refund' });
      state.takeOutput();
      const before = state.toData();
      const requests = several({ op: 'set_priority', priority: 'high' }, { op: 'set_title', title: 'Refund' });
      expect(state.rejectionOfAll(requests, at(MINUTE))).toBe('set_title: title is unchanged');
      expect(() => state.apply(requests, at(MINUTE))).toThrow(new TransitionRejected('set_title: title is unchanged'));
      expect(state.toData()).toEqual(before);
      expect(state.takeOutput().events).toEqual([]);
    });

    it('checks each against the state the ones before it leave', () => {
      const state = started();
      // Unassigning is refused while nobody is assigned, and allowed after an assign in the same set.
      expect(state.rejectionOfAll(several({ op: 'unassign' }), at())).toBe('conversation has no assignee');
      expect(state.rejectionOfAll(several({ op: 'assign', userId: ALICE.id }, { op: 'unassign' }), at())).toBeUndefined();
      const twice = several({ op: 'assign', userId: ALICE.id }, { op: 'assign', userId: ALICE.id });
      expect(state.rejectionOfAll(twice, at())).toBe(`assign: conversation is already assigned to ${ALICE.id}`);
      expect(state.toData().lifecycle).not.toHaveProperty('assigneeId');
    });

    it('refuses an empty set', () => {
      expect(started().rejectionOfAll([], at())).toBe('no operations');
    });
  });

  describe('#rejectionOf', () => {
    const resolved = () => {
      const state = withAi();
      op(state, ALICE, { op: 'resolve' });
      return state;
    };
    const humanHandled = () => {
      const state = started();
      op(state, ALICE, { op: 'assign', userId: ALICE.id });
      return state;
    };
    const pausedAi = () => {
      const state = withAi();
      op(state, ALICE, { op: 'pause_ai', minutes: 5 });
      return state;
    };
    /** Escalated by the AI, so waiting for a person, and then `then` (which ends the wait). */
    const escalatedThen = (then: (state: ConversationState) => void) => () => {
      const state = withAi();
      op(state, ASSISTANT, { op: 'escalate', reason: 'needs a person' });
      then(state);
      return state;
    };
    const handedBackAfterEscalation = escalatedThen((state) => op(state, ALICE, { op: 'hand_back' }, 1));
    const joinedAfterEscalation = escalatedThen((state) => op(state, BOB, { op: 'join', userId: BOB.id }, 1));
    const routingOffer: LifecycleOperation = { op: 'assign', userId: BOB.id, expectedAssigneeId: null, onlyWhileWaiting: true };
    const cases: [string, () => ConversationState, Author, LifecycleOperation, string][] = [
      ['a visitor asking anything', started, VISITOR, { op: 'resolve' }, "visitors cannot change a conversation's lifecycle"],
      ['resolving a resolved conversation', resolved, ALICE, { op: 'resolve' }, 'conversation is already resolved'],
      ['reopening an open conversation', started, ALICE, { op: 'reopen' }, 'conversation is already open'],
      ['an unknown priority', started, ALICE, { op: 'set_priority', priority: 'critical' as never }, "unknown priority 'critical' (expected low, medium, high, urgent)"],
      ['setting the same priority', started, ALICE, { op: 'set_priority', priority: 'medium' }, 'priority is already medium'],
      ['an empty title', started, ALICE, { op: 'set_title', title: '  ' }, 'title must have 1 to 200 characters'],
      ['no tags', started, ALICE, { op: 'add_tags', tags: [] }, 'at least one tag is required'],
      ['an overlong tag', started, ALICE, { op: 'add_tags', tags: ['x'.repeat(51)] }, 'tags must have 1 to 50 characters'],
      ['removing absent tags', started, ALICE, { op: 'remove_tags', tags: ['nope'] }, 'none of these tags is on the conversation'],
      ['joining someone not on the team', started, ALICE, { op: 'join', userId: 'usr_stranger' }, 'usr_stranger is not a member of the team'],
      ['joining twice', withAi, ALICE, { op: 'join', userId: ASSISTANT.id }, `${ASSISTANT.id} is already a participant`],
      ['leaving when not a participant', started, ALICE, { op: 'leave', userId: ALICE.id }, `${ALICE.id} is not a participant`],
      ['removing the AI while it handles the conversation', withAi, ALICE, { op: 'leave', userId: ASSISTANT.id }, `${ASSISTANT.id} handles the conversation: escalate it or assign a person first`],
      ['assigning someone not on the team', started, ALICE, { op: 'assign', userId: 'usr_stranger' }, 'usr_stranger is not a member of the team'],
      ['assigning the AI', started, ALICE, { op: 'assign', userId: ASSISTANT.id }, `${ASSISTANT.id} is an AI assistant: hand the conversation back to the AI instead`],
      ['assigning the assignee again', humanHandled, ALICE, { op: 'assign', userId: ALICE.id }, `conversation is already assigned to ${ALICE.id}`],
      ["routing's offer of a conversation handed back to the AI since", handedBackAfterEscalation, ROUTING_ACTOR, routingOffer, 'conversation no longer waits for a person'],
      ["routing's offer of a conversation a person joined since", joinedAfterEscalation, ROUTING_ACTOR, routingOffer, 'conversation no longer waits for a person'],
      ['unassigning without an assignee', started, ALICE, { op: 'unassign' }, 'conversation has no assignee'],
      ['unassigning someone who is no longer the assignee', humanHandled, ALICE, { op: 'unassign', expectedAssigneeId: BOB.id }, `conversation was assigned to ${ALICE.id} meanwhile`],
      ['escalating without a reason', withAi, ASSISTANT, { op: 'escalate', reason: ' ' }, 'an escalation needs a reason'],
      ['escalating when humans handle it', humanHandled, ALICE, { op: 'escalate', reason: 'x' }, 'only a conversation the AI handles can be escalated (handler is human)'],
      ['escalating a resolved conversation', resolved, ASSISTANT, { op: 'escalate', reason: 'x' }, 'conversation is resolved: reopen it first'],
      ['handing back to the AI that has it', withAi, ALICE, { op: 'hand_back' }, 'conversation is already handled by the AI'],
      ['handing back to the AI that has it but is paused', pausedAi, ALICE, { op: 'hand_back' }, `conversation is already handled by the AI, which is paused until ${at(5 * MINUTE)}: resume it instead`],
      ['handing back without an assistant', () => started({ roster: [{ id: ALICE.id, kind: 'human' }] }), ALICE, { op: 'hand_back' }, 'no AI assistant is on the team'],
      ['pausing the AI for no time', withAi, ALICE, { op: 'pause_ai', minutes: 0 }, 'minutes must be more than 0 and at most 10080'],
      ['resuming an AI that is not paused', withAi, ALICE, { op: 'resume_ai' }, 'the AI is not paused'],
      ['an unknown operation', started, ALICE, { op: 'explode' } as never, "unknown operation 'explode'"],
    ];

    it.each(cases)('rejects %s', (_name, make, actor, operation, message) => {
      expect(make().rejectionOf({ actor, operation })).toBe(message);
    });

    it("takes routing's offer while the conversation waits for a person", () => {
      const state = escalatedThen(() => undefined)();
      expect(state.rejectionOf({ actor: ROUTING_ACTOR, operation: routingOffer })).toBeUndefined();
      expect(state.apply([{ actor: ROUTING_ACTOR, operation: routingOffer }], at(MINUTE))).toMatchObject({ assigneeId: BOB.id, handler: 'human' });
    });

    it("takes routing's offer after a hand-back in runs started before that rule (replaying an assignment their code took)", () => {
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at(), { ...CURRENT_RULES, assignsOnlyWhileWaiting: false });
      state.takeOutput();
      op(state, ASSISTANT, { op: 'escalate', reason: 'needs a person' });
      op(state, ALICE, { op: 'hand_back' }, 1);
      expect(state.apply([{ actor: ROUTING_ACTOR, operation: routingOffer }], at(MINUTE))).toMatchObject({ assigneeId: BOB.id });
    });

    it.each(cases)('leaves no trace when applying %s', (_name, make, actor, operation, message) => {
      const state = make();
      state.takeOutput();
      const before = state.toData();
      expect(() => state.apply([{ actor, operation }], at(MINUTE))).toThrow(new TransitionRejected(message));
      expect(state.toData()).toEqual(before);
    });
  });

  describe('#deadlines', () => {
    it('runs the first-response SLA of the priority once the visitor waits on humans', () => {
      const state = started();
      expect(state.deadlines()).toEqual({});
      state.receiveItem(arrival(VISITOR, 'hi'), at(MINUTE));
      expect(state.deadlines()).toEqual({ firstResponse: at(MINUTE + 4 * HOUR) });
      expect(state.snapshot().firstResponseDueAt).toBe(at(MINUTE + 4 * HOUR));
    });

    it('re-arms the SLA from its start when the priority changes', () => {
      const state = started();
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      op(state, ALICE, { op: 'set_priority', priority: 'urgent' }, 5 * MINUTE);
      expect(state.deadlines().firstResponse).toBe(at(15 * MINUTE));
    });

    it('runs no SLA while the AI handles the conversation, and starts it on escalation', () => {
      const state = withAi();
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      expect(state.deadlines().firstResponse).toBeUndefined();
      op(state, ASSISTANT, { op: 'escalate', reason: 'human please' }, HOUR);
      expect(state.deadlines().firstResponse).toBe(at(HOUR + 4 * HOUR));
    });

    it("stops the SLA on an agent's first reply and when resolved", () => {
      const replied = started();
      replied.receiveItem(arrival(VISITOR, 'hi'), at());
      replied.receiveItem(arrival(ALICE, 'hello'), at(MINUTE));
      expect(replied.deadlines().firstResponse).toBeUndefined();
      const resolved = started();
      resolved.receiveItem(arrival(VISITOR, 'hi'), at());
      op(resolved, ALICE, { op: 'resolve' });
      expect(resolved.deadlines().firstResponse).toBeUndefined();
    });

    it('waits on the visitor after a team message, and not after theirs', () => {
      const state = withAi();
      state.receiveItem(arrival(ASSISTANT, 'anything else?'), at(MINUTE));
      expect(state.deadlines().autoResolve).toBe(at(MINUTE + 24 * HOUR));
      state.receiveItem(arrival(VISITOR, 'yes'), at(2 * MINUTE));
      expect(state.deadlines().autoResolve).toBeUndefined();
    });

    it('does not auto-resolve right after a reopen because of an old team message', () => {
      const state = started();
      state.receiveItem(arrival(ALICE, 'done?'), at());
      op(state, ALICE, { op: 'resolve' }, MINUTE);
      op(state, ALICE, { op: 'reopen' }, 30 * HOUR);
      expect(state.deadlines().autoResolve).toBeUndefined();
    });

    it('ends an AI pause and a resolved conversation’s retention', () => {
      const state = withAi();
      op(state, ALICE, { op: 'pause_ai', minutes: 10 });
      op(state, ALICE, { op: 'resolve' }, MINUTE);
      expect(state.deadlines()).toEqual({ aiPause: at(10 * MINUTE), retention: at(MINUTE + SETTINGS.retentionAfterResolveMs) });
    });
  });

  describe('#onDeadline', () => {
    const waiting = () => {
      const state = started();
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      state.takeOutput();
      return state;
    };

    it('records a first-response breach, bumps the priority and queues the notification', () => {
      const state = waiting();
      state.onDeadline('firstResponse', at(4 * HOUR));
      expect(state.snapshot().priority).toBe('high');
      const output = state.takeOutput();
      expect(output.events.map((e) => e.event)).toEqual([
        { kind: 'sla_breached', data: { sla: 'first_response', priority: 'medium', dueAt: at(4 * HOUR) } },
        { kind: 'priority_changed', actorId: 'lifecycle', data: { from: 'medium', to: 'high' } },
      ]);
      expect(output.breaches).toEqual([{ conversationId: 'conv_1', websiteId: 'web_1', sla: 'first_response', priority: 'medium', dueAt: at(4 * HOUR), breachedAt: at(4 * HOUR) }]);
      expect(state.deadlines().firstResponse).toBeUndefined();
    });

    it('keeps the priority when bumping is off', () => {
      const state = started({ settings: { ...SETTINGS, bumpPriorityOnSlaBreach: false } });
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      state.onDeadline('firstResponse', at(4 * HOUR));
      expect(state.snapshot().priority).toBe('medium');
      expect(eventKinds(state)).toEqual(['sla_breached']);
    });

    it('does nothing for a deadline that moved or is not due yet', () => {
      const state = waiting();
      state.onDeadline('firstResponse', at(HOUR));
      state.onDeadline('autoResolve', at(48 * HOUR));
      expect(state.hasOutput()).toBe(false);
    });

    it('resolves a conversation the visitor left waiting, as the lifecycle', () => {
      const state = started();
      state.receiveItem(arrival(ALICE, 'anything else?'), at());
      state.takeOutput();
      state.onDeadline('autoResolve', at(24 * HOUR));
      expect(state.snapshot()).toMatchObject({ status: 'resolved', resolvedBy: 'lifecycle' });
      expect(state.takeOutput().events[0]).toMatchObject({ author: { kind: 'system', id: 'lifecycle' }, event: { kind: 'resolved', data: { reason: 'no reply from the visitor' } } });
    });

    it('resumes the AI when its pause ends', () => {
      const state = withAi();
      op(state, ALICE, { op: 'pause_ai', minutes: 10 });
      state.takeOutput();
      state.onDeadline('aiPause', at(10 * MINUTE));
      expect(state.snapshot().aiPausedUntil).toBeUndefined();
      expect(eventKinds(state)).toEqual(['ai_resumed']);
    });

    it('retires a resolved conversation after retention, until it is reopened', () => {
      const state = started();
      op(state, ALICE, { op: 'resolve' });
      state.onDeadline('retention', at(SETTINGS.retentionAfterResolveMs));
      expect(state.retired).toBe(true);
      state.receiveItem(arrival(VISITOR, 'back again'), at(SETTINGS.retentionAfterResolveMs));
      expect(state.retired).toBe(false);
    });
  });

  describe('#receiveAiReply', () => {
    it('counts an AI reply as the team answering while the AI handles the conversation', () => {
      const state = withAi();
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      state.receiveAiReply('ai_reply_1', at(MINUTE));
      expect(state.deadlines().autoResolve).toBe(at(MINUTE + SETTINGS.autoResolveAfterMs!));
    });

    it('does not count a hand-off message after an escalation: the team still owes the answer', () => {
      const state = withAi();
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      op(state, ASSISTANT, { op: 'escalate', reason: 'asked for a human' });
      state.receiveAiReply('ai_handoff_1', at(MINUTE));
      expect(state.deadlines().autoResolve).toBeUndefined();
    });

    it('forgets an earlier AI reply when a person takes the conversation over (assign, join): the team owes the answer', () => {
      for (const takeOver of [{ op: 'assign', userId: BOB.id }, { op: 'join', userId: BOB.id }] as const) {
        const state = withAi();
        state.receiveItem(arrival(VISITOR, 'hi'), at());
        state.receiveAiReply('ai_reply_1', at(MINUTE));
        op(state, ALICE, takeOver, 2 * MINUTE);
        expect(state.deadlines()).toMatchObject({ firstResponse: expect.any(String) });
        expect(state.deadlines().autoResolve).toBeUndefined();
      }
      // A run started before this rule keeps counting the AI's reply.
      const older = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at(), { aiHandover: true });
      older.receiveItem(arrival(VISITOR, 'hi'), at());
      older.receiveAiReply('ai_reply_1', at(MINUTE));
      op(older, ALICE, { op: 'assign', userId: BOB.id }, 2 * MINUTE);
      expect(older.deadlines().autoResolve).toBe(at(MINUTE + SETTINGS.autoResolveAfterMs!));
    });

    it('forgets an earlier AI reply when the conversation escalates', () => {
      const state = withAi();
      state.receiveItem(arrival(VISITOR, 'hi'), at());
      state.receiveAiReply('ai_reply_1', at(MINUTE));
      op(state, ASSISTANT, { op: 'escalate', reason: 'could not answer' }, 2 * MINUTE);
      expect(state.deadlines().autoResolve).toBeUndefined();
    });
  });

  describe('taking over from the AI', () => {
    it('gives the conversation to humans when a human joins', () => {
      expect(op(withAi(), ALICE, { op: 'join', userId: ALICE.id })).toMatchObject({ handler: 'human' });
    });

    it('keeps a reopened conversation with the humans, or hands it back to the AI when the settings say so', () => {
      const reopened = (aiTakesReopened: boolean) => {
        const state = started({ aiAssistantId: ASSISTANT.id, settings: { ...SETTINGS, aiTakesReopened } });
        op(state, ALICE, { op: 'assign', userId: ALICE.id });
        op(state, ALICE, { op: 'resolve' });
        state.takeOutput();
        state.receiveItem(arrival(VISITOR, 'one more thing'), at(MINUTE));
        return state;
      };
      expect(reopened(false).snapshot().handler).toBe('human');
      const handedBack = reopened(true);
      expect(handedBack.snapshot().handler).toBe('ai');
      expect(handedBack.snapshot().assigneeId).toBeUndefined();
      expect(eventKinds(handedBack)).toEqual(['reopened', 'handed_back', 'unassigned']);
    });
  });

  describe('handing back while the AI is paused', () => {
    /** A person joined and paused the AI for five minutes: it would stay silent once handed back. */
    const pausedWithPerson = (rules = CURRENT_RULES, settings = SETTINGS) => {
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id, settings }), at(), rules);
      op(state, ALICE, { op: 'join', userId: ALICE.id });
      op(state, ALICE, { op: 'pause_ai', minutes: 5 });
      state.takeOutput();
      return state;
    };

    it('ends the pause as a resume does, so the AI answers at once', () => {
      const state = pausedWithPerson();
      const snapshot = op(state, ALICE, { op: 'hand_back' }, MINUTE);
      expect(snapshot).toMatchObject({ handler: 'ai' });
      expect(snapshot).not.toHaveProperty('aiPausedUntil');
      expect(state.takeOutput().events.map((e) => e.event)).toEqual([
        { kind: 'handed_back', actorId: ALICE.id, data: {} },
        { kind: 'ai_resumed', actorId: ALICE.id, data: {} },
      ]);
      expect(state.deadlines().aiPause).toBeUndefined();
      expect(state.shouldAiRespond(at(MINUTE))).toBe(true);
    });

    it('ends it when a reopen hands the conversation back (aiTakesReopened), as the lifecycle', () => {
      const state = pausedWithPerson(CURRENT_RULES, { ...SETTINGS, aiTakesReopened: true });
      op(state, ALICE, { op: 'resolve' });
      state.takeOutput();
      state.receiveItem(arrival(VISITOR, 'one more thing'), at(MINUTE));
      expect(state.snapshot()).not.toHaveProperty('aiPausedUntil');
      expect(state.takeOutput().events.map((e) => [e.event.kind, e.author.id])).toEqual([
        ['reopened', VISITOR.id],
        ['handed_back', 'lifecycle'],
        ['ai_resumed', 'lifecycle'],
      ]);
      expect(state.shouldAiRespond(at(MINUTE))).toBe(true);
    });

    it('keeps the pause in runs started before that rule (replaying their history)', () => {
      const state = pausedWithPerson({ ...CURRENT_RULES, handBackEndsPause: false });
      expect(op(state, ALICE, { op: 'hand_back' }, MINUTE).aiPausedUntil).toBe(at(5 * MINUTE));
      expect(eventKinds(state)).toEqual(['handed_back']);
      expect(state.shouldAiRespond(at(MINUTE))).toBe(false);
    });
  });

  describe('an assignee leaving', () => {
    /** Escalated, assigned to Alice, who replied (and so joined); Bob joined too. */
    const assignedToAlice = (rules = CURRENT_RULES) => {
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at(), rules);
      op(state, ASSISTANT, { op: 'escalate', reason: 'asks for a person' });
      op(state, ALICE, { op: 'assign', userId: ALICE.id });
      op(state, ALICE, { op: 'join', userId: ALICE.id });
      state.takeOutput();
      return state;
    };
    const routing = (state: ConversationState) => state.takeOutput().routing;

    it('unassigns her as unassign does: off her load, and routed again, not to her', () => {
      const state = assignedToAlice();
      const snapshot = op(state, ALICE, { op: 'leave', userId: ALICE.id }, MINUTE);
      expect(snapshot.assigneeId).toBeUndefined();
      expect(snapshot.participants).toContainEqual({ id: ALICE.id, kind: 'human', joinedAt: at(), leftAt: at(MINUTE) });
      const output = state.takeOutput();
      expect(output.events.map((e) => e.event)).toEqual([
        { kind: 'participant_left', actorId: ALICE.id, targetId: ALICE.id },
        { kind: 'unassigned', actorId: ALICE.id, targetId: ALICE.id },
      ]);
      expect(output.routing).toEqual([
        { kind: 'route', websiteId: 'web_1', conversationId: 'conv_1', tags: [], priority: 'medium', releasedBy: ALICE.id },
        { kind: 'agentLoad', websiteId: 'web_1', agentId: ALICE.id },
      ]);
    });

    it('unassigns her, as done by the colleague who took her out, who is still in it: nothing to route', () => {
      const state = assignedToAlice();
      op(state, BOB, { op: 'join', userId: BOB.id });
      state.takeOutput();
      expect(op(state, BOB, { op: 'leave', userId: ALICE.id }).assigneeId).toBeUndefined();
      const output = state.takeOutput();
      expect(output.events.map((e) => e.event)).toEqual([
        { kind: 'participant_left', actorId: BOB.id, targetId: ALICE.id },
        { kind: 'unassigned', actorId: BOB.id, targetId: ALICE.id },
      ]);
      expect(output.routing).toEqual([{ kind: 'agentLoad', websiteId: 'web_1', agentId: ALICE.id }]);
    });

    it('unassigns her from a resolved conversation too, which no load counted', () => {
      const state = assignedToAlice();
      op(state, ALICE, { op: 'resolve' });
      state.takeOutput();
      expect(op(state, ALICE, { op: 'leave', userId: ALICE.id }).assigneeId).toBeUndefined();
      const output = state.takeOutput();
      expect(output.events.map((e) => e.event.kind)).toEqual(['participant_left', 'unassigned']);
      expect(output.routing).toEqual([]);
    });

    it('changes no assignee when a colleague or the AI leaves', () => {
      const state = assignedToAlice();
      op(state, BOB, { op: 'join', userId: BOB.id });
      state.takeOutput();
      expect(op(state, BOB, { op: 'leave', userId: BOB.id }).assigneeId).toBe(ALICE.id);
      expect(op(state, ALICE, { op: 'leave', userId: ASSISTANT.id }).assigneeId).toBe(ALICE.id);
      const output = state.takeOutput();
      expect(output.events.map((e) => e.event.kind)).toEqual(['participant_left', 'participant_left']);
      expect(output.routing).toEqual([]);
    });

    it('keeps her as the assignee in runs started before that rule (replaying their history)', () => {
      const state = assignedToAlice({ ...CURRENT_RULES, leaveUnassigns: false });
      expect(op(state, ALICE, { op: 'leave', userId: ALICE.id }).assigneeId).toBe(ALICE.id);
      expect(eventKinds(state)).toEqual(['participant_left']);
      expect(routing(state)).toEqual([]);
    });
  });

  describe('routing notices', () => {
    it('asks to route every escalation with the tags and priority it had', () => {
      const state = withAi();
      op(state, ASSISTANT, { op: 'add_tags', tags: ['billing'] });
      op(state, ASSISTANT, { op: 'escalate', reason: 'refund' });
      expect(state.takeOutput().routing).toEqual([{ kind: 'route', websiteId: 'web_1', conversationId: 'conv_1', tags: ['billing'], priority: 'medium' }]);
    });

    it("reports the agents whose open assigned conversations changed: assign, reassign, resolve, reopen", () => {
      const state = started();
      const loads = () => state.takeOutput().routing.map((n) => (n.kind === 'agentLoad' ? n.agentId : n.kind));
      op(state, ALICE, { op: 'assign', userId: ALICE.id });
      expect(loads()).toEqual([ALICE.id]);
      op(state, ALICE, { op: 'assign', userId: BOB.id });
      expect(loads()).toEqual([ALICE.id, BOB.id]);
      op(state, BOB, { op: 'set_priority', priority: 'high' });
      expect(loads()).toEqual([]);
      op(state, BOB, { op: 'resolve' });
      expect(loads()).toEqual([BOB.id]);
      op(state, BOB, { op: 'reopen' });
      expect(loads()).toEqual([BOB.id]);
    });

    it('routes again a conversation that comes to wait for a person: unassigned, or its only person left', () => {
      const routes = (state: ConversationState) => state.takeOutput().routing.filter((n) => n.kind === 'route');
      const unassigned = withAi();
      op(unassigned, ASSISTANT, { op: 'escalate', reason: 'asks for a person' });
      op(unassigned, BOB, { op: 'assign', userId: ALICE.id });
      routes(unassigned);
      op(unassigned, ALICE, { op: 'unassign' });
      // Not offered again to the person who let go of it.
      expect(routes(unassigned)).toEqual([{ kind: 'route', websiteId: 'web_1', conversationId: 'conv_1', tags: [], priority: 'medium', releasedBy: ALICE.id }]);

      const left = withAi();
      op(left, BOB, { op: 'join', userId: BOB.id });
      expect(routes(left)).toEqual([]);
      op(left, BOB, { op: 'leave', userId: BOB.id });
      expect(routes(left)).toEqual([expect.objectContaining({ kind: 'route', releasedBy: BOB.id })]);
    });

    it('tells the queue of a new priority of a conversation waiting in it, raised or lowered, and of nothing else that changes while it waits', () => {
      const routes = (state: ConversationState) => state.takeOutput().routing.filter((n) => n.kind === 'route');
      const state = withAi();
      op(state, ASSISTANT, { op: 'escalate', reason: 'asks for a person' });
      routes(state);
      op(state, BOB, { op: 'set_priority', priority: 'urgent' });
      expect(routes(state)).toEqual([{ kind: 'route', websiteId: 'web_1', conversationId: 'conv_1', tags: [], priority: 'urgent' }]);
      op(state, BOB, { op: 'set_priority', priority: 'low' });
      expect(routes(state)).toEqual([expect.objectContaining({ kind: 'route', priority: 'low' })]);
      op(state, BOB, { op: 'add_tags', tags: ['billing'] });
      expect(routes(state)).toEqual([]);
      // Taken by someone: no longer in a queue.
      op(state, BOB, { op: 'assign', userId: ALICE.id });
      routes(state);
      op(state, BOB, { op: 'set_priority', priority: 'high' });
      expect(routes(state)).toEqual([]);
    });

    it('tells no queue of a new priority of a conversation never routed (no assistant, nobody escalated it), nor in runs started under the older rules', () => {
      const routes = (state: ConversationState) => state.takeOutput().routing.filter((n) => n.kind === 'route');
      const unrouted = started();
      routes(unrouted);
      op(unrouted, BOB, { op: 'set_priority', priority: 'urgent' });
      expect(routes(unrouted)).toEqual([]);

      const older = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at(), { ...CURRENT_RULES, reranksWaiting: false });
      op(older, ASSISTANT, { op: 'escalate', reason: 'asks for a person' });
      routes(older);
      op(older, BOB, { op: 'set_priority', priority: 'urgent' });
      expect(routes(older)).toEqual([]);
    });

    it('does not route a conversation again in runs started under the older rules', () => {
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at(), { ...CURRENT_RULES, reroutesWaiting: false });
      op(state, ASSISTANT, { op: 'escalate', reason: 'asks for a person' });
      op(state, BOB, { op: 'assign', userId: ALICE.id });
      state.takeOutput();
      op(state, ALICE, { op: 'unassign' });
      expect(state.takeOutput().routing.filter((n) => n.kind === 'route')).toEqual([]);
    });
  });

  describe('#changeRoster', () => {
    const withoutAlice = [
      { id: BOB.id, kind: 'human' as const },
      { id: ASSISTANT.id, kind: 'ai' as const },
    ];

    it('unassigns a person who left the team and takes them out, by whoever changed the team, and routes the conversation again', () => {
      const state = withAi();
      op(state, BOB, { op: 'add_tags', tags: ['billing'] });
      op(state, BOB, { op: 'assign', userId: ALICE.id });
      op(state, ALICE, { op: 'join', userId: ALICE.id });
      state.takeOutput();
      state.changeRoster({ actor: BOB, roster: withoutAlice }, at(MINUTE));
      const output = state.takeOutput();
      expect(output.events.map((e) => [e.event.kind, e.author.id, 'targetId' in e.event ? e.event.targetId : undefined])).toEqual([
        ['unassigned', BOB.id, ALICE.id],
        ['participant_left', BOB.id, ALICE.id],
      ]);
      expect(output.routing).toEqual([
        { kind: 'route', websiteId: 'web_1', conversationId: 'conv_1', tags: ['billing'], priority: 'medium', releasedBy: ALICE.id },
        { kind: 'agentLoad', websiteId: 'web_1', agentId: ALICE.id },
      ]);
      expect(state.snapshot()).not.toHaveProperty('assigneeId');
      expect(state.rejectionOf({ actor: BOB, operation: { op: 'assign', userId: ALICE.id } })).toBe(`${ALICE.id} is not a member of the team`);
    });

    it('records the leaving as done by whoever removed the person, when the change says', () => {
      const state = withAi();
      op(state, BOB, { op: 'assign', userId: ALICE.id });
      state.takeOutput();
      const carol: Author = { kind: 'human', id: 'usr_carol' };
      state.changeRoster({ actor: BOB, roster: withoutAlice, departedBy: { [ALICE.id]: carol } }, at(MINUTE));
      expect(state.takeOutput().events.map((e) => [e.event.kind, e.author.id])).toEqual([['unassigned', carol.id]]);
    });

    it('changes nothing in the conversation when nobody in it left, but knows a new member from then on', () => {
      const state = withAi();
      op(state, BOB, { op: 'assign', userId: BOB.id });
      state.takeOutput();
      const carol = { id: 'usr_carol', kind: 'human' as const };
      state.changeRoster({ actor: BOB, roster: [...withoutAlice, carol] }, at(MINUTE));
      expect(state.hasOutput()).toBe(false);
      expect(op(state, BOB, { op: 'assign', userId: carol.id }).assigneeId).toBe(carol.id);
    });

    it('routes again a conversation a person who left had taken over by joining, with nobody else on it', () => {
      const state = withAi();
      op(state, ASSISTANT, { op: 'escalate', reason: 'asks for a person' });
      state.receiveItem(arrival(ALICE, 'on it'), at(MINUTE));
      state.takeOutput();
      state.changeRoster({ actor: BOB, roster: withoutAlice }, at(2 * MINUTE));
      const output = state.takeOutput();
      expect(output.events.map((e) => e.event.kind)).toEqual(['participant_left']);
      expect(output.routing).toEqual([{ kind: 'route', websiteId: 'web_1', conversationId: 'conv_1', tags: [], priority: 'medium', releasedBy: ALICE.id }]);
    });

    it('leaves a resolved conversation as it was, and lets go of the people who left when it is reopened', () => {
      const state = withAi();
      op(state, BOB, { op: 'assign', userId: ALICE.id });
      op(state, BOB, { op: 'resolve' });
      state.takeOutput();
      state.changeRoster({ actor: BOB, roster: withoutAlice }, at(MINUTE));
      expect(state.hasOutput()).toBe(false);
      expect(state.snapshot().assigneeId).toBe(ALICE.id);
      state.receiveItem(arrival(VISITOR, 'one more thing'), at(HOUR));
      const output = state.takeOutput();
      expect(output.events.map((e) => [e.event.kind, e.author.id])).toEqual([
        ['reopened', VISITOR.id],
        ['unassigned', 'lifecycle'],
      ]);
      expect(output.routing.filter((n) => n.kind === 'route')).toHaveLength(1);
      expect(state.snapshot()).not.toHaveProperty('assigneeId');
    });

    it('routes again when the only person left joined before the escalation (routing does not count them either)', () => {
      const state = withAi();
      op(state, BOB, { op: 'join', userId: BOB.id });
      op(state, BOB, { op: 'hand_back' });
      op(state, ASSISTANT, { op: 'escalate', reason: 'asks for a person' }, MINUTE);
      op(state, BOB, { op: 'assign', userId: ALICE.id }, 2 * MINUTE);
      state.takeOutput();
      state.changeRoster({ actor: BOB, roster: withoutAlice }, at(3 * MINUTE));
      expect(state.takeOutput().routing).toContainEqual(expect.objectContaining({ kind: 'route' }));
    });

    it('does not queue for a person a conversation the AI takes back on reopen', () => {
      const state = started({ aiAssistantId: ASSISTANT.id, settings: { ...SETTINGS, aiTakesReopened: true } });
      op(state, ASSISTANT, { op: 'escalate', reason: 'asks for a person' });
      op(state, BOB, { op: 'assign', userId: ALICE.id });
      op(state, BOB, { op: 'resolve' });
      state.changeRoster({ actor: BOB, roster: withoutAlice }, at(MINUTE));
      state.takeOutput();
      state.receiveItem(arrival(VISITOR, 'one more thing'), at(HOUR));
      expect(state.takeOutput().routing.filter((n) => n.kind === 'route')).toEqual([]);
      expect(state.snapshot()).toMatchObject({ status: 'open', handler: 'ai' });
    });

    it('keeps a departed assignee on reopen in runs started under the older rules', () => {
      const state = ConversationState.start(workflowInput({ aiAssistantId: ASSISTANT.id }), at(), { aiHandover: true, humanTriageStands: true });
      op(state, BOB, { op: 'assign', userId: ALICE.id });
      op(state, BOB, { op: 'resolve' });
      state.changeRoster({ actor: BOB, roster: withoutAlice }, at(MINUTE));
      state.receiveItem(arrival(VISITOR, 'one more thing'), at(HOUR));
      expect(state.snapshot()).toMatchObject({ status: 'open', assigneeId: ALICE.id });
    });

    it('takes no team older than the one it has, as changes may arrive out of order, from its start on', () => {
      const carol = { id: 'usr_carol', kind: 'human' as const };
      const state = started({ aiAssistantId: ASSISTANT.id, rosterRevision: 4 });
      state.changeRoster({ actor: BOB, roster: [...withoutAlice, carol], revision: 3 }, at(MINUTE));
      expect(state.rejectionOf({ actor: BOB, operation: { op: 'assign', userId: carol.id } })).toBe(`${carol.id} is not a member of the team`);
      state.changeRoster({ actor: BOB, roster: [...withoutAlice, carol], revision: 6 }, at(MINUTE));
      // Alice left with revision 6; the team of revision 5, with her, comes late and changes nothing.
      state.changeRoster({ actor: BOB, roster: [{ id: ALICE.id, kind: 'human' }, ...withoutAlice], revision: 5 }, at(2 * MINUTE));
      expect(state.rejectionOf({ actor: BOB, operation: { op: 'assign', userId: ALICE.id } })).toBe(`${ALICE.id} is not a member of the team`);
      expect(state.rejectionOf({ actor: BOB, operation: { op: 'assign', userId: carol.id } })).toBeUndefined();
      // The same revision again (the late pass), or a change that says none, is taken.
      state.changeRoster({ actor: BOB, roster: [{ id: ALICE.id, kind: 'human' }, ...withoutAlice], revision: 6 }, at(3 * MINUTE));
      expect(state.rejectionOf({ actor: BOB, operation: { op: 'assign', userId: ALICE.id } })).toBeUndefined();
      state.changeRoster({ actor: BOB, roster: withoutAlice }, at(4 * MINUTE));
      expect(state.rejectionOf({ actor: BOB, operation: { op: 'assign', userId: carol.id } })).toBe(`${carol.id} is not a member of the team`);
    });
  });

  describe('#changeSettings', () => {
    const withSla = (medium: number) => ({ ...SETTINGS, firstResponseSlaMs: { ...SETTINGS.firstResponseSlaMs, medium } });

    it('takes no settings older than those it has, as changes may arrive out of order, from its start on', () => {
      const state = started({ settings: withSla(HOUR), settingsRevision: 2 });
      state.changeSettings({ settings: withSla(2 * HOUR), revision: 1 }, at(MINUTE));
      expect(state.settings).toEqual(withSla(HOUR));
      state.changeSettings({ settings: withSla(30 * MINUTE), revision: 4 }, at(MINUTE));
      state.changeSettings({ settings: withSla(10 * MINUTE), revision: 3 }, at(2 * MINUTE));
      expect(state.settings).toEqual(withSla(30 * MINUTE));
      state.changeSettings({ settings: withSla(20 * MINUTE) }, at(3 * MINUTE));
      expect(state.settings).toEqual(withSla(20 * MINUTE));
    });

    it('moves the deadlines at once: a first-response target from when its clock started, auto-resolve from the last reply', () => {
      const state = started();
      state.receiveItem(arrival(VISITOR, 'help'), at());
      expect(state.deadlines().firstResponse).toBe(at(4 * HOUR));
      state.changeSettings({ settings: withSla(30 * MINUTE) }, at(10 * MINUTE));
      expect(state.deadlines().firstResponse).toBe(at(30 * MINUTE));
      state.receiveItem(arrival(ALICE, 'on it'), at(20 * MINUTE));
      expect(state.deadlines().autoResolve).toBe(at(20 * MINUTE + 24 * HOUR));
      const { autoResolveAfterMs: _never, ...withoutAutoResolve } = SETTINGS;
      state.changeSettings({ settings: withoutAutoResolve }, at(30 * MINUTE));
      expect(state.deadlines().autoResolve).toBeUndefined();
      expect(state.settings).toEqual(withoutAutoResolve);
    });

    it('puts no deadline before the change: one the new settings would have passed counts from the change', () => {
      const state = started();
      state.receiveItem(arrival(VISITOR, 'help'), at());
      state.changeSettings({ settings: withSla(15 * MINUTE) }, at(HOUR));
      expect(state.deadlines().firstResponse).toBe(at(HOUR + 15 * MINUTE));
      state.onDeadline('firstResponse', at(HOUR + MINUTE));
      expect(state.takeOutput().breaches).toEqual([]);
      state.receiveItem(arrival(ALICE, 'on it'), at(2 * HOUR));
      state.changeSettings({ settings: { ...withSla(15 * MINUTE), autoResolveAfterMs: 30 * MINUTE } }, at(3 * HOUR));
      expect(state.deadlines().autoResolve).toBe(at(3 * HOUR + 30 * MINUTE));
      op(state, ALICE, { op: 'resolve' }, 4 * HOUR);
      state.changeSettings({ settings: { ...withSla(15 * MINUTE), autoResolveAfterMs: 30 * MINUTE, retentionAfterResolveMs: HOUR } }, at(6 * HOUR));
      expect(state.deadlines().retention).toBe(at(7 * HOUR));
    });

    it('moves only the deadlines whose duration changed, from when the change was made, and a repeat of the same settings moves nothing', () => {
      const state = started();
      state.receiveItem(arrival(VISITOR, 'help'), at());
      // Made at 1 h, heard at 1 h 5 min: the target counts from the change.
      state.changeSettings({ settings: withSla(15 * MINUTE), changedAt: at(HOUR) }, at(HOUR + 5 * MINUTE));
      expect(state.deadlines().firstResponse).toBe(at(HOUR + 15 * MINUTE));
      // The late pass repeats it, heard later; then another setting changes: the target stays where it was.
      state.changeSettings({ settings: withSla(15 * MINUTE), changedAt: at(HOUR) }, at(HOUR + 10 * MINUTE));
      state.changeSettings({ settings: { ...withSla(15 * MINUTE), autoResolveAfterMs: HOUR }, changedAt: at(HOUR + 12 * MINUTE) }, at(HOUR + 12 * MINUTE));
      expect(state.deadlines().firstResponse).toBe(at(HOUR + 15 * MINUTE));
    });
  });

  describe('#shouldAiRespond', () => {
    it('is true while the AI handles an open conversation and is not paused', () => {
      const state = withAi();
      expect(state.shouldAiRespond(at())).toBe(true);
      op(state, ALICE, { op: 'pause_ai', minutes: 10 });
      expect(state.shouldAiRespond(at(5 * MINUTE))).toBe(false);
      expect(state.shouldAiRespond(at(10 * MINUTE))).toBe(true);
    });

    it('is false when humans handle it or it is resolved', () => {
      expect(started().shouldAiRespond(at())).toBe(false);
      const resolved = withAi();
      op(resolved, ALICE, { op: 'resolve' });
      expect(resolved.shouldAiRespond(at())).toBe(false);
    });
  });

  describe('#takeOutput', () => {
    it('names event items after the workflow id and state version, and empties the outbox', () => {
      const state = started();
      op(state, ALICE, { op: 'add_tags', tags: ['a', 'b'] }, MINUTE);
      op(state, ALICE, { op: 'resolve' }, 2 * MINUTE);
      const output = state.takeOutput();
      expect(output.events.map(({ id, createdAt }) => ({ id, createdAt }))).toEqual([
        { id: 'conversation:conv_1:event:2.0', createdAt: at(MINUTE) },
        { id: 'conversation:conv_1:event:2.1', createdAt: at(MINUTE) },
        { id: 'conversation:conv_1:event:3.0', createdAt: at(2 * MINUTE) },
      ]);
      expect(output).toMatchObject({ stateVersion: 3, projection: { stateVersion: 3, lifecycle: { status: 'resolved', tags: ['a', 'b'] } } });
      expect(state.hasOutput()).toBe(false);
      expect(state.takeOutput()).toEqual({ events: [], breaches: [], routing: [], stateVersion: 3 });
    });
  });
});
