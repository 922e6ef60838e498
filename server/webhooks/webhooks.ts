/**
 * Outgoing webhooks of one instance: the outbox writer fed by the store's change stream and the
 * deliverer that sends what it owes. `start` reads the endpoints before the change stream opens,
 * so no change is judged without them; `stop` writes what was observed before the deliverer stops.
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';
import type { PluginRegistry } from '../../plugins/registry';
import type { StoreChangeObserver } from '../realtime/realtime';
import { WebhookDeliverer, type WebhookSettings } from './deliverer';
import { WebhookEventOutbox } from './event-outbox';

/**
 * How often the endpoints are read again (should word of a change be lost: its publishing failed, or
 * the stream was down) and the catch-up cursor moved, and how far behind now: changes stored that
 * long ago were seen by the stream (its lag, clocks of other hosts).
 */
const COVER_EVERY_MS = 10_000;
const COVER_LAG_MS = 30_000;

/** `at` less the stream's lag: what was stored before was seen, if the stream was up. */
const lagged = (at: number): string => new Date(at - COVER_LAG_MS).toISOString();

export class Webhooks {
  private coverTimer?: NodeJS.Timeout;
  readonly outbox: WebhookEventOutbox;
  private readonly deliverer: WebhookDeliverer;

  /** What the change stream shows the outbox; what it stored while the stream was down (less its lag) is caught up on once it is back. */
  readonly changes: StoreChangeObserver;

  constructor(store: Store, plugins: PluginRegistry, readonly settings: WebhookSettings, private readonly log: Logger) {
    this.deliverer = new WebhookDeliverer(store, settings, () => this.outbox.configured, log);
    this.outbox = new WebhookEventOutbox(store, plugins, log, () => this.deliverer.wake());
    this.changes = {
      observe: this.outbox.observe,
      // From the last change it showed: a stream fails for falling behind as well (its history lost).
      streamFailed: (at) => this.outbox.unseenFrom(lagged(Math.min(at, Date.parse(this.outbox.seenUntil)))),
      streamReopened: () => this.outbox.seeingAgain(),
    };
  }

  /** Before the change stream opens. */
  async start(): Promise<void> {
    // Should the endpoints not be read now, a change of one (or the next start) reads them again.
    await this.outbox.reload().catch((err: unknown) => this.log.error({ err }, 'could not read the webhook endpoints'));
  }

  /**
   * Once the change stream is open: catches up on what was stored since the cursor (less its lag),
   * then moves the cursor on now and then, and sends.
   */
  follow(store: Pick<Store, 'webhookCoveredUntil'>): void {
    this.deliverer.start();
    const caughtUp = async () => {
      // Never moved yet (an endpoint made less than a cover ago): from when the first endpoint was made.
      const covered = await store.webhookCoveredUntil();
      const since = covered === null ? this.outbox.firstMadeAt() : lagged(Date.parse(covered));
      if (since !== undefined) this.outbox.catchUpFrom(since);
    };
    void caughtUp().catch((err: unknown) => this.log.error({ err }, 'reading the webhook cursor failed'));
    this.coverTimer = setInterval(() => {
      const until = lagged(Math.min(Date.now(), Date.parse(this.outbox.seenUntil)));
      if (this.outbox.configured) void this.outbox.cover(until).catch((err: unknown) => this.log.error({ err }, 'moving the webhook cursor failed'));
      void this.outbox.reload().catch((err: unknown) => this.log.error({ err }, 'could not read the webhook endpoints'));
    }, COVER_EVERY_MS);
    this.coverTimer.unref();
  }

  /** Sends what is due now (a redelivery this instance made due); the other instances look within their poll. */
  sendDue(): void {
    this.deliverer.wake();
  }

  /** After the change stream closed: nothing more is observed. */
  async stop(): Promise<void> {
    clearInterval(this.coverTimer);
    await this.outbox.drain();
    await this.deliverer.stop();
  }
}
