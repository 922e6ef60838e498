/**
 * Whether the widget's first call was refused (the page's origin or the website key: the page's
 * owner must be told what to change) or failed for now (the chat server down or overloaded: it is
 * tried again). A refusal read from the answer is for good; one only guessed (below) is said, and
 * tried again all the same, as it may be a proxy's error answered without CORS headers.
 */
import { ApiError, isForeignAnswer, isRefusal, UnreachableError } from '../shared/api-client';

const originRefused = (chatOrigin: string) =>
  `Support chat: the chat server ${chatOrigin} does not accept this page's origin, ${location.origin}. Add ${location.origin} to the server's ALLOWED_ORIGINS (and check the widget's data-public-key).`;

const keyUnknown = (chatOrigin: string, publicKey: string) =>
  `Support chat: the chat server ${chatOrigin} knows no website with the public key ${publicKey}. Check the widget's data-public-key: the server prints its public key when it starts.`;

export interface Refusal {
  /** What to tell the page's owner. */
  message: string;
  /** Read from the server's answer: trying again cannot help. */
  final: boolean;
}

/** The refusal `error` is, or undefined when it is a failure for now. */
export async function loadRefusal(error: unknown, chatOrigin: string, publicKey: string): Promise<Refusal | undefined> {
  const server = chatOrigin || location.origin;
  if (error instanceof ApiError) {
    // Only the API's own refusal is for good: a proxy's 4xx page in front of it may pass.
    if (!isRefusal(error) || isForeignAnswer(error)) return undefined;
    if (error.status === 403) return { message: originRefused(server), final: true };
    // The first call creates the visitor, so an unknown key is the only thing it is refused for without a 403.
    if (error.status === 401) return { message: keyUnknown(server, publicKey), final: true };
    return { message: `Support chat: the chat server ${server} refused the widget: ${error.message}.`, final: true };
  }
  if (!(error instanceof UnreachableError) || !chatOrigin) return undefined;
  // Across origins, an answer the page may not read (a refused origin gets no CORS headers) fails
  // like a network error; a request whose answer the page does not read tells the two apart.
  const serverUp = await fetch(`${chatOrigin}/v1/health`, { mode: 'no-cors', signal: AbortSignal.timeout(10_000) }).then(
    () => true,
    () => false,
  );
  return serverUp ? { message: originRefused(chatOrigin), final: false } : undefined;
}
