/** Team queues that record what they are told of agents coming and going, as `<prefix>online:<userId>` / `<prefix>offline:<userId>`. */
import type { TeamAvailability } from '../../../server/realtime/agent-availability';

export function recordingTeams(told: string[], prefix = ''): TeamAvailability {
  return {
    agentOnline: async (member) => void told.push(`${prefix}online:${member.id}`),
    agentOffline: async (member) => void told.push(`${prefix}offline:${member.id}`),
    // Team changes are not what the tests using this watch (test/server/team-members.test.ts has the real queues).
    agentReconciled: async () => undefined,
  };
}
