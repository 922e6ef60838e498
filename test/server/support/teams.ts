/** Team queues that record what they are told of agents coming and going, and a look at what a team's queue holds. */
import type { RunningApp } from '../../../runtime/app';
import type { TeamAvailability } from '../../../server/realtime/agent-availability';
import { teamQueueState, teamQueueWorkflowId } from '../../../workflows/routing/definitions';
import type { AgentSlot } from '../../../workflows/routing/team-queue-state';

/** Records what the queues are told, as `<prefix>online:<userId>` / `<prefix>offline:<userId>`. */
export function recordingTeams(told: string[], prefix = ''): TeamAvailability {
  return {
    agentOnline: async (member) => void told.push(`${prefix}online:${member.id}`),
    agentOffline: async (member) => void told.push(`${prefix}offline:${member.id}`),
    // Team changes are not what the tests using this watch (test/server/team-members.test.ts has the real queues).
    agentReconciled: async () => undefined,
  };
}

/** The agent's slot in the team's queue as its workflow holds it now; undefined while the queue does not run or knows them not. */
export async function queueSlotOf(app: Pick<RunningApp, 'engine' | 'websiteId'>, team: string, agentId: string): Promise<AgentSlot | undefined> {
  const queue = await app.engine.query<{ agents: AgentSlot[] }>({ workflowId: teamQueueWorkflowId(app.websiteId, team), query: teamQueueState.name }).catch(() => undefined);
  return queue?.agents.find((slot) => slot.agentId === agentId);
}
