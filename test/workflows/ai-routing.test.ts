/**
 * Routing of escalated conversations: the conversation workflow calls the routing activity, the
 * team queue workflow (on the same engine) hands each to the least-loaded online agent under
 * capacity, or holds it until one frees up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Author } from '../../domain/timeline';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { scriptedModel } from '../ai/mock-model';
import { eventually } from '../runtime/engine/eventually';
import { ALICE, BOB, VISITOR, workflowInput } from './conversation/fixtures';
import { PAST_DEBOUNCE_MS, WEBSITE_ID, productHarness, type ProductHarness } from './support/product-harness';

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

  it('drops a queued conversation resolved meanwhile instead of assigning it, and assigns the next one', async () => {
    const DAVE: Author = { kind: 'human', id: 'usr_dave' };
    const roster = [...workflowInput().roster, { id: DAVE.id, kind: 'human' as const }];
    await h.agentOnline(DAVE, { teams: ['technical'], capacity: 1 });
    const holding = await escalatedConversation(['bug'], roster);
    await eventually(async () => expect(await holding.state()).toMatchObject({ assigneeId: DAVE.id }));
    const resolvedWhileQueued = await escalatedConversation(['bug'], roster);
    const waiting = await escalatedConversation(['bug'], roster);
    await eventually(async () => expect((await queue('technical')).queue.map((e) => e.conversationId)).toEqual([resolvedWhileQueued.id, waiting.id]));
    await resolvedWhileQueued.operate(DAVE, { op: 'resolve' });

    await holding.operate(DAVE, { op: 'resolve' });
    await eventually(async () => expect(await waiting.state()).toMatchObject({ assigneeId: DAVE.id }));
    expect((await resolvedWhileQueued.state())?.assigneeId).toBeUndefined();
    expect((await resolvedWhileQueued.events()).map((e) => e.event.kind)).not.toContain('assigned');
  });

  it('drops queued conversations handed back to the AI or joined by a team member meanwhile, and assigns the next one', async () => {
    const ERIN: Author = { kind: 'human', id: 'usr_erin' };
    const roster = [...workflowInput().roster, { id: ERIN.id, kind: 'human' as const }];
    await h.agentOnline(ERIN, { teams: ['technical'], capacity: 1 });
    const holding = await escalatedConversation(['bug'], roster);
    await eventually(async () => expect(await holding.state()).toMatchObject({ assigneeId: ERIN.id }));
    const handedBack = await escalatedConversation(['bug'], roster);
    const joined = await escalatedConversation(['bug'], roster);
    const waiting = await escalatedConversation(['bug'], roster);
    await eventually(async () => expect((await queue('technical')).queue.map((e) => e.conversationId)).toEqual([handedBack.id, joined.id, waiting.id]));
    await handedBack.operate(ALICE, { op: 'hand_back' });
    await joined.operate(BOB, { op: 'join', userId: BOB.id });

    await holding.operate(ERIN, { op: 'resolve' });
    await eventually(async () => expect(await waiting.state()).toMatchObject({ assigneeId: ERIN.id }));
    expect(await handedBack.state()).toMatchObject({ handler: 'ai' });
    for (const dropped of [handedBack, joined]) {
      expect((await dropped.state())?.assigneeId).toBeUndefined();
      expect((await dropped.events()).map((e) => e.event.kind)).not.toContain('assigned');
    }
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
});
