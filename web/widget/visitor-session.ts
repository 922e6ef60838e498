/**
 * The visitor's identity on this device: the id the server gave on the first `GET /v1/websites`,
 * kept in localStorage per website key so the visitor finds their conversations again, and beside
 * it the website user (`externalId`) it was identified as, if any.
 */
import { ApiClient } from '../shared/api-client';
import type { WebsiteInfo } from '../shared/wire';

const visitorKey = (publicKey: string) => `support-widget:visitor:${publicKey}`;
const externalIdKey = (publicKey: string) => `support-widget:external-id:${publicKey}`;

export interface VisitorSession {
  api: ApiClient;
  website: WebsiteInfo;
}

/** `origin`: the chat server's, when it is not the page's (the widget embedded on another website). */
export async function startVisitorSession(publicKey: string, origin = ''): Promise<VisitorSession> {
  const storedId = localStorage.getItem(visitorKey(publicKey)) ?? undefined;
  const website = await new ApiClient({ kind: 'visitor', publicKey, visitorId: storedId }, origin).website();
  localStorage.setItem(visitorKey(publicKey), website.visitor.id);
  return { api: new ApiClient({ kind: 'visitor', publicKey, visitorId: website.visitor.id }, origin), website };
}

/** The website user this device's visitor was identified as. */
export const identifiedAs = (publicKey: string): string | undefined => localStorage.getItem(externalIdKey(publicKey)) ?? undefined;

export function rememberIdentified(publicKey: string, externalId: string): void {
  localStorage.setItem(externalIdKey(publicKey), externalId);
}

/** Forgets this device's visitor (a sign-out on a shared computer): the next session is a new anonymous visitor. */
export function forgetVisitor(publicKey: string): void {
  localStorage.removeItem(visitorKey(publicKey));
  localStorage.removeItem(externalIdKey(publicKey));
}
