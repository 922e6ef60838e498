import { describe, expect, it } from 'vitest';
import { comesBefore, waitingFor } from '../../../activities/ai/waiting-elsewhere';
import { teamQueueWorkflowId } from '../../../workflows/routing/definitions';
import type { AgentSlot, QueueEntry, TeamQueueView } from '../../../workflows/routing/team-queue-state';

const WEBSITE = 'web_w';
const DANA = 'usr_dana';

const slot = (agentId: string, online = true): AgentSlot => ({ agentId, online, capacity: 2, open: 2, lastAssigned: 0 });
let order = 0;
const entry = (conversationId: string, priority: QueueEntry['priority'], since?: number, releasedBy?: string): QueueEntry => ({
  conversationId,
  priority,
  order: ++order,
  ...(since === undefined ? {} : { since }),
  ...(releasedBy === undefined ? {} : { releasedBy }),
});
const view = (queue: QueueEntry[], agents: AgentSlot[] = [slot(DANA)], offering?: TeamQueueView['offering']): TeamQueueView => ({ queue, agents, counter: order, ...(offering ? { offering } : {}) });

/** An engine whose team queues answer `views` (by team); a team without one is not running. */
function engineWith(views: Record<string, TeamQueueView | Error>) {
  const queried: string[] = [];
  const engine = {
    query: async <R,>({ workflowId }: { workflowId: string }): Promise<R> => {
      queried.push(workflowId);
      const team = Object.keys(views).find((name) => teamQueueWorkflowId(WEBSITE, name) === workflowId);
      const answer = team === undefined ? Object.assign(new Error('not found'), { code: 'ERR_WORKFLOW_NOT_FOUND' }) : views[team]!;
      if (answer instanceof Error) throw answer;
      return answer as R;
    },
  };
  return { engine, queried };
}

describe('waitingFor', () => {
  it('lists what waits for the person in the queues of the teams asked, highest priority first, then the longest waiting (undated entries first), across the teams', async () => {
    const { engine, queried } = engineWith({
      billing: view([entry('b-medium-late', 'medium', 3_000), entry('b-urgent', 'urgent', 5_000)]),
      technical: view([entry('t-medium-early', 'medium', 1_000), entry('t-medium-undated', 'medium'), entry('t-low', 'low', 0)]),
      security: view([entry('s-urgent', 'urgent', 9_000)]),
    });
    const waiting = await waitingFor(engine)(WEBSITE, DANA, ['billing', 'technical']);
    expect(waiting.map((w) => [w.team, w.conversationId])).toEqual([
      ['billing', 'b-urgent'],
      ['technical', 't-medium-undated'],
      ['technical', 't-medium-early'],
      ['billing', 'b-medium-late'],
      ['technical', 't-low'],
    ]);
    expect(waiting[0]).toEqual({ team: 'billing', conversationId: 'b-urgent', priority: 'urgent', since: 5_000 });
    expect(queried).toEqual(['billing', 'technical'].map((team) => teamQueueWorkflowId(WEBSITE, team)));
  });

  it('leaves out what the queues would not offer the person: where they are away or unknown, and what they let go of', async () => {
    const { engine } = engineWith({
      billing: view([entry('b-1', 'urgent', 1_000)], [slot(DANA, false), slot('usr_eve')]),
      technical: view([entry('t-1', 'urgent', 1_000)], [slot('usr_eve')]),
      support: view([entry('s-let-go', 'urgent', 1_000, DANA), entry('s-1', 'high', 2_000, 'usr_eve')]),
    });
    expect((await waitingFor(engine)(WEBSITE, DANA, ['billing', 'technical', 'support'])).map((w) => w.conversationId)).toEqual(['s-1']);
  });

  it('counts a conversation a queue is offering the person at the moment (out of its line meanwhile), not one it offers someone else', async () => {
    const { engine } = engineWith({
      billing: view([], [slot(DANA)], { entry: entry('b-offered', 'urgent', 4_000), agentId: DANA }),
      technical: view([entry('t-1', 'high', 1_000)], [slot(DANA), slot('usr_eve')], { entry: entry('t-to-eve', 'urgent', 2_000), agentId: 'usr_eve' }),
    });
    expect((await waitingFor(engine)(WEBSITE, DANA, ['billing', 'technical'])).map((w) => w.conversationId)).toEqual(['b-offered', 't-1']);
  });

  it('finds nothing in a queue that is not running, and throws when one cannot be read', async () => {
    const { engine } = engineWith({ billing: view([entry('b-1', 'low', 1_000)]) });
    expect((await waitingFor(engine)(WEBSITE, DANA, ['billing', 'technical'])).map((w) => w.conversationId)).toEqual(['b-1']);
    const down = engineWith({ billing: new Error('engine unreachable') });
    await expect(waitingFor(down.engine)(WEBSITE, DANA, ['billing'])).rejects.toThrow('engine unreachable');
  });
});

describe('comesBefore', () => {
  it('puts a higher priority first, then the earlier queued, an undated entry before a dated one, and two undated ones of a priority in no order', () => {
    expect(comesBefore({ priority: 'urgent', since: 9 }, { priority: 'medium', since: 1 })).toBe(true);
    expect(comesBefore({ priority: 'medium', since: 1 }, { priority: 'urgent' })).toBe(false);
    expect(comesBefore({ priority: 'high', since: 1 }, { priority: 'high', since: 2 })).toBe(true);
    expect(comesBefore({ priority: 'high', since: 2 }, { priority: 'high', since: 2 })).toBe(false);
    expect(comesBefore({ priority: 'high' }, { priority: 'high', since: 0 })).toBe(true);
    expect(comesBefore({ priority: 'high' }, { priority: 'high' })).toBe(false);
  });
});
