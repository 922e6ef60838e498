/**
 * Whether the widget's first call failed for good (the page's origin or the website key refused:
 * trying again cannot help, and the page's owner must be told what to change) or for now (the chat
 * server down or overloaded: it is tried again).
 */
import { ApiError, UnreachableError } from '../shared/api-client';

const originRefused = (chatOrigin: string) =>
  `Support chat: the chat server ${chatOrigin} does not accept this page's origin, ${location.origin}. Add ${location.origin} to the server's ALLOWED_ORIGINS (and check the widget's data-public-key).`;

/** What to tell the page's owner when `error` is a refusal; undefined when the call may be tried again. */
export async function loadRefusal(error: unknown, chatOrigin: string): Promise<string | undefined> {
  const server = chatOrigin || location.origin;
  if (error instanceof ApiError) {
    if (error.status === 403) return originRefused(server);
    if (error.status === 429 || error.status >= 500) return undefined;
    return `Support chat: the chat server ${server} refused the widget: ${error.message}.`;
  }
  if (!(error instanceof UnreachableError) || !chatOrigin) return undefined;
  // Across origins, an answer the page may not read (a refused origin gets no CORS headers) fails
  // like a network error; a request whose answer the page does not read tells the two apart.
  const serverUp = await fetch(`${chatOrigin}/v1/health`, { mode: 'no-cors', signal: AbortSignal.timeout(10_000) }).then(
    () => true,
    () => false,
  );
  return serverUp ? originRefused(chatOrigin) : undefined;
}
