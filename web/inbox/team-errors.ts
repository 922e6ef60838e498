/** What the inbox says when the server refuses a change to the team, in plain words. */
import { ApiError } from '../shared/api-client';
import { listed } from '../shared/format';
import { errorText } from '../shared/toast';

/**
 * A refusal to leave a routed team with nobody in it names those teams in `details.teams`; its
 * message is the server's, written for logs: say it as the team page's reader would.
 */
export function teamChangeErrorText(error: unknown): string {
  const teams = error instanceof ApiError && error.status === 409 ? (error.details as { teams?: unknown } | undefined)?.teams : undefined;
  if (!Array.isArray(teams) || teams.length === 0 || !teams.every((team) => typeof team === 'string')) return errorText(error);
  const [which, them] = teams.length === 1 ? [`The ${teams[0]} team`, 'it'] : [`The ${listed(teams)} teams`, 'them'];
  return `Not saved: ${which} would have nobody left, and the routing rules send conversations to ${them}. Change the routing rules first.`;
}
