/**
 * The id "New conversation" opens: the same until the conversation is created by its first
 * message, so what the visitor wrote in it, or could not send, is there again when they come back
 * to it (from the list, or after a reload: the id is kept in sessionStorage).
 *
 * A tab duplicated from this one (or opened by it) starts with a copy of its sessionStorage, this
 * id included, while this page still opens it: the server takes a repeat of the id as the same
 * creation, so both tabs' first messages would go to one conversation. The page showing the id
 * therefore marks it held until it goes (`pagehide`: a reload, a link followed, the tab closed).
 * A page that finds it still held asks the other pages whether one holds it (id-holders.ts): one
 * does when this tab is a copy of it, and this page starts another id; none does when the page
 * that held it died without `pagehide` (a crash, the tab killed by the system, a session restored),
 * and this page takes it back, with what was written in it. A page loaded again after the browser
 * discarded its tab to save memory takes it back without asking. Where the pages cannot ask
 * (no BroadcastChannel), a page that finds the id held starts another.
 */
import { clientId } from '../shared/api-client';
import { IdHolders } from './id-holders';

/** Chromium's: the tab's page was discarded (to save memory) and is loaded again. */
const wasDiscarded = () => (document as { wasDiscarded?: boolean }).wasDiscarded === true;

export class NewConversation {
  private current: string | undefined;
  private readonly heldKey: string;
  private holders: IdHolders | undefined;
  /** Stops waiting for the answer to whether another page holds the tab's kept id, while it is awaited. */
  private asking: (() => void) | undefined;

  constructor(private readonly storageKey: string) {
    this.heldKey = `${storageKey}:held`;
    this.start();
    window.addEventListener('pagehide', this.onPageHide);
    window.addEventListener('pageshow', this.onPageShow);
  }

  private readonly onPageHide = () => this.leave();
  /** Back from the back-forward cache: the pages this tab showed meanwhile may have created the id, or started another. */
  private readonly onPageShow = (event: Event) => {
    if ((event as PageTransitionEvent).persisted) this.start();
  };

  /** The widget is taken off the page (its visitor signed out): it lets the id go, and answers and listens no more. */
  stop(): void {
    window.removeEventListener('pagehide', this.onPageHide);
    window.removeEventListener('pageshow', this.onPageShow);
    this.leave();
  }

  /** The id to open; `isConversation` says whether the visitor has a conversation with that id already. */
  id(isConversation: (id: string) => boolean): string {
    // Opened before the answer came (sooner than a person can, after the page starts): a copy, to be safe.
    if (this.asking) this.settle(undefined);
    if (this.current && !isConversation(this.current)) return this.current;
    const id = clientId('conv');
    this.keep(id);
    return id;
  }

  /** It exists now: the next "New conversation" is another. */
  created(conversationId: string): void {
    if (conversationId === this.current) this.keep(undefined);
  }

  /** Takes the tab's kept id, unless another page holds it (this tab is a copy of that page's); asking waits in the background. */
  private start(): void {
    this.holders = IdHolders.open(this.storageKey, (id) => id === this.current);
    const kept = read(this.storageKey);
    if (kept === undefined || read(this.heldKey) === undefined || wasDiscarded()) return this.keep(kept);
    if (!this.holders) return this.keep(undefined);
    this.current = undefined;
    this.asking = this.holders.ask(kept, (held) => this.settle(held ? undefined : kept));
  }

  private settle(id: string | undefined): void {
    this.asking?.();
    this.asking = undefined;
    this.keep(id);
  }

  private leave(): void {
    this.holders?.close();
    this.holders = undefined;
    // Gone before the answer: the id stays marked, so the tab's next page asks again.
    if (this.asking) {
      this.asking();
      this.asking = undefined;
    } else write(this.heldKey, undefined);
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
