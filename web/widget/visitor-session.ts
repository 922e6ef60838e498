/**
 * The visitor's identity on this device: the id the server gave on the first `GET /v1/websites`,
 * kept in localStorage per website key so the visitor finds their conversations again, and beside
 * it the website user (`externalId`) it was identified as, if any.
 */
import { ApiClient } from '../shared/api-client';
import type { WebsiteInfo } from '../shared/wire';

const visitorKey = (publicKey: string) => `support-widget:visitor:${publicKey}`;
/**
 * localStorage, or where the browser refuses it (storage blocked for the page's site), this page's
 * memory: the visitor is then a new one at each page load, rather than no widget at all.
 */
const pageMemory = new Map<string, string>();
const stored = {
  get(key: string): string | undefined {
    try {
      return localStorage.getItem(key) ?? undefined;
    } catch {
      return pageMemory.get(key);
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      pageMemory.set(key, value);
    }
  },
  remove(key: string): void {
    pageMemory.delete(key);
    try {
      localStorage.removeItem(key);
    } catch {
      // Only in the page's memory.
    }
  },
};
const externalIdKey = (publicKey: string) => `support-widget:external-id:${publicKey}`;

export interface VisitorSession {
  api: ApiClient;
  website: WebsiteInfo;
}

/** `origin`: the chat server's, when it is not the page's (the widget embedded on another website). */
export async function startVisitorSession(publicKey: string, origin = ''): Promise<VisitorSession> {
  const storedId = stored.get(visitorKey(publicKey));
  const website = await new ApiClient({ kind: 'visitor', publicKey, visitorId: storedId }, origin).website();
  stored.set(visitorKey(publicKey), website.visitor.id);
  return { api: new ApiClient({ kind: 'visitor', publicKey, visitorId: website.visitor.id }, origin), website };
}

/** The website user this device's visitor was identified as. */
export const identifiedAs = (publicKey: string): string | undefined => stored.get(externalIdKey(publicKey));

export function rememberIdentified(publicKey: string, externalId: string): void {
  stored.set(externalIdKey(publicKey), externalId);
}

/** Forgets this device's visitor (a sign-out on a shared computer): the next session is a new anonymous visitor. */
export function forgetVisitor(publicKey: string): void {
  stored.remove(visitorKey(publicKey));
  stored.remove(externalIdKey(publicKey));
}
