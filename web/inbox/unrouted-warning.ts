/** What the Team page says under a person routing gives nothing to (`routed: false` in `GET /v1/team`). */
import type { TeamMemberInfo } from '../shared/wire';

/** Why routing gives the person no conversations; undefined when it does (or a server before `routed` does not say). */
export const unroutedWarning = (member: TeamMemberInfo): string | undefined => {
  if (member.kind !== 'human' || member.routed !== false) return undefined;
  return (member.teams ?? []).length === 0
    ? 'Not in any team: routing does not give them conversations.'
    : 'In no team the routing rules send conversations to: routing does not give them conversations.';
};
