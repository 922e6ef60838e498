/**
 * The conversation workflow's behaviour over the wire, written once and run on every engine
 * (workflow.test.ts): the adapter, the workflow bundle, the activities and the real store together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemArrival, LifecycleOperation } from '../../../domain/operations';
import type { Author, TimelineItem } from '../../../domain/timeline';
import { toItemArrival } from '../../../plugins/item-view';
import { UpdateRejectedError } from '../../../runtime/engine/errors';
import { eventually } from '../../runtime/engine/eventually';
import { startConversation, type ConversationOptions, type DrivenConversation } from '../support/conversation-driver';
import { ALICE, ASSISTANT, BOB, HOUR, MINUTE, SETTINGS, VISITOR, arrival, workflowInput } from './fixtures';
import type { ConversationEngineUnderTest, ConversationHarness } from './harness';

export function describeConversationWorkflow(subject: ConversationEngineUnderTest): void {
  describe(`conversationWorkflow (${subject.name})`, () => {
    let h: ConversationHarness;
    beforeAll(async () => {
      h = await subject.create();
    });
    afterAll(() => h?.close());

    const newConversation = (options?: ConversationOptions) => startConversation(h, options);
    type Conversation = DrivenConversation;

    const eventKinds = async (c: Conversation) => (await c.events()).map((e) => e.event.kind);

    describe('example timeline', () => {
      it('takes the conversation from the AI to an agent, resolves it and reopens it when the visitor writes again', async () => {
        const c = await newConversation({ assistantId: ASSISTANT.id });
        await c.post(VISITOR, 'My order has not arrived');
        expect(await c.state()).toMatchObject({ status: 'open', handler: 'ai' });

        await c.operate(ALICE, { op: 'join', userId: ALICE.id });
        await c.post(ALICE, 'Let me check that for you');
        const resolved = await c.operate(ALICE, { op: 'resolve', reason: 'shipped today' });
        expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: ALICE.id, handler: 'human' });
        await c.post(VISITOR, 'It still has not arrived');

        await eventually(async () =>
          expect(await c.timeline()).toEqual(['message:visitor', 'event:participant_joined', 'message:human', 'event:resolved', 'message:visitor', 'event:reopened']),
        );
        const events = await c.events();
        expect(events.map((e) => ({ author: e.author, visibility: e.visibility, event: e.event }))).toEqual([
          { author: ALICE, visibility: 'public', event: { kind: 'participant_joined', actorId: ALICE.id, targetId: ALICE.id } },
          { author: ALICE, visibility: 'public', event: { kind: 'resolved', actorId: ALICE.id, data: { reason: 'shipped today' } } },
          { author: VISITOR, visibility: 'public', event: { kind: 'reopened', actorId: VISITOR.id, data: { reason: 'the visitor wrote again' } } },
        ]);
        await eventually(async () =>
          expect(await c.stored()).toMatchObject({
            status: 'open',
            handler: 'human',
            participants: [{ id: ASSISTANT.id, kind: 'ai' }, { id: ALICE.id, kind: 'human' }],
            firstResponseAt: expect.any(String),
          }),
        );
        expect((await c.stored())?.resolvedAt).toBeUndefined();
      });
    });

    describe('rejected operations', () => {
      let c: Conversation;
      beforeAll(async () => {
        c = await newConversation({ assistantId: ASSISTANT.id });
        await c.post(VISITOR, 'hello');
        await c.operate(ALICE, { op: 'assign', userId: ALICE.id });
        await c.operate(ALICE, { op: 'join', userId: ALICE.id });
      });

      const cases: [string, Author, LifecycleOperation, string][] = [
        ['a visitor asking', VISITOR, { op: 'resolve' }, "visitors cannot change a conversation's lifecycle"],
        ['reopening an open conversation', ALICE, { op: 'reopen' }, 'conversation is already open'],
        ['an unknown priority', ALICE, { op: 'set_priority', priority: 'critical' as never }, "unknown priority 'critical' (expected low, medium, high, urgent)"],
        ['the same priority', ALICE, { op: 'set_priority', priority: 'medium' }, 'priority is already medium'],
        ['assigning someone not on the team', ALICE, { op: 'assign', userId: 'usr_stranger' }, 'usr_stranger is not a member of the team'],
        ['leaving when not a participant', BOB, { op: 'leave', userId: BOB.id }, `${BOB.id} is not a participant`],
        ['escalating when humans have it', ASSISTANT, { op: 'escalate', reason: 'angry' }, 'only a conversation the AI handles can be escalated (handler is human)'],
        ['resuming an AI that is not paused', ALICE, { op: 'resume_ai' }, 'the AI is not paused'],
      ];

      it.each(cases)('rejects %s with the validator message and changes nothing', async (_name, actor, operation, message) => {
        const before = await c.state();
        const rejection = c.operate(actor, operation);
        await expect(rejection).rejects.toBeInstanceOf(UpdateRejectedError);
        await expect(rejection).rejects.toMatchObject({ message, failureType: 'ERR_INVALID_TRANSITION' });
        expect(await c.state()).toEqual(before);
      });

      it('rejects resolving a resolved conversation', async () => {
        await c.operate(ALICE, { op: 'resolve' });
        await expect(c.operate(BOB, { op: 'resolve' })).rejects.toMatchObject({ message: 'conversation is already resolved' });
        expect((await c.stored())?.resolvedBy).toBe(ALICE.id);
        expect(await eventKinds(c)).toEqual(['assigned', 'participant_joined', 'resolved']);
      });

      it('applies several operations of one request together, or none of them', async () => {
        const own = await newConversation();
        await own.operate(ALICE, { op: 'assign', userId: ALICE.id });
        const before = await own.state();
        const refused = own.operate(ALICE, { op: 'set_priority', priority: 'urgent' }, { op: 'assign', userId: ALICE.id });
        await expect(refused).rejects.toMatchObject({ message: `assign: conversation is already assigned to ${ALICE.id}`, failureType: 'ERR_INVALID_TRANSITION' });
        expect(await own.state()).toEqual(before);
        const snapshot = await own.operate(ALICE, { op: 'set_priority', priority: 'urgent' }, { op: 'add_tags', tags: ['vip'] });
        expect(snapshot).toMatchObject({ priority: 'urgent', tags: ['vip'], stateVersion: before!.stateVersion + 1 });
        expect(await own.stored()).toMatchObject({ priority: 'urgent', tags: ['vip'] });
        expect(await eventKinds(own)).toEqual(['assigned', 'priority_changed', 'tag_added']);
      });
    });

    describe('a hand-back while the AI is paused', () => {
      it("ends the pause, and the AI answers the visitor's next message", async () => {
        // An assistant stored as a team member, so that it answers (the offline rule-based model).
        const assistant: Author = { kind: 'ai', id: 'ai_handback' };
        await h.store.upsertTeamMember({ id: assistant.id, websiteId: 'web_1', name: 'Helper', kind: 'ai', teams: [], capacity: 0 });
        const c = await newConversation({ assistantId: assistant.id, roster: [...workflowInput().roster, { id: assistant.id, kind: 'ai' }] });
        await c.post(VISITOR, 'Hello, I have a question');
        await c.operate(ALICE, { op: 'join', userId: ALICE.id });
        await c.post(ALICE, 'Hi, how can I help?');
        await c.operate(ALICE, { op: 'pause_ai', minutes: 5 });

        const handedBack = await c.operate(ALICE, { op: 'hand_back' });
        expect(handedBack).toMatchObject({ handler: 'ai' });
        expect(handedBack).not.toHaveProperty('aiPausedUntil');
        expect(await c.stored()).not.toHaveProperty('aiPausedUntil');
        await eventually(async () => expect(await eventKinds(c)).toEqual(['participant_joined', 'ai_paused', 'handed_back', 'ai_resumed']));
        expect((await c.events())[3]).toMatchObject({ author: ALICE, event: { actorId: ALICE.id } });

        await c.post(VISITOR, 'How do I export my notes?');
        await h.passTime(2_000); // the assistant's first turn waits 1.5 s
        const aiReplies = async () => (await c.items()).filter((i) => i.type === 'message' && i.author.kind === 'ai');
        await eventually(async () => expect(await aiReplies()).toMatchObject([{ author: assistant, visibility: 'public', text: expect.stringMatching(/export/i) }]));
        expect(await c.state()).toMatchObject({ handler: 'ai', autoResolveAt: expect.any(String) });
      });
    });

    describe.skipIf(!subject.canSkipTime)('first-response SLA', () => {
      it("breaches after the priority's time: event, priority bump and hook", async () => {
        const c = await newConversation();
        await c.post(VISITOR, 'anyone there?');
        await h.passTime(4 * HOUR - MINUTE);
        expect(await eventKinds(c)).toEqual([]);
        await h.passTime(MINUTE);
        await eventually(async () => expect(await eventKinds(c)).toEqual(['sla_breached', 'priority_changed']));
        expect(await c.state()).toMatchObject({ priority: 'high' });
        await eventually(() => expect(h.breaches.filter((b) => b.conversationId === c.id)).toMatchObject([{ sla: 'first_response', priority: 'medium' }]));
      });

      it('is re-armed when the priority changes', async () => {
        const c = await newConversation();
        await c.post(VISITOR, 'urgent!');
        await c.operate(ALICE, { op: 'set_priority', priority: 'urgent' });
        await h.passTime(15 * MINUTE);
        await eventually(async () => expect(await eventKinds(c)).toEqual(['priority_changed', 'sla_breached']));
        expect((await c.events())[1]?.event).toMatchObject({ data: { priority: 'urgent' } });
      });

      it("stops at an agent's first reply", async () => {
        const c = await newConversation();
        await c.post(VISITOR, 'hi');
        await c.post(ALICE, 'hello');
        await h.passTime(5 * HOUR);
        expect(await c.state()).toMatchObject({ priority: 'medium', firstResponseAt: expect.any(String) });
        expect(await eventKinds(c)).toEqual(['participant_joined']);
      });
    });

    describe.skipIf(!subject.canSkipTime)('auto-resolve', () => {
      it('resolves a conversation left waiting on the visitor; a visitor message puts it off', async () => {
        const c = await newConversation();
        await c.post(VISITOR, 'hi');
        await c.post(ALICE, 'does this help?');
        await h.passTime(23 * HOUR);
        await c.post(VISITOR, 'not quite');
        await c.post(ALICE, 'and now?');
        await h.passTime(23 * HOUR);
        expect((await c.state())?.status).toBe('open');
        await h.passTime(HOUR);
        await eventually(async () => expect(await eventKinds(c)).toEqual(['participant_joined', 'resolved']));
        expect(await c.state()).toMatchObject({ status: 'resolved', resolvedBy: 'lifecycle' });
        expect((await c.events())[1]).toMatchObject({ author: { kind: 'system', id: 'lifecycle' }, event: { data: { reason: 'no reply from the visitor' } } });
      });
    });

    describe('continue-as-new', () => {
      it('carries the state over and loses no signal or update sent during the switch', async () => {
        const c = await newConversation({ runLimits: { messages: 5 } });
        const agents: Author[] = Array.from({ length: 30 }, (_, i) => ({ kind: 'human', id: `usr_agent_${i}` }));
        const tags = Array.from({ length: 10 }, (_, i) => `tag_${i}`);
        // Waves of 5 signals and 2 updates at once: each wave ends a run while more messages arrive.
        const posted: TimelineItem[] = [];
        for (let wave = 0; wave < 5; wave++) {
          const [items, updates] = await Promise.all([
            Promise.all(agents.slice(wave * 6, wave * 6 + 6).map((agent) => c.post(agent, `hello from ${agent.id}`))),
            Promise.all(tags.slice(wave * 2, wave * 2 + 2).map((tag) => c.operate(ALICE, { op: 'add_tags', tags: [tag] }))),
          ]);
          posted.push(...items);
          expect(updates.map((u) => u.tags.length).sort((a, b) => a - b)).toEqual([wave * 2 + 1, wave * 2 + 2]);
        }

        const state = await c.state();
        expect(state?.participants.map((p) => p.id).sort()).toEqual(agents.map((a) => a.id).sort());
        expect(state?.tags.slice().sort()).toEqual(tags.slice().sort());
        const runs = (await h.conversations.history(c.id)).filter((e) => e.kind === 'continued_as_new');
        expect(runs.length).toBeGreaterThanOrEqual(2);

        // A repeated signal after the switch is still recognised.
        await h.conversations.notifyItems([toItemArrival(posted[0]!)], workflowInput({ conversationId: c.id }));
        await eventually(async () => expect((await c.events()).length).toBe(40));
        expect((await c.events()).filter((e) => e.event.kind === 'participant_joined')).toHaveLength(30);
      });
    });

    describe('long conversation', () => {
      it(
        'handles 10,000 messages over several runs and still drops repeated ones',
        async () => {
          const c = await newConversation();
          const arrivals = Array.from({ length: 10_000 }, (_, i) => arrival(i % 2 ? VISITOR : ALICE, `message ${i}`));
          const notifyAll = async (batch: ItemArrival[]) => {
            for (let i = 0; i < batch.length; i += 100) await Promise.all(batch.slice(i, i + 100).map((a) => h.conversations.notifyItems([a], c.start)));
          };
          await notifyAll(arrivals);
          const state = await c.state();
          expect(state).toMatchObject({ status: 'open', handler: 'human', participants: [{ id: ALICE.id }] });
          const runs = (await h.conversations.history(c.id)).filter((e) => e.kind === 'continued_as_new');
          expect(runs.length).toBeGreaterThanOrEqual(9);

          await notifyAll(arrivals.slice(-100));
          expect(await c.state()).toEqual(state);
          await eventually(async () => expect(await eventKinds(c)).toEqual(['participant_joined']));
        },
        subject.longConversationTimeoutMs,
      );
    });

    describe.skipIf(!subject.canRestart)('restart', () => {
      it('takes over open workflows, whose pending timers fire after the restart', async () => {
        const waitingOnTeam = await newConversation();
        await waitingOnTeam.post(VISITOR, 'hello?');
        const waitingOnVisitor = await newConversation();
        await waitingOnVisitor.post(ALICE, 'anything else?');

        await h.restart!();
        expect(await waitingOnTeam.state()).toMatchObject({ status: 'open', firstResponseDueAt: expect.any(String) });

        await h.passTime(4 * HOUR);
        await eventually(async () => expect(await eventKinds(waitingOnTeam)).toEqual(['sla_breached', 'priority_changed']));
        await h.passTime(20 * HOUR);
        await eventually(async () => expect((await waitingOnVisitor.stored())?.status).toBe('resolved'));
      });
    });

    describe('activity failures', () => {
      it('retries a failing projection; the update answers once it is stored', async () => {
        const c = await newConversation();
        await c.post(VISITOR, 'hi');
        await eventually(() => expect(h.callsOf('projectLifecycle', c.id)).toBe(1));
        h.failNext('projectLifecycle', c.id, 2);
        const update = c.operate(ALICE, { op: 'set_title', title: 'Lost parcel' });
        await eventually(() => expect(h.callsOf('projectLifecycle', c.id)).toBe(2));
        await h.passTime(1_000);
        await eventually(() => expect(h.callsOf('projectLifecycle', c.id)).toBe(3));
        await h.passTime(2_000);
        expect(await update).toMatchObject({ title: 'Lost parcel' });
        expect(h.callsOf('projectLifecycle', c.id)).toBe(4);
        expect((await c.stored())?.title).toBe('Lost parcel');
      });

      it('writes each event once when a batch fails halfway and is retried', async () => {
        const c = await newConversation();
        await c.post(VISITOR, 'hi');
        h.failNext('appendItem', c.id, 1, 1);
        const update = c.operate(ALICE, { op: 'add_tags', tags: ['a', 'b'] });
        await eventually(() => expect(h.callsOf('appendItem', c.id)).toBe(2));
        await h.passTime(1_000);
        expect((await update).tags).toEqual(['a', 'b']);
        expect((await c.events()).map((e) => e.event)).toEqual([
          { kind: 'tag_added', actorId: ALICE.id, data: { tag: 'a' } },
          { kind: 'tag_added', actorId: ALICE.id, data: { tag: 'b' } },
        ]);
      });
    });

    describe.skipIf(!subject.canSkipTime)('lifetime', () => {
      async function retired() {
        const c = await newConversation();
        await c.post(VISITOR, 'hi');
        await c.post(ALICE, 'hello');
        const resolved = await c.operate(ALICE, { op: 'resolve' });
        await h.passTime(SETTINGS.retentionAfterResolveMs);
        await eventually(async () => expect((await h.engine.describe(c.workflowId)).status).toBe('completed'));
        return { c, resolved };
      }

      it('completes after the retention window, then starts again from the store when the visitor writes', async () => {
        const { c, resolved } = await retired();
        expect(await c.state()).toBeUndefined();

        await c.post(VISITOR, 'me again');
        await eventually(async () => expect(await eventKinds(c)).toEqual(['participant_joined', 'resolved', 'reopened']));
        const restarted = await c.state();
        expect(restarted).toMatchObject({ status: 'open', handler: 'human', firstResponseAt: resolved.firstResponseAt, participants: resolved.participants });
        expect(restarted!.stateVersion).toBeGreaterThan(resolved.stateVersion);
      });

      it('runs an operation on a conversation whose workflow ended (update-with-start)', async () => {
        const { c, resolved } = await retired();
        const snapshot = await c.operate(BOB, { op: 'set_priority', priority: 'high' });
        expect(snapshot).toMatchObject({ status: 'resolved', resolvedBy: ALICE.id, priority: 'high' });
        expect(snapshot.stateVersion).toBeGreaterThan(resolved.stateVersion);
        expect((await c.stored())?.priority).toBe('high');
      });
    });

    describe('plugin reactions', () => {
      it("applies an item type's reaction through the lifecycle rules", async () => {
        const c = await newConversation();
        await c.post(VISITOR, 'hi');
        await c.operate(ALICE, { op: 'resolve' });
        await c.post(VISITOR, '', { type: 'rating', score: 5 });
        expect((await c.state())?.status).toBe('resolved');
        await c.post(VISITOR, '', { type: 'rating', score: 1 });
        expect(await c.state()).toMatchObject({ status: 'open', priority: 'high' });
        await eventually(async () => expect(await eventKinds(c)).toEqual(['resolved', 'reopened', 'priority_changed']));
        expect((await c.events())[1]?.author).toEqual({ kind: 'system', id: 'plugin:rating' });
      });

      it('skips what a reaction may not do, or a reaction that throws, and carries on', async () => {
        const c = await newConversation();
        await c.post(VISITOR, '', { type: 'test.chaos', mode: 'invalid' });
        await c.post(VISITOR, '', { type: 'test.chaos', mode: 'throw' });
        expect(await c.state()).toMatchObject({ status: 'open', tags: ['chaos'] });
        expect(await c.operate(ALICE, { op: 'resolve' })).toMatchObject({ status: 'resolved' });
      });

      it('skips what a reaction returns that is no lifecycle operation, and takes the rest', async () => {
        const c = await newConversation({ assistantId: ASSISTANT.id });
        await c.post(VISITOR, '', { type: 'test.chaos', mode: 'malformed' });
        await c.post(VISITOR, 'still heard');
        expect(await c.state()).toMatchObject({ status: 'open', handler: 'ai', tags: ['malformed'] });
        expect(await c.operate(ALICE, { op: 'resolve' })).toMatchObject({ status: 'resolved' });
      });
    });

    describe('audit trail', () => {
      it('names each signal and update with its actor', async () => {
        const c = await newConversation();
        await c.post(VISITOR, 'hi');
        await c.operate(ALICE, { op: 'set_priority', priority: 'low' });
        const entries = await h.conversations.history(c.id);
        expect(entries.find((e) => e.kind === 'signal_received')).toMatchObject({ name: 'itemAdded', actor: VISITOR });
        expect(entries.find((e) => e.kind === 'update_completed')).toMatchObject({ name: 'setPriority', actor: ALICE });
      });

      it("gives each lifecycle change a plugin's reaction made a line of its own, by the plugin", async () => {
        const c = await newConversation();
        await c.post(VISITOR, '', { type: 'test.chaos', mode: 'invalid' });
        await eventually(async () => expect(await c.state()).toMatchObject({ tags: ['chaos'] }));
        const entries = await eventually(async () => {
          const trail = await h.conversations.history(c.id);
          expect(trail.map((e) => e.kind)).toContain('event_recorded');
          return trail;
        });
        const tagged = entries.find((e) => e.kind === 'event_recorded');
        expect(tagged).toMatchObject({ name: 'tag_added', actor: { kind: 'system', id: 'plugin:test.chaos' }, summary: 'Tag "chaos" added' });
        expect(entries[tagged!.startIndex! - 1]).toMatchObject({ kind: 'activity_scheduled', name: 'recordEvents' });
      });
    });
  });
}
