import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/engine/clock';
import { EmbeddedEngine } from '../../runtime/engine/embedded/embedded-engine';
import { MemoryJournalStore } from '../../runtime/engine/memory-journal-store';
import type { AssignFromQueueInput, AssignOutcome } from '../../workflows/routing/activity-types';
import { TEAM_QUEUE_WORKFLOW_TYPE, agentAvailable, agentLoad, enqueue, teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueView } from '../../workflows/routing/team-queue-state';
import { eventually } from '../runtime/engine/eventually';
import { silentLogger } from '../runtime/engine/silent-logger';

const routingWorkflowsPath = fileURLToPath(new URL('../../workflows/routing', import.meta.url));

describe('teamQueueWorkflow (embedded engine)', () => {
  let engine: EmbeddedEngine | undefined;
  afterEach(async () => engine?.shutdown());

  /** A billing queue whose offers `assign` answers; `clock` is its workflow time. */
  async function billingQueue(assign: (input: AssignFromQueueInput) => Promise<AssignOutcome>) {
    const clock = new ManualClock();
    engine = await EmbeddedEngine.create({ workflowsPath: routingWorkflowsPath, activities: { assignFromQueue: assign }, journal: new MemoryJournalStore(), clock, logger: silentLogger });
    const workflowId = teamQueueWorkflowId('w1', 'billing');
    const send = (signal: { name: string }, args: object) =>
      engine!.signalWithStart({ workflowType: TEAM_QUEUE_WORKFLOW_TYPE, workflowId, args: [{ websiteId: 'w1', team: 'billing' }], signal: signal.name, signalArgs: [args] });
    const snapshot = () => engine!.query<TeamQueueView>({ workflowId, query: teamQueueState.name });
    return { clock, send, snapshot };
  }

  it('holds a conversation while the only agent is full and assigns it when the agent frees up, telling the offer its place in line', async () => {
    const assignments: AssignFromQueueInput[] = [];
    const { clock, send, snapshot } = await billingQueue(async (input) => {
      assignments.push(input);
      return 'assigned';
    });

    await send(agentAvailable, { agentId: 'ann', capacity: 1 });
    await send(agentLoad, { agentId: 'ann', open: 1 });
    const queuedAt = clock.now();
    await send(enqueue, { conversationId: 'c1', priority: 'high' });
    expect((await snapshot()).queue.map((e) => [e.conversationId, e.since])).toEqual([['c1', queuedAt]]);
    await clock.advance(60_000);
    expect(assignments).toEqual([]);

    await send(agentLoad, { agentId: 'ann', open: 0 }); // Ann resolved a conversation
    const place = { priority: 'high', since: queuedAt };
    await eventually(() => expect(assignments).toEqual([{ websiteId: 'w1', team: 'billing', conversationId: 'c1', agentId: 'ann', checksCapacity: true, place }]));
    await eventually(async () => expect(await snapshot()).toMatchObject({ queue: [], agents: [{ agentId: 'ann', open: 1 }] }));
  });

  it('shows the offer under way in its state while its conversation is out of the line, and nothing once it is answered', async () => {
    let answer!: (outcome: AssignOutcome) => void;
    const { send, snapshot } = await billingQueue(() => new Promise((resolve) => (answer = resolve)));
    await send(agentAvailable, { agentId: 'ann', capacity: 1 });
    await send(enqueue, { conversationId: 'c1', priority: 'urgent' });
    await eventually(async () => expect(await snapshot()).toMatchObject({ queue: [], offering: { entry: { conversationId: 'c1', priority: 'urgent' }, agentId: 'ann' } }));

    answer({ outcome: 'agent_full', open: 1, capacity: 1 });
    await eventually(async () => expect(await snapshot()).toMatchObject({ queue: [{ conversationId: 'c1' }], agents: [{ agentId: 'ann', open: 1 }] }));
    expect((await snapshot()).offering).toBeUndefined();
  });
});
