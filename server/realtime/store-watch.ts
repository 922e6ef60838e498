/**
 * Keeps the store's change stream followed. When the stream ends for good (its history lost, a
 * watched collection dropped), everything this instance relays stops with it, so it watches again:
 * at once after a healthy spell, then with a backoff that carries on across failures until a watch
 * has stayed up for a minute, one re-watch at a time. `failed` tells the owner when changes stopped
 * being seen, and `reopened` when they are seen again, to recover what it may have missed.
 */
import type { Logger } from 'pino';
import type { ChangeWatch, Store, StoreChange } from '../../activities/store';

const RETRY_MS = { initial: 500, max: 30_000, healthy: 60_000 };

export interface StoreWatchOptions {
  store: Pick<Store, 'watchChanges'>;
  onChange(change: StoreChange): void | Promise<void>;
  /** The stream failed at `at` (ms since the epoch): changes are not seen until `reopened`. */
  failed(at: number): void;
  /** Watching again after a failure: changes since the failure were not seen. */
  reopened(): void;
  log: Logger;
}

export class StoreWatch {
  private watch?: ChangeWatch;
  private closed = false;
  private rewatching?: Promise<void>;
  private delay = 0;
  private reopenedAt = 0;

  constructor(private readonly options: StoreWatchOptions) {}

  /** Resolves once watching: every change after this is seen. */
  async open(): Promise<void> {
    this.watch = await this.follow();
  }

  /** Stops watching, and watching again. */
  async close(): Promise<void> {
    this.closed = true;
    await this.watch?.close();
  }

  private follow(): Promise<ChangeWatch> {
    const { store, onChange, log } = this.options;
    return store.watchChanges(onChange, {
      onError: (err) => log.error({ err }, 'handling a store change failed'),
      onFailed: (err) => {
        if (this.rewatching) return;
        this.options.failed(Date.now());
        this.rewatching = this.watchAgain(err).finally(() => (this.rewatching = undefined));
      },
    });
  }

  private async watchAgain(failure: unknown): Promise<void> {
    const { log } = this.options;
    log.error({ err: failure }, 'store change stream failed; watching again');
    if (Date.now() - this.reopenedAt > RETRY_MS.healthy) this.delay = 0;
    while (!this.closed) {
      if (this.delay > 0) await new Promise((resolve) => setTimeout(resolve, this.delay).unref());
      this.delay = Math.min(Math.max(this.delay * 2, RETRY_MS.initial), RETRY_MS.max);
      if (this.closed) return;
      try {
        const watch = await this.follow();
        if (this.closed) return void (await watch.close());
        const ended = this.watch;
        this.watch = watch;
        void ended?.close(); // its streams are closed already
        this.reopenedAt = Date.now();
        this.options.reopened();
        return;
      } catch (err) {
        log.warn({ err }, 'watching the store failed; trying again');
      }
    }
  }
}
