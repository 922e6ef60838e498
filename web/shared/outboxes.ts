/**
 * A page's outboxes, one a conversation with something in it, kept in sessionStorage too, so a
 * reload does not lose what was written or not sent (the tab's closing does). Bounded: the
 * conversations changed last, and what fits in a share of the storage.
 */
import { Outbox, type Draft, type Writing } from './outbox';

/** Conversations with something kept, at most: beyond, those changed longest ago go. */
const MAX_CONVERSATIONS = 30;
/** Characters kept in sessionStorage at most (it takes about 5 MB an origin, for everything the pages keep there). */
const MAX_STORED_CHARS = 500_000;

/** A conversation's outbox as kept. */
interface Kept {
  conversationId: string;
  writing: Pick<Writing, 'text' | 'asNote'>;
  waiting: Array<Pick<Draft, 'id' | 'text' | 'asNote' | 'fileId'>>;
}

const isDraft = (value: unknown): value is Kept['waiting'][number] => {
  const draft = value as Partial<Draft> | null;
  return typeof draft?.id === 'string' && typeof draft.text === 'string' && typeof draft.asNote === 'boolean' && (draft.fileId === undefined || typeof draft.fileId === 'string');
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
    waiting: waiting.filter((draft) => !draft.file || draft.fileId).map(({ id, text, asNote, fileId }) => ({ id, text, asNote, ...(fileId ? { fileId } : {}) })),
  };
}

export interface OutboxesOptions {
  /** Where in sessionStorage: one a page and reader, so another reader in the tab does not get them. */
  storageKey: string;
  /** Stores one message in the conversation, or throws. */
  deliver(conversationId: string, draft: Draft): Promise<void>;
}

export class Outboxes {
  /** Those with something in them, changed longest ago first. */
  private readonly held = new Map<string, Outbox>();

  constructor(private readonly options: OutboxesOptions) {
    for (const { conversationId, writing, waiting } of this.read()) this.held.set(conversationId, this.make(conversationId, { writing, waiting }));
  }

  /** The conversation's outbox (an empty one when nothing is kept for it). */
  of(conversationId: string): Outbox {
    return this.held.get(conversationId) ?? this.make(conversationId);
  }

  /** Forgets them all (the reader signs out). */
  clear(): void {
    this.held.clear();
    try {
      sessionStorage.removeItem(this.options.storageKey);
    } catch {
      // No storage to clear.
    }
  }

  private make(conversationId: string, kept?: ConstructorParameters<typeof Outbox>[2]): Outbox {
    return new Outbox(
      (draft) => this.options.deliver(conversationId, draft),
      (outbox) => this.changed(conversationId, outbox),
      kept,
    );
  }

  private changed(conversationId: string, outbox: Outbox): void {
    this.held.delete(conversationId);
    if (!outbox.isEmpty) this.held.set(conversationId, outbox);
    for (const [id, other] of this.held) {
      if (this.held.size <= MAX_CONVERSATIONS) break;
      if (!other.sending) this.held.delete(id);
    }
    this.save();
  }

  private save(): void {
    let kept = [...this.held].map(([id, outbox]) => keptOf(id, outbox));
    let json = JSON.stringify(kept);
    while (json.length > MAX_STORED_CHARS && kept.length > 0) {
      kept = kept.slice(1);
      json = JSON.stringify(kept);
    }
    try {
      sessionStorage.setItem(this.options.storageKey, json);
    } catch {
      // Full, or refused (a sandboxed frame): kept while the page lives.
    }
  }

  private read(): Kept[] {
    try {
      const kept: unknown = JSON.parse(sessionStorage.getItem(this.options.storageKey) ?? '[]');
      return Array.isArray(kept) ? kept.filter(isKept).slice(-MAX_CONVERSATIONS) : [];
    } catch {
      return []; // None kept, a damaged entry, or no storage.
    }
  }
}
