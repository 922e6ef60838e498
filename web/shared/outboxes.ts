/**
 * A page's outboxes, one a conversation with something in it, kept in sessionStorage too, so a
 * reload does not lose what was written or not sent (the tab's closing does). Bounded: the drafts
 * of the conversations changed last, and what fits in a share of the storage. Messages not sent are
 * never forgotten to make room (at most 20 wait in a conversation): only the page's closing, or
 * the writer's Discard, lets them go.
 */
import { Outbox, type Draft, type Writing } from './outbox';

/** Drafts (conversations with nothing waiting) kept, at most: beyond, those changed longest ago go. */
const MAX_CONVERSATIONS = 30;
/** Saving the text being typed waits this long for more (a keystroke each), so a burst of typing is saved once. */
const SAVE_DELAY_MS = 300;
/** Characters kept in sessionStorage at most (it takes about 5 MB an origin, for everything the pages keep there). */
const MAX_STORED_CHARS = 500_000;

/** A conversation's outbox as kept. */
interface Kept {
  conversationId: string;
  writing: Pick<Writing, 'text' | 'asNote'>;
  waiting: Array<Pick<Draft, 'id' | 'text' | 'asNote' | 'fileId' | 'refusal'>>;
}

const isDraft = (value: unknown): value is Kept['waiting'][number] => {
  const draft = value as Partial<Draft> | null;
  return typeof draft?.id === 'string' && typeof draft.text === 'string' && typeof draft.asNote === 'boolean' && (draft.fileId === undefined || typeof draft.fileId === 'string') && (draft.refusal === undefined || typeof draft.refusal === 'string');
};

const isKept = (value: unknown): value is Kept => {
  const kept = value as Partial<Kept> | null;
  return typeof kept?.conversationId === 'string' && typeof kept.writing?.text === 'string' && typeof kept.writing.asNote === 'boolean' && Array.isArray(kept.waiting) && kept.waiting.every(isDraft);
};

function keptOf(conversationId: string, { writing, waiting }: Outbox): Kept {
  return {
    conversationId,
    writing: { text: writing.text, asNote: writing.asNote },
    // A file not uploaded yet cannot be read again after a reload: its message, which the text alone would not say, stays in this page only.
    waiting: waiting.filter((draft) => !draft.file || draft.fileId).map(({ id, text, asNote, fileId, refusal }) => ({ id, text, asNote, ...(fileId ? { fileId } : {}), ...(refusal ? { refusal } : {}) })),
  };
}

const onlyDraft = (kept: Kept | Outbox): boolean => kept.waiting.length === 0;

/**
 * The outboxes as stored, within MAX_STORED_CHARS: drafts changed longest ago are left out first,
 * then messages not sent (which stay while the page lives). Each is serialized once.
 */
function storedForm(kept: readonly Kept[]): string {
  const json = kept.map((one) => JSON.stringify(one));
  const left = new Set<number>();
  let size = json.reduce((sum, one) => sum + one.length + 1, 1);
  for (const leaveOut of [onlyDraft, () => true]) {
    for (let i = 0; i < kept.length && size > MAX_STORED_CHARS; i++) {
      if (left.has(i) || !leaveOut(kept[i]!)) continue;
      left.add(i);
      size -= json[i]!.length + 1;
    }
  }
  return `[${json.filter((_, i) => !left.has(i)).join(',')}]`;
}

export interface OutboxesOptions {
  /** Where in sessionStorage: one a page and reader, so another reader in the tab does not get them. */
  storageKey: string;
  /** Stores one message in the conversation, or throws; `keep` when it changed the draft (its file's id once uploaded). */
  deliver(conversationId: string, draft: Draft, keep: () => void): Promise<void>;
}

export class Outboxes {
  /** Those with something in them, changed longest ago first. */
  private readonly held = new Map<string, Outbox>();
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Cleared (the reader signs out): a send still on its way changes nothing kept, and nothing is saved. */
  private closed = false;

  constructor(private readonly options: OutboxesOptions) {
    for (const { conversationId, writing, waiting } of this.read()) this.held.set(conversationId, this.make(conversationId, { writing, waiting }));
    this.evict();
    // What changed since the last save is saved before the page goes (a reload, the tab hidden and
    // maybe closed, or frozen by the browser, which may discard it then without another word).
    window.addEventListener('pagehide', this.save);
    document.addEventListener('freeze', this.save);
    document.addEventListener('visibilitychange', this.saveWhenHidden);
    window.addEventListener('online', this.retryStalled);
  }

  /** The conversation's outbox (an empty one when nothing is kept for it). */
  of(conversationId: string): Outbox {
    return this.held.get(conversationId) ?? this.make(conversationId);
  }

  /** Forgets them all and sends nothing more (the reader signs out): none is kept again. */
  clear(): void {
    this.closed = true;
    window.removeEventListener('pagehide', this.save);
    document.removeEventListener('freeze', this.save);
    document.removeEventListener('visibilitychange', this.saveWhenHidden);
    window.removeEventListener('online', this.retryStalled);
    for (const outbox of this.held.values()) outbox.close();
    this.held.clear();
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    try {
      sessionStorage.removeItem(this.options.storageKey);
    } catch {
      // No storage to clear.
    }
  }

  /**
   * Sends again what a failed send stopped, in every conversation: the page calls it when its
   * socket connects again, and it runs by itself when the browser is back online. A message the
   * server stored before its answer was lost is not stored twice: its item id goes with it. One the
   * server refused is not sent again: it waits for the reader to edit or discard it.
   */
  readonly retryStalled = (): void => {
    for (const outbox of [...this.held.values()]) if (outbox.stalled) outbox.retry();
  };

  private make(conversationId: string, kept?: ConstructorParameters<typeof Outbox>[2]): Outbox {
    return new Outbox(
      (draft, keep) => this.options.deliver(conversationId, draft, keep),
      (outbox, keepNow) => this.changed(conversationId, outbox, keepNow),
      kept,
    );
  }

  private changed(conversationId: string, outbox: Outbox, keepNow: boolean): void {
    // One not held when cleared (empty then, its composer still on screen) is closed at its first change: a send's, before it goes.
    if (this.closed) return outbox.close();
    this.held.delete(conversationId);
    if (!outbox.isEmpty) this.held.set(conversationId, outbox);
    this.evict();
    if (keepNow) this.save();
    else this.saveTimer ??= setTimeout(this.save, SAVE_DELAY_MS);
  }

  /** Beyond MAX_CONVERSATIONS drafts, forgets those changed longest ago; an outbox with messages not sent is never forgotten, nor counted. */
  private evict(): void {
    let over = [...this.held.values()].filter(onlyDraft).length - MAX_CONVERSATIONS;
    for (const [id, outbox] of this.held) {
      if (over <= 0) break;
      if (!onlyDraft(outbox)) continue;
      this.held.delete(id);
      over--;
    }
  }

  private readonly saveWhenHidden = (): void => {
    if (document.visibilityState === 'hidden') this.save();
  };

  private readonly save = (): void => {
    if (this.closed) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const json = storedForm([...this.held].map(([id, outbox]) => keptOf(id, outbox)));
    try {
      sessionStorage.setItem(this.options.storageKey, json);
    } catch {
      // Full, or refused (a sandboxed frame): kept while the page lives.
    }
  };

  private read(): Kept[] {
    try {
      const kept: unknown = JSON.parse(sessionStorage.getItem(this.options.storageKey) ?? '[]');
      return Array.isArray(kept) ? kept.filter(isKept) : [];
    } catch {
      return []; // None kept, a damaged entry, or no storage.
    }
  }
}
