/**
 * Typing indicators expire on their own: every `isTyping: true` (re)starts a timer, and when it
 * runs out before a refresh the instance tells its sockets `isTyping: false`; the typist's item
 * arriving ends it at once (`clear`). Each instance keeps its own timers for the typing events it
 * relays, so neither needs extra writes.
 */
export const TYPING_TTL_MS = 6_000;

export class TypingExpiry<T> {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; info: T }>();

  constructor(
    private readonly onExpire: (info: T) => void,
    private readonly ttlMs = TYPING_TTL_MS,
  ) {}

  /** Applies a typing event: true arms (or re-arms) the expiry, false cancels it. */
  apply(key: string, isTyping: boolean, info: T): void {
    this.clear(key);
    if (!isTyping) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.onExpire(info);
    }, this.ttlMs);
    timer.unref();
    this.timers.set(key, { timer, info });
  }

  /** Cancels the indicator's expiry; what it was armed with, if it was. */
  clear(key: string): T | undefined {
    const armed = this.timers.get(key);
    if (!armed) return undefined;
    clearTimeout(armed.timer);
    this.timers.delete(key);
    return armed.info;
  }

  stop(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
