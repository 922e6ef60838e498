import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../runtime/engine/clock';
import { EmbeddedEngine } from '../../runtime/engine/embedded/embedded-engine';
import { MemoryJournalStore } from '../../runtime/engine/memory-journal-store';
import type { AssignFromQueueInput, AssignOutcome } from '../../workflows/routing/activity-types';
import { TEAM_QUEUE_WORKFLOW_TYPE, agentAvailable, agentLoad, enqueue, teamQueueState, teamQueueWorkflowId } from '../../workflows/routing/definitions';
import type { TeamQueueSnapshot } from '../../workflows/routing/team-queue-state';
import { eventually } from '../runtime/engine/eventually';
import { silentLogger } from '../runtime/engine/silent-logger';

const routingWorkflowsPath = fileURLToPath(new URL('../../workflows/routing', import.meta.url));

describe('teamQueueWorkflow (embedded engine)', () => {
  let engine: EmbeddedEngine | undefined;
  afterEach(async () => engine?.shutdown());

  it('holds a conversation while the only agent is full and assigns it when the agent frees up', async () => {
    const assignments: AssignFromQueueInput[] = [];
    engine = await EmbeddedEngine.create({
      workflowsPath: routingWorkflowsPath,
      activities: {
        assignFromQueue: async (input: AssignFromQueueInput): Promise<AssignOutcome> => {
          assignments.push(input);
          return 'assigned';
        },
      },
      journal: new MemoryJournalStore(),
      clock: new ManualClock(),
      logger: silentLogger,
    });
    const workflowId = teamQueueWorkflowId('w1', 'billing');
    const send = (signal: { name: string }, args: object) =>
      engine!.signalWithStart({ workflowType: TEAM_QUEUE_WORKFLOW_TYPE, workflowId, args: [{ websiteId: 'w1', team: 'billing' }], signal: signal.name, signalArgs: [args] });
    const snapshot = () => engine!.query<TeamQueueSnapshot>({ workflowId, query: teamQueueState.name });

    await send(agentAvailable, { agentId: 'ann', capacity: 1 });
    await send(agentLoad, { agentId: 'ann', open: 1 });
    await send(enqueue, { conversationId: 'c1', priority: 'high' });
    expect((await snapshot()).queue.map((e) => e.conversationId)).toEqual(['c1']);
    expect(assignments).toEqual([]);

    await send(agentLoad, { agentId: 'ann', open: 0 }); // Ann resolved a conversation
    await eventually(() => expect(assignments).toEqual([{ websiteId: 'w1', team: 'billing', conversationId: 'c1', agentId: 'ann', checksCapacity: true }]));
    await eventually(async () => expect(await snapshot()).toMatchObject({ queue: [], agents: [{ agentId: 'ann', open: 1 }] }));
  });
});
