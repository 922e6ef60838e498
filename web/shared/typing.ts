/**
 * Typing, both ways. `TypingSignal` tells the other side while the reader types (refreshing before
 * the server's 6 s expiry, and stopping after a pause); `TypingTracker` holds who is typing per
 * conversation and forgets anyone who stops refreshing.
 */

/** The server drops a typing state after 6 s without a refresh. */
export const TYPING_EXPIRES_MS = 6_000;
const REFRESH_MS = 3_000;
const IDLE_MS = 2_500;

export class TypingSignal {
  private sentAt = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (isTyping: boolean) => void) {}

  /** The reader typed something. */
  input(): void {
    const now = Date.now();
    if (now - this.sentAt > REFRESH_MS) {
      this.sentAt = now;
      this.send(true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), IDLE_MS);
  }

  /** The reader sent, cleared the field or left. */
  stop(): void {
    clearTimeout(this.idleTimer);
    if (this.sentAt === 0) return;
    this.sentAt = 0;
    this.send(false);
  }
}

export interface Typist {
  actorType: string;
  actorId: string;
}

export class TypingTracker {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly typists = new Map<string, Typist & { conversationId: string }>();

  /** `onChange` runs whenever someone starts or stops typing in a conversation. */
  constructor(private readonly onChange: (conversationId: string) => void) {}

  update(conversationId: string, typist: Typist, isTyping: boolean): void {
    const key = `${conversationId}\u0000${typist.actorId}`;
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const wasTyping = this.typists.delete(key);
    if (isTyping) {
      this.typists.set(key, { ...typist, conversationId });
      this.timers.set(key, setTimeout(() => this.update(conversationId, typist, false), TYPING_EXPIRES_MS));
    }
    if (isTyping !== wasTyping) this.onChange(conversationId);
  }

  /** Someone whose message just arrived has stopped typing. */
  clear(conversationId: string, actorId: string): void {
    this.update(conversationId, { actorType: '', actorId }, false);
  }

  typing(conversationId: string): Typist[] {
    return [...this.typists.values()].filter((t) => t.conversationId === conversationId);
  }
}
