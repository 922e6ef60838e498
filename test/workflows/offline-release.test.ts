/**
 * A person gone offline gives their open conversations back to the team once the website's grace
 * (`releaseOfflineAssigneesAfterMinutes`, 15 minutes by default) is over: unassigned by routing,
 * they wait for a person again and go to whoever of the team is online, them too once back. One a
 * person assigns to them while they are away is parked for their return and stays.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROUTING_ACTOR } from '../../activities/ai';
import type { Author, EventItem } from '../../domain/timeline';
import { changeSet } from '../../workflows/conversation/definitions';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { eventually } from '../runtime/engine/eventually';
import { ALICE, MINUTE, VISITOR, workflowInput } from './conversation/fixtures';
import type { DrivenConversation } from './support/conversation-driver';
import { WEBSITE_ID, productHarness, type ProductHarness } from './support/product-harness';

const DANA: Author = { kind: 'human', id: 'usr_dana' };
const EVE: Author = { kind: 'human', id: 'usr_eve' };
const GRACE = 15 * MINUTE;

describe('conversationWorkflow routing: a person gone offline', () => {
  let h: ProductHarness;
  let assistant: Author;
  beforeEach(async () => {
    h = await productHarness('offline_release');
    assistant = await h.newAssistant();
  });
  afterEach(() => h?.close());

  const queue = () => h.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(WEBSITE_ID, 'support'), query: teamQueueState.name });
  const roster = () => [...workflowInput().roster, ...[DANA, EVE].map(({ id }) => ({ id, kind: 'human' as const })), { id: assistant.id, kind: 'ai' as const }];
  const assigneesOf = (conversations: DrivenConversation[]) => Promise.all(conversations.map(async (c) => (await c.state())?.assigneeId));
  const byRouting = async (c: DrivenConversation) =>
    (await c.events()).filter((item: EventItem) => item.author.kind === ROUTING_ACTOR.kind && item.author.id === ROUTING_ACTOR.id).map((item) => item.event);

  async function escalated(count: number): Promise<DrivenConversation[]> {
    const conversations: DrivenConversation[] = [];
    for (let i = 0; i < count; i++) {
      const c = await h.newConversation({ assistantId: assistant.id, roster: roster() });
      await c.operate(ALICE, { op: 'escalate', reason: 'needs a person' });
      conversations.push(c);
    }
    return conversations;
  }

  /** Conversations escalated and given to Dana by the support queue, the first of them answered by her (she is in it). */
  async function givenToDana(count: number): Promise<DrivenConversation[]> {
    await h.agentOnline(DANA, { capacity: 3 });
    const conversations = await escalated(count);
    // Time passes too: an activity that failed once retries on the harness's clock.
    await h.passTimeUntil(async () => expect(await assigneesOf(conversations)).toEqual(conversations.map(() => DANA.id)));
    await conversations[0]!.post(DANA, 'Looking into it');
    return conversations;
  }

  /** Dana's last socket closes, and her queue has asked how long the grace is. */
  async function danaGoesOffline(): Promise<void> {
    await h.agentOffline(DANA);
    await eventually(async () => {
      const away = (await queue()).offline?.[DANA.id];
      expect(away?.askAt).toBe((away?.since ?? 0) + GRACE);
    });
  }

  it('unassigns her open conversations by routing once she has been offline the grace, and a colleague online gets them', async () => {
    const conversations = await givenToDana(2);
    await danaGoesOffline();
    await h.agentOnline(EVE, { capacity: 3 });
    await h.passTime(GRACE - MINUTE);
    expect(await assigneesOf(conversations)).toEqual([DANA.id, DANA.id]);

    await h.passTime(MINUTE);
    await eventually(async () => expect(await assigneesOf(conversations)).toEqual([EVE.id, EVE.id]));
    expect(await byRouting(conversations[0]!)).toEqual(
      expect.arrayContaining([
        { kind: 'unassigned', actorId: ROUTING_ACTOR.id, targetId: DANA.id },
        { kind: 'participant_left', actorId: ROUTING_ACTOR.id, targetId: DANA.id },
      ]),
    );
    expect(await byRouting(conversations[1]!)).toContainEqual({ kind: 'unassigned', actorId: ROUTING_ACTOR.id, targetId: DANA.id });
  });

  it('leaves them waiting in the queue while nobody is online, and offers them to her again when she is back: she did not let go of them', async () => {
    const conversations = await givenToDana(2);
    await danaGoesOffline();
    await h.passTime(GRACE);
    await eventually(async () => expect((await queue()).queue.map((e) => e.conversationId).sort()).toEqual(conversations.map((c) => c.id).sort()));
    expect(await assigneesOf(conversations)).toEqual([undefined, undefined]);
    expect((await conversations[0]!.state())?.participants).toContainEqual(expect.objectContaining({ id: DANA.id, leftAt: expect.any(String) }));

    await h.agentOnline(DANA, { capacity: 3 });
    await eventually(async () => expect(await assigneesOf(conversations)).toEqual([DANA.id, DANA.id]));
  });

  it('keeps them with her when she comes back before the grace is over', async () => {
    const conversations = await givenToDana(2);
    await danaGoesOffline();
    await h.agentOnline(EVE, { capacity: 3 });
    await h.passTime(GRACE - MINUTE);
    await h.agentOnline(DANA, { capacity: 3 });
    await eventually(async () => expect((await queue()).agents).toContainEqual(expect.objectContaining({ agentId: DANA.id, online: true })));
    await h.passTime(2 * GRACE);
    // The queue takes a release due before its next offer: once this one is given out, none is left to run.
    const [next] = await escalated(1);
    await eventually(async () => expect((await next!.state())?.assigneeId).toBe(EVE.id));

    expect(await assigneesOf(conversations)).toEqual([DANA.id, DANA.id]);
    expect(await byRouting(conversations[0]!)).not.toContainEqual(expect.objectContaining({ kind: 'unassigned' }));
  });

  it('stops giving them back when she comes back while it runs: the rest stay hers', async () => {
    const conversations = await givenToDana(2);
    await danaGoesOffline();
    await h.agentOnline(EVE, { capacity: 3 });
    const held = h.holdUpdate(changeSet.name);
    await h.passTime(GRACE);
    await held.reached;
    await h.agentOnline(DANA, { capacity: 3 });
    await eventually(async () => expect((await queue()).agents).toContainEqual(expect.objectContaining({ agentId: DANA.id, online: true })));
    held.release();
    // The queue offers nothing while the release runs: once this one is given out, it has ended.
    const [next] = await escalated(1);
    await eventually(async () => expect((await next!.state())?.assigneeId).toBeDefined());

    const assignees = await assigneesOf(conversations);
    expect(assignees.filter((a) => a === DANA.id)).toHaveLength(1);
  });

  it('leaves a resolved conversation and one the AI handles as they are', async () => {
    const [open, resolved, handedBack] = await givenToDana(3);
    await resolved!.operate(DANA, { op: 'resolve' });
    await handedBack!.post(DANA, 'Over to our assistant');
    await handedBack!.operate(DANA, { op: 'hand_back' });
    const before = await Promise.all([resolved!, handedBack!].map((c) => c.state()));
    await danaGoesOffline();
    await h.passTime(GRACE);

    await eventually(async () => expect((await open!.state())?.assigneeId).toBeUndefined());
    expect(await Promise.all([resolved!, handedBack!].map((c) => c.state()))).toEqual(before);
    expect(before.map((s) => [s?.status, s?.handler, s?.assigneeId])).toEqual([
      ['resolved', 'human', DANA.id],
      ['open', 'ai', undefined],
    ]);
  });

  it('keeps a conversation a colleague assigns to her while she is away: parked for her return', async () => {
    const [given] = await givenToDana(1);
    await danaGoesOffline();
    await h.agentOnline(EVE, { capacity: 3 });
    await h.passTime(GRACE);
    await eventually(async () => expect((await given!.state())?.assigneeId).toBe(EVE.id));
    const [parked] = await escalated(1);
    await eventually(async () => expect((await parked!.state())?.assigneeId).toBe(EVE.id));

    await parked!.operate(ALICE, { op: 'assign', userId: DANA.id });
    // Her load notice asks the queue's release again at once; it leaves this one with her.
    await eventually(async () => expect((await queue()).offline?.[DANA.id]?.askAt).toBeUndefined());
    await h.passTime(GRACE);
    expect((await parked!.state())?.assigneeId).toBe(DANA.id);
    expect(await byRouting(parked!)).not.toContainEqual(expect.objectContaining({ kind: 'unassigned', targetId: DANA.id }));
  });

  it('gives back a conversation its visitor reopens while she is offline past the grace', async () => {
    const [first, second] = await givenToDana(2);
    await second!.operate(DANA, { op: 'resolve' });
    await danaGoesOffline();
    await h.agentOnline(EVE, { capacity: 3 });
    await h.passTime(GRACE);
    await eventually(async () => expect((await first!.state())?.assigneeId).toBe(EVE.id));
    expect((await second!.state())?.assigneeId).toBe(DANA.id);

    await second!.post(VISITOR, 'Actually, it broke again');
    await eventually(async () => expect((await second!.state())).toMatchObject({ status: 'open', assigneeId: EVE.id }));
    expect(await byRouting(second!)).toContainEqual({ kind: 'unassigned', actorId: ROUTING_ACTOR.id, targetId: DANA.id });
  });
});
