/**
 * The signed-in agent of the inbox and audit pages: the secret key and the chosen team member, or a
 * member token and its member, kept in sessionStorage (gone when the tab closes; a tab this one
 * opens with an opener, such as the inbox's audit trail, starts with a copy).
 */
import { ApiClient } from './api-client';

const STORAGE_KEY = 'support-agent-session';

export interface AgentSession {
  /** The website's secret key, or a member token (`mt_…`). */
  key: string;
  agentId: string;
  agentName: string;
}

export function loadAgentSession(): AgentSession | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<AgentSession> | null;
    if (stored?.key && stored.agentId && stored.agentName) return stored as AgentSession;
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

export function saveAgentSession(session: AgentSession): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearAgentSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** Where why the last session ended waits for the sign-in form, across the page's reload. */
const SIGNED_OUT_KEY = 'support-agent-signed-out';

/** The session ended without the agent asking (removed from the team, say): the sign-in form says why. */
export function noteSignedOut(why: string): void {
  sessionStorage.setItem(SIGNED_OUT_KEY, why);
}

/** Why the last session ended, once: the sign-in form shown after that says it. */
export function takeSignedOutNote(): string | undefined {
  const why = sessionStorage.getItem(SIGNED_OUT_KEY) ?? undefined;
  sessionStorage.removeItem(SIGNED_OUT_KEY);
  return why;
}

/** Where a page tells this browser's others that its agent signed out. */
const SIGN_OUT_CHANNEL = 'support-agent-sign-out';

/**
 * Tells this browser's other pages that the agent signed out, so that those holding their session
 * (the audit trail's tab starts with a copy of the inbox's) let it go too, as signing out of a product
 * signs out its tabs. Only the agent's id goes, never the key.
 */
export function announceSignOut(session: AgentSession): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(SIGN_OUT_CHANNEL);
  channel.postMessage({ agentId: session.agentId });
  channel.close();
}

/** Calls `signedOut` when another page of this browser signs the same agent out. */
export function onSignOutElsewhere(session: AgentSession, signedOut: () => void): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(SIGN_OUT_CHANNEL);
  channel.onmessage = (event: MessageEvent<{ agentId?: unknown }>) => {
    if (event.data?.agentId === session.agentId) signedOut();
  };
}

export const agentApi = (session: AgentSession): ApiClient =>
  new ApiClient({ kind: 'agent', key: session.key, agentId: session.agentId });

/** A member token's id (what revokes it), or undefined when the session holds the secret key. */
export const memberTokenIdOf = (session: AgentSession): string | undefined => (session.key.startsWith('mt_') ? session.key.split('.')[0] : undefined);
