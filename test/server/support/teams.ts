/**
 * Team queues that record what they are told, as `<prefix>online:<userId>` / `<prefix>offline:<userId>`,
 * and `<prefix>reconciled:<userId>:<teams available>` after a team change.
 */
import type { TeamAvailability } from '../../../server/realtime/agent-availability';

export function recordingTeams(told: string[], prefix = ''): TeamAvailability {
  return {
    agentOnline: async (member) => void told.push(`${prefix}online:${member.id}`),
    agentOffline: async (member) => void told.push(`${prefix}offline:${member.id}`),
    agentReconciled: async (_websiteId, agentId, _teams, available) => void told.push(`${prefix}reconciled:${agentId}:${available?.member.teams.join(',') ?? ''}`),
  };
}
