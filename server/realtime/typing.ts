/**
 * Typing indicators expire on their own: every `isTyping: true` (re)starts a timer, and when it
 * runs out before a refresh the instance tells its sockets `isTyping: false`. Each instance keeps
 * its own timers for the typing events it relays, so expiry needs no extra writes.
 */
export const TYPING_TTL_MS = 6_000;

export class TypingExpiry<T> {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly onExpire: (info: T) => void,
    private readonly ttlMs = TYPING_TTL_MS,
  ) {}

  /** Applies a typing event: true arms (or re-arms) the expiry, false cancels it. */
  apply(key: string, isTyping: boolean, info: T): void {
    const previous = this.timers.get(key);
    if (previous) clearTimeout(previous);
    this.timers.delete(key);
    if (!isTyping) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.onExpire(info);
    }, this.ttlMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
