/**
 * BroadcastChannel among a test's pages of one origin: a message reaches the other open channels
 * of its name a task later, as in a browser, and is handled in the receiving page (`inPage` runs
 * it there, with that page's globals).
 */
export class FakeChannels {
  /** Every message posted, in order. */
  readonly posted: unknown[] = [];
  private readonly open = new Set<{ name: string; receive(data: unknown): void }>();

  /** The BroadcastChannel one page sees, and `die()` to close its channels without a word, as the page's death does. */
  forPage(inPage: (act: () => void) => void) {
    const channels = this;
    const opened = new Set<{ close(): void }>();
    class PageChannel {
      private readonly listeners = new Set<(event: { data: unknown }) => void>();
      constructor(readonly name: string) {
        channels.open.add(this);
        opened.add(this);
      }
      addEventListener(_type: 'message', listener: (event: { data: unknown }) => void): void {
        this.listeners.add(listener);
      }
      removeEventListener(_type: 'message', listener: (event: { data: unknown }) => void): void {
        this.listeners.delete(listener);
      }
      postMessage(data: unknown): void {
        channels.posted.push(data);
        for (const other of channels.open) if (other !== this && other.name === this.name) setTimeout(() => channels.open.has(other) && other.receive(data));
      }
      receive(data: unknown): void {
        inPage(() => [...this.listeners].forEach((listener) => listener({ data })));
      }
      close(): void {
        channels.open.delete(this);
      }
    }
    return { BroadcastChannel: PageChannel, die: () => opened.forEach((channel) => channel.close()) };
  }
}
