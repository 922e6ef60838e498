/**
 * A person's capacity across the team queues of all their teams: the queues offer them
 * conversations at the same moments, and together give them no more than their capacity.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Author } from '../../domain/timeline';
import { teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { eventually } from '../runtime/engine/eventually';
import { ALICE, workflowInput } from './conversation/fixtures';
import type { DrivenConversation } from './support/conversation-driver';
import { WEBSITE_ID, productHarness, type ProductHarness } from './support/product-harness';

const DANA: Author = { kind: 'human', id: 'usr_dana' };
const EVE: Author = { kind: 'human', id: 'usr_eve' };
/** The tags that route to each team (the default routing rules), none for `support`. */
const TEAM_TAGS = { support: [], billing: ['billing'], technical: ['bug'] } as const;
const TEAMS = Object.keys(TEAM_TAGS) as (keyof typeof TEAM_TAGS)[];
const CAPACITY = 4;

describe('conversationWorkflow routing: a person in several teams', () => {
  let h: ProductHarness;
  beforeEach(async () => {
    h = await productHarness('capacity');
  });
  afterEach(() => h?.close());

  const queue = (team: string) => h.engine.query<TeamQueueSnapshot>({ workflowId: teamQueueWorkflowId(WEBSITE_ID, team), query: teamQueueState.name });

  /** Four conversations escalated by an agent to each of the three teams, waiting while nobody is online. */
  async function fourWaitingInEachTeam(): Promise<DrivenConversation[]> {
    const assistant = await h.newAssistant();
    const roster = [...workflowInput().roster, ...[DANA, EVE].map(({ id }) => ({ id, kind: 'human' as const })), { id: assistant.id, kind: 'ai' as const }];
    const waiting: DrivenConversation[] = [];
    for (const team of TEAMS) {
      for (let i = 0; i < 4; i++) {
        const c = await h.newConversation({ assistantId: assistant.id, roster });
        if (TEAM_TAGS[team].length > 0) await c.operate(ALICE, { op: 'add_tags', tags: [...TEAM_TAGS[team]] });
        await c.operate(ALICE, { op: 'escalate', reason: 'needs a person' });
        waiting.push(c);
      }
    }
    await eventually(async () => expect((await Promise.all(TEAMS.map(queue))).map((q) => q.queue.length)).toEqual([4, 4, 4]));
    return waiting;
  }

  const assigneesOf = async (conversations: DrivenConversation[]) => Promise.all(conversations.map(async (c) => (await c.state())?.assigneeId));
  const countOf = (assignees: (string | undefined)[], agentId: string | undefined) => assignees.filter((a) => a === agentId).length;

  /** Once every queue has heard that `agent` is full and none is offering them anything (nothing taken off a line). */
  const settledWithFull = (agent: Author, waiting: number) =>
    eventually(async () => {
      const queues = await Promise.all(TEAMS.map(queue));
      expect(queues.reduce((sum, q) => sum + q.queue.length, 0)).toBe(waiting);
      for (const q of queues) expect(q.agents).toContainEqual(expect.objectContaining({ agentId: agent.id, online: true, open: CAPACITY }));
    });

  it('gives a person coming online with conversations waiting in each of their teams no more than their capacity, the rest to the next person', async () => {
    const conversations = await fourWaitingInEachTeam();
    await h.agentOnline(DANA, { teams: [...TEAMS], capacity: CAPACITY });
    await settledWithFull(DANA, 12 - CAPACITY);
    expect(countOf(await assigneesOf(conversations), DANA.id)).toBe(CAPACITY);

    await h.agentOnline(EVE, { teams: [...TEAMS], capacity: CAPACITY });
    await settledWithFull(EVE, 12 - 2 * CAPACITY);
    const assignees = await assigneesOf(conversations);
    expect([countOf(assignees, DANA.id), countOf(assignees, EVE.id), countOf(assignees, undefined)]).toEqual([CAPACITY, CAPACITY, 12 - 2 * CAPACITY]);
  });

  it('offers the person who resolves one of their conversations the next one waiting, from any of their teams', async () => {
    const conversations = await fourWaitingInEachTeam();
    await h.agentOnline(DANA, { teams: [...TEAMS], capacity: CAPACITY });
    await settledWithFull(DANA, 12 - CAPACITY);
    const before = await assigneesOf(conversations);
    const hers = conversations.filter((_, i) => before[i] === DANA.id);

    await hers[0]!.operate(DANA, { op: 'resolve' });
    await settledWithFull(DANA, 12 - CAPACITY - 1);
    const after = await assigneesOf(conversations);
    expect(countOf(after, DANA.id)).toBe(CAPACITY + 1); // the resolved one keeps its assignee
    expect((await Promise.all(conversations.map((c) => c.state()))).filter((s) => s?.assigneeId === DANA.id && s.status === 'open')).toHaveLength(CAPACITY);
  });
});
