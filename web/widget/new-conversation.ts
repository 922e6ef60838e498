/**
 * The id "New conversation" opens: the same until the conversation is created by its first
 * message, so what the visitor wrote in it, or could not send, is there again when they come back
 * to it (from the list, or after a reload: the id is kept in sessionStorage).
 *
 * A tab duplicated from this one (or opened by it) starts with a copy of its sessionStorage, this
 * id included, while this page still opens it: the server takes a repeat of the id as the same
 * creation, so both tabs' first messages would go to one conversation. The page showing the id
 * therefore marks it held until it goes (`pagehide`: a reload, a link followed, the tab closed),
 * and a page that finds it still held starts another. A page the browser discarded to save memory
 * never saw `pagehide` and takes its id back; one that crashed did not either, and starts another.
 */
import { clientId } from '../shared/api-client';

/** Chromium's: the tab's page was discarded (to save memory) and is loaded again. */
const wasDiscarded = () => (document as { wasDiscarded?: boolean }).wasDiscarded === true;

export class NewConversation {
  private current: string | undefined;
  private readonly heldKey: string;

  constructor(private readonly storageKey: string) {
    this.heldKey = `${storageKey}:held`;
    this.adopt();
    window.addEventListener('pagehide', () => write(this.heldKey, undefined));
    // Back from the back-forward cache: the pages this tab showed meanwhile may have created the id, or started another.
    window.addEventListener('pageshow', (event) => {
      if ((event as PageTransitionEvent).persisted) this.adopt();
    });
  }

  /** The id to open; `isConversation` says whether the visitor has a conversation with that id already. */
  id(isConversation: (id: string) => boolean): string {
    if (this.current && !isConversation(this.current)) return this.current;
    const id = clientId('conv');
    this.keep(id);
    return id;
  }

  /** It exists now: the next "New conversation" is another. */
  created(conversationId: string): void {
    if (conversationId === this.current) this.keep(undefined);
  }

  /** Takes the tab's kept id, unless another page still holds it (this tab is a copy of that page's). */
  private adopt(): void {
    const kept = read(this.storageKey);
    this.keep(kept !== undefined && read(this.heldKey) !== undefined && !wasDiscarded() ? undefined : kept);
  }

  private keep(id: string | undefined): void {
    this.current = id;
    write(this.storageKey, id);
    write(this.heldKey, id && 'true');
  }
}

function read(key: string): string | undefined {
  try {
    return sessionStorage.getItem(key) ?? undefined;
  } catch {
    return undefined; // No storage: kept while the page lives.
  }
}

function write(key: string, value: string | undefined): void {
  try {
    if (value === undefined) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // As above.
  }
}
