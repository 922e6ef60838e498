/**
 * Routing of escalated conversations: the conversation workflow calls the routing activity, the
 * team queue workflow (on the same engine) hands each to the least-loaded online agent under
 * capacity, or holds it until one frees up.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Author } from '../../domain/timeline';
import { conversationWorkflowId, type LifecycleSettings } from '../../workflows/conversation/definitions';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { scriptedModel } from '../ai/mock-model';
import { eventually } from '../runtime/engine/eventually';
import { ALICE, BOB, SETTINGS, VISITOR, workflowInput } from './conversation/fixtures';
import { PAST_DEBOUNCE_MS, WEBSITE_ID, productHarness, type ProductHarness } from './support/product-harness';
import type { DrivenConversation } from './support/conversation-driver';

const CAROL: Author = { kind: 'human', id: 'usr_carol' };

describe('conversationWorkflow routing', () => {
  let h: ProductHarness;
  beforeAll(async () => {
    h = await productHarness('ai_routing');
  });
  afterAll(() => h?.close());

  const queue = (team: string) => h.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(WEBSITE_ID, team), query: teamQueueState.name });

  /** A conversation whose AI turn escalates it at once (tagged, so it reaches the team the tags route to). */
  async function escalatedConversation(tags: string[], roster = workflowInput().roster) {
    const step = [...(tags.length > 0 ? [['tag', { tags }] as [string, Record<string, unknown>]] : []), ['escalate', { reason: 'needs a human' }] as [string, Record<string, unknown>]];
    const assistant = await h.newAssistant({ model: scriptedModel(step) });
    const c = await h.newConversation({ assistantId: assistant.id, roster: [...roster, { id: assistant.id, kind: 'ai' }] });
    await c.post(VISITOR, 'Help me please');
    await h.passTime(PAST_DEBOUNCE_MS);
    await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', escalatedAt: expect.any(String) }));
    return c;
  }

  it('assigns an escalated conversation to the least-loaded online agent', async () => {
    await h.agentOnline(ALICE, { teams: ['support'], capacity: 3 });
    await h.agentOnline(BOB, { teams: ['support'], capacity: 3 });
    // Alice already has a conversation: the assignment reports her load to the queue.
    const busy = await h.newConversation();
    await busy.post(VISITOR, 'hello');
    await busy.operate(ALICE, { op: 'assign', userId: ALICE.id });
    await eventually(async () => expect((await queue('support')).agents).toContainEqual(expect.objectContaining({ agentId: ALICE.id, open: 1 })));

    const c = await escalatedConversation([]);
    await eventually(async () => expect(await c.state()).toMatchObject({ assigneeId: BOB.id }));
    await eventually(async () => expect((await c.events()).map((e) => e.event.kind)).toContain('assigned'));
  });

  it('queues a conversation while every agent is at capacity, and assigns it when one frees up', async () => {
    const roster = [...workflowInput().roster, { id: CAROL.id, kind: 'human' as const }];
    await h.agentOnline(CAROL, { teams: ['billing'], capacity: 1 });
    const first = await escalatedConversation(['billing'], roster);
    await eventually(async () => expect(await first.state()).toMatchObject({ assigneeId: CAROL.id }));

    const second = await escalatedConversation(['billing'], roster);
    await eventually(async () => expect((await queue('billing')).queue.map((e) => e.conversationId)).toEqual([second.id]));
    expect((await second.state())?.assigneeId).toBeUndefined();

    await first.operate(CAROL, { op: 'resolve' });
    await eventually(async () => expect(await second.state()).toMatchObject({ assigneeId: CAROL.id }));
    expect((await queue('billing')).queue).toEqual([]);
  });

  /** A technical agent online with room for one conversation, which it holds: the next escalations wait in the queue. */
  async function busyTechnicalAgent(id: string) {
    const agent: Author = { kind: 'human', id };
    const roster = [...workflowInput().roster, { id, kind: 'human' as const }];
    await h.agentOnline(agent, { teams: ['technical'], capacity: 1 });
    const holding = await escalatedConversation(['bug'], roster);
    await eventually(async () => expect(await holding.state()).toMatchObject({ assigneeId: id }));
    return { agent, holding, escalated: () => escalatedConversation(['bug'], roster) };
  }

  const expectQueued = (team: string, conversations: DrivenConversation[]) =>
    eventually(async () => expect((await queue(team)).queue.map((e) => e.conversationId)).toEqual(conversations.map((c) => c.id)));

  async function expectNeverAssigned(c: DrivenConversation) {
    expect((await c.state())?.assigneeId).toBeUndefined();
    expect((await c.events()).map((e) => e.event.kind)).not.toContain('assigned');
  }

  it('drops a queued conversation resolved meanwhile instead of assigning it, and assigns the next one', async () => {
    const { agent: dave, holding, escalated } = await busyTechnicalAgent('usr_dave');
    const resolvedWhileQueued = await escalated();
    const waiting = await escalated();
    await expectQueued('technical', [resolvedWhileQueued, waiting]);
    await resolvedWhileQueued.operate(dave, { op: 'resolve' });

    await holding.operate(dave, { op: 'resolve' });
    await eventually(async () => expect(await waiting.state()).toMatchObject({ assigneeId: dave.id }));
    await expectNeverAssigned(resolvedWhileQueued);
  });

  it('drops queued conversations handed back to the AI or joined by a team member meanwhile, and assigns the next one', async () => {
    const { agent: erin, holding, escalated } = await busyTechnicalAgent('usr_erin');
    const handedBack = await escalated();
    const joined = await escalated();
    const waiting = await escalated();
    await expectQueued('technical', [handedBack, joined, waiting]);
    await handedBack.operate(ALICE, { op: 'hand_back' });
    await joined.operate(BOB, { op: 'join', userId: BOB.id });

    await holding.operate(erin, { op: 'resolve' });
    await eventually(async () => expect(await waiting.state()).toMatchObject({ assigneeId: erin.id }));
    expect(await handedBack.state()).toMatchObject({ handler: 'ai' });
    for (const dropped of [handedBack, joined]) await expectNeverAssigned(dropped);
  });

  it('assigns a conversation escalated again after a hand back, though a person who was in it before is still a participant', async () => {
    const FRANK: Author = { kind: 'human', id: 'usr_frank' };
    const roster = [...workflowInput().roster, { id: FRANK.id, kind: 'human' as const }];
    const model = scriptedModel([['tag', { tags: ['bug'] }], ['escalate', { reason: 'needs a human' }]], [['escalate', { reason: 'still needs a human' }]]);
    const assistant = await h.newAssistant({ model });
    const c = await h.newConversation({ assistantId: assistant.id, roster: [...roster, { id: assistant.id, kind: 'ai' }] });
    await c.post(VISITOR, 'The export crashes');
    await h.passTime(PAST_DEBOUNCE_MS);
    await eventually(async () => expect((await queue('technical')).queue.map((e) => e.conversationId)).toContain(c.id));
    await c.operate(BOB, { op: 'join', userId: BOB.id });
    await c.operate(BOB, { op: 'hand_back' });
    await c.post(VISITOR, 'It still crashes');
    await h.passTime(PAST_DEBOUNCE_MS);
    await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: 'still needs a human' }));

    await h.agentOnline(FRANK, { teams: ['technical'], capacity: 1 });
    await eventually(async () => expect(await c.state()).toMatchObject({ assigneeId: FRANK.id }));
  });
  it('routes a visitor message to the team when the assistant is switched off', async () => {
    await h.agentOnline(ALICE, { teams: ['support'], capacity: 10 });
    const assistant = await h.newAssistant({ config: { enabled: false } });
    const c = await h.newConversation({ assistantId: assistant.id, roster: [...workflowInput().roster, { id: assistant.id, kind: 'ai' }] });
    await c.post(VISITOR, 'Is anyone there?');
    await h.passTime(PAST_DEBOUNCE_MS);
    await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', escalationReason: 'The AI assistant is switched off', assigneeId: expect.any(String) }));
    expect(await c.timeline()).not.toContain('message:ai');
  });
  /** An escalated conversation the support queue assigned (Alice and Bob online, with room), and who has it. */
  async function routedToSomeone() {
    for (const agent of [ALICE, BOB]) await h.agentOnline(agent, { teams: ['support'], capacity: 10 });
    const c = await escalatedConversation([]);
    const state = await eventually(async () => {
      const current = await c.state();
      expect(current?.assigneeId).toEqual(expect.any(String));
      return current;
    });
    return { c, assignee: { kind: 'human', id: state!.assigneeId! } satisfies Author };
  }

  const expectAssignedAgain = async (c: DrivenConversation, first: string) => {
    await eventually(async () => expect((await c.events()).filter((e) => e.event.kind === 'assigned')).toHaveLength(2));
    expect((await c.state())?.assigneeId).not.toBe(first);
  };

  it('routes again a conversation whose assignee let go of it, to someone else', async () => {
    const { c, assignee } = await routedToSomeone();
    await c.operate(assignee, { op: 'unassign' });
    await expectAssignedAgain(c, assignee.id);
  });

  it('routes again a conversation whose assignee left it, to someone else, and counts it off her load', async () => {
    const { c, assignee } = await routedToSomeone();
    await c.operate(assignee, { op: 'join', userId: assignee.id });
    const openOf = async (agentId: string) => (await queue('support')).agents.find((a) => a.agentId === agentId)?.open;
    const before = (await eventually(async () => {
      const open = await openOf(assignee.id);
      expect(open).toBeGreaterThan(0);
      return open;
    }))!;
    await c.operate(assignee, { op: 'leave', userId: assignee.id });
    await expectAssignedAgain(c, assignee.id);
    expect((await c.events()).map((e) => e.event.kind)).toContain('unassigned');
    await eventually(async () => expect(await openOf(assignee.id)).toBe(before - 1));
  });

  it('serves the rest of the line while the next conversation in it is set aside, and offers that one again a minute on', async () => {
    const { agent: gus, holding, escalated } = await busyTechnicalAgent('usr_gus');
    const aside = await escalated();
    const waiting = await escalated();
    await expectQueued('technical', [aside, waiting]);
    const lift = h.setAsideFromActivities(conversationWorkflowId(aside.id));

    await holding.operate(gus, { op: 'resolve' });
    // No time passes: the queue does not wait for the one set aside.
    await eventually(async () => expect(await waiting.state()).toMatchObject({ assigneeId: gus.id }));
    await expectNeverAssigned(aside);
    await expectQueued('technical', [aside]);

    lift();
    await waiting.operate(gus, { op: 'resolve' });
    await h.passTime(60_000);
    await eventually(async () => expect(await aside.state()).toMatchObject({ assigneeId: gus.id }));
  });
});

