/**
 * The visitor's identity on this device: the id the server gave on the first `GET /v1/websites`,
 * kept in localStorage per website key so the visitor finds their conversations again.
 */
import { ApiClient } from '../shared/api-client';
import type { WebsiteInfo } from '../shared/wire';

const storageKey = (publicKey: string) => `support-widget:visitor:${publicKey}`;

export interface VisitorSession {
  api: ApiClient;
  website: WebsiteInfo;
}

export async function startVisitorSession(publicKey: string): Promise<VisitorSession> {
  const storedId = localStorage.getItem(storageKey(publicKey)) ?? undefined;
  const website = await new ApiClient({ kind: 'visitor', publicKey, visitorId: storedId }).website();
  localStorage.setItem(storageKey(publicKey), website.visitor.id);
  return { api: new ApiClient({ kind: 'visitor', publicKey, visitorId: website.visitor.id }), website };
}
