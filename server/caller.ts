/** Who is calling, once authenticated, and what that means for authorship and visibility. */
import type { MemberTokenRole } from '../activities/store';
import { AppError } from '../domain/errors';
import type { TeamMemberKind, Viewer, VisitorViewer, Website } from '../domain/people';
import type { Author } from '../domain/timeline';

export interface VisitorCaller {
  kind: 'visitor';
  website: Website;
  visitorId: string;
  contactId?: string;
}

/** A secret-key caller; without `userId` (no `X-Actor-User-Id`) it may only read. A member token's always names its person. */
export interface AgentCaller {
  kind: 'agent';
  website: Website;
  userId?: string;
  memberKind?: TeamMemberKind;
  /** The member token it authenticated with, if not the website's secret key. */
  token?: { id: string; role: MemberTokenRole; expiresAt: string };
}

export type Caller = VisitorCaller | AgentCaller;

/** A visitor as a viewer: a linked one reads as its contact. */
export const visitorViewerOf = (caller: VisitorCaller): VisitorViewer =>
  caller.contactId ? { kind: 'contact', id: caller.contactId, visitorId: caller.visitorId } : { kind: 'visitor', id: caller.visitorId };

/** The identity unread counts and visibility are computed for. */
/** Whose seen state a secret-key call without `X-Actor-User-Id` reads: no team member may have this id. */
export const BACKEND_VIEWER_ID = 'backend';

export function viewerOf(caller: Caller): Viewer {
  if (caller.kind === 'visitor') return visitorViewerOf(caller);
  return { kind: caller.memberKind === 'ai' ? 'ai' : 'human', id: caller.userId ?? BACKEND_VIEWER_ID };
}

/** The author of what this caller writes; a secret key without an actor may not write. */
export function authorOf(caller: Caller): Author {
  if (caller.kind === 'visitor') return { kind: 'visitor', id: caller.visitorId };
  const agent = requireActingAgent(caller);
  return { kind: agent.memberKind === 'ai' ? 'ai' : 'human', id: agent.userId };
}

export function requireAgent(caller: Caller): AgentCaller {
  if (caller.kind !== 'agent') throw new AppError('ERR_FORBIDDEN', 'Only the support team may do this');
  return caller;
}

/** An agent acting as a named team member: what lifecycle operations need. */
export function requireActingAgent(caller: Caller): AgentCaller & { userId: string } {
  const agent = requireAgent(caller);
  // Reads need it too (`GET /v1/team/me`): the message says what to add, not what the call is.
  if (!agent.userId) throw new AppError('ERR_FORBIDDEN', 'This needs an acting team member: add X-Actor-User-Id naming one (actorUserId on /ws), or send their member token');
  return { ...agent, userId: agent.userId };
}

/**
 * An acting person who may change the website's configuration (team, settings, assistants): by the
 * secret key or an admin member token; never an AI assistant.
 */
export function requireActingPerson(caller: Caller): AgentCaller & { userId: string } {
  const agent = requireActingAgent(caller);
  const refusal = configurationRefusal(agent);
  if (refusal) throw new AppError('ERR_FORBIDDEN', refusal);
  return agent;
}

/** Why this acting agent may not change the website's configuration, or undefined when it may. */
function configurationRefusal(agent: AgentCaller): string | undefined {
  if (agent.memberKind === 'ai') return 'An AI assistant cannot change the website\'s configuration';
  if (agent.token && agent.token.role !== 'admin') return 'Changing the website\'s configuration needs an admin member token or the secret key';
  return undefined;
}

/**
 * The role an acting agent has, as `GET /v1/team/me` says it: `admin` when it may change the
 * website's configuration (the secret key, or an admin member token), else `agent`. A page asks
 * it to show settings read-only to those the server would refuse.
 */
export const roleOf = (agent: AgentCaller): MemberTokenRole => (configurationRefusal(agent) === undefined ? 'admin' : 'agent');