describe('conversationWorkflow routing: a new priority of a conversation waiting in a queue', () => {
  // A harness each: these leave conversations waiting in the support queue.
  let h: ProductHarness;
  beforeEach(async () => {
    h = await productHarness('queue_priority');
  });
  afterEach(() => h?.close());

  const queued = () =>
    h.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(WEBSITE_ID, 'support'), query: teamQueueState.name }).then((q) => q.queue.map((e) => [e.conversationId, e.priority]));

  /** Escalated by the AI at the visitor's first message (so a first response is owed), routed to support. */
  async function escalated(settings: Partial<LifecycleSettings> = {}) {
    const assistant = await h.newAssistant({ model: scriptedModel([['escalate', { reason: 'needs a human' }]]) });
    const c = await h.newConversation({ assistantId: assistant.id, roster: [...workflowInput().roster, { id: assistant.id, kind: 'ai' }], settings });
    await c.post(VISITOR, 'Help me please');
    await h.passTime(PAST_DEBOUNCE_MS);
    await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', escalatedAt: expect.any(String) }));
    return c;
  }

  /** Alice online in support with room for one conversation, which she holds, and three medium conversations waiting behind it (the last with `settings`). */
  async function fullTeamAndThreeWaiting(settings: Partial<LifecycleSettings> = {}) {
    await h.agentOnline(ALICE, { teams: ['support'], capacity: 1 });
    const holding = await escalated();
    await eventually(async () => expect(await holding.state()).toMatchObject({ assigneeId: ALICE.id }));
    const waiting = [await escalated(), await escalated(), await escalated(settings)] as const;
    await eventually(async () => expect(await queued()).toEqual(waiting.map((c) => [c.id, 'medium'])));
    return { holding, waiting };
  }

  async function expectNotAssigned(c: DrivenConversation) {
    expect((await c.state())?.assigneeId).toBeUndefined();
    expect((await c.events()).map((e) => e.event.kind)).not.toContain('assigned');
  }

  it('goes next to the agent who frees a slot when an agent raised it to urgent, ahead of older ones', async () => {
    const { holding, waiting } = await fullTeamAndThreeWaiting();
    const [oldest, older, raised] = waiting;
    await raised.operate(BOB, { op: 'set_priority', priority: 'urgent' });

    await holding.operate(ALICE, { op: 'resolve' });
    await eventually(async () => expect(await raised.state()).toMatchObject({ assigneeId: ALICE.id }));
    for (const c of [oldest, older]) await expectNotAssigned(c);
    expect(await queued()).toEqual([oldest, older].map((c) => [c.id, 'medium']));
  });

  it('waits behind the others once an agent lowered it, though it came first', async () => {
    const { holding, waiting } = await fullTeamAndThreeWaiting();
    const [lowered, next, last] = waiting;
    await lowered.operate(BOB, { op: 'set_priority', priority: 'low' });
    await eventually(async () => expect(await queued()).toEqual([[lowered.id, 'low'], [next.id, 'medium'], [last.id, 'medium']]));

    await holding.operate(ALICE, { op: 'resolve' });
    await eventually(async () => expect(await next.state()).toMatchObject({ assigneeId: ALICE.id }));
    for (const c of [lowered, last]) await expectNotAssigned(c);
  });

  it('goes next to the agent who frees a slot when a missed first-response target raised it', async () => {
    const { holding, waiting } = await fullTeamAndThreeWaiting({ firstResponseSlaMs: { ...SETTINGS.firstResponseSlaMs, medium: 10 * 60_000 } });
    const [oldest, older, breached] = waiting;
    await h.passTime(11 * 60_000);
    await eventually(async () => expect(await breached.state()).toMatchObject({ priority: 'high' }));

    await holding.operate(ALICE, { op: 'resolve' });
    await eventually(async () => expect(await breached.state()).toMatchObject({ assigneeId: ALICE.id }));
    for (const c of [oldest, older]) await expectNotAssigned(c);
  });
});
