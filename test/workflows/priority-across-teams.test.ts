/**
 * A person in several teams who frees a slot gets the conversation of the highest priority (then
 * the longest waiting) among all their teams' queues, not whichever queue's offer came first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Priority } from '../../domain/conversation';
import type { Author } from '../../domain/timeline';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { eventually } from '../runtime/engine/eventually';
import { ALICE, workflowInput } from './conversation/fixtures';
import type { DrivenConversation } from './support/conversation-driver';
import { WEBSITE_ID, productHarness, type ProductHarness } from './support/product-harness';

const DANA: Author = { kind: 'human', id: 'usr_dana' };
/** Support first: the queue whose offer reaches the person first when both hear of a free slot. */
const TEAMS = ['support', 'billing'] as const;
type Team = (typeof TEAMS)[number];

describe('conversationWorkflow routing: priority across a person’s teams', () => {
  let h: ProductHarness;
  let assistant: Author;
  beforeEach(async () => {
    h = await productHarness('priority_teams');
    assistant = await h.newAssistant();
  });
  afterEach(() => h?.close());

  const queue = (team: Team) => h.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(WEBSITE_ID, team), query: teamQueueState.name });
  const waitingIn = async (team: Team) => (await queue(team)).queue.map((entry) => entry.conversationId);

  /** A conversation an agent escalated at `priority`, waiting in `team`'s queue (billing by its tag, support by default). */
  async function waiting(team: Team, priority: Priority): Promise<DrivenConversation> {
    const roster = [...workflowInput().roster, { id: DANA.id, kind: 'human' as const }, { id: assistant.id, kind: 'ai' as const }];
    const c = await h.newConversation({ assistantId: assistant.id, roster });
    if (team === 'billing') await c.operate(ALICE, { op: 'add_tags', tags: ['billing'] });
    if (priority !== 'medium') await c.operate(ALICE, { op: 'set_priority', priority });
    await c.operate(ALICE, { op: 'escalate', reason: 'needs a person' });
    await eventually(async () => expect(await waitingIn(team)).toContain(c.id));
    return c;
  }

  const assigneeOf = async (c: DrivenConversation) => (await c.state())?.assigneeId;
  /** Dana, at her capacity of 1, holding `c`. */
  const danaHolds = (c: DrivenConversation) =>
    eventually(async () => {
      expect(await assigneeOf(c)).toBe(DANA.id);
      for (const team of TEAMS) expect((await queue(team)).agents).toContainEqual(expect.objectContaining({ agentId: DANA.id, online: true, open: 1 }));
    });

  it('gives the person who resolves one an urgent conversation waiting in one team before a medium one waiting longer in another, round after round', async () => {
    const first = await waiting('support', 'medium');
    await h.agentOnline(DANA, { teams: [...TEAMS], capacity: 1 });
    await danaHolds(first);
    const medium = await waiting('support', 'medium');

    let holding = first;
    for (let round = 0; round < 3; round++) {
      const urgent = await waiting('billing', 'urgent');
      await holding.operate(DANA, { op: 'resolve' });
      await danaHolds(urgent);
      expect(await assigneeOf(medium)).toBeUndefined();
      holding = urgent;
    }

    // Nothing more urgent waits: her next free slot goes to the medium one, which waited its turn.
    await holding.operate(DANA, { op: 'resolve' });
    await danaHolds(medium);
    expect(await waitingIn('billing')).toEqual([]);
  });

  it('gives the person who resolves one the conversation waiting longest among their teams when the priorities are equal', async () => {
    const first = await waiting('support', 'medium');
    await h.agentOnline(DANA, { teams: [...TEAMS], capacity: 1 });
    await danaHolds(first);
    const older = await waiting('billing', 'high');
    await h.passTime(60_000);
    const newer = await waiting('support', 'high');

    await first.operate(DANA, { op: 'resolve' });
    await danaHolds(older);
    expect(await assigneeOf(newer)).toBeUndefined();
    // Offered to Dana meanwhile (at her capacity, refused), it may be out of the queue a moment, as a full run on two cores once caught it.
    await eventually(async () => expect(await waitingIn('support')).toEqual([newer.id]));
  });
});
