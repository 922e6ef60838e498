/**
 * Outgoing webhooks of one instance: the outbox writer fed by the store's change stream and the
 * deliverer that sends what it owes. `start` reads the endpoints before the change stream opens,
 * so no change is judged without them; `stop` writes what was observed before the deliverer stops.
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';
import type { PluginRegistry } from '../../plugins/registry';
import { WebhookDeliverer, type WebhookSettings } from './deliverer';
import { WebhookEventOutbox } from './event-outbox';

export class Webhooks {
  readonly outbox: WebhookEventOutbox;
  private readonly deliverer: WebhookDeliverer;

  constructor(store: Store, plugins: PluginRegistry, readonly settings: WebhookSettings, private readonly log: Logger) {
    this.deliverer = new WebhookDeliverer(store, settings, () => this.outbox.configured, log);
    this.outbox = new WebhookEventOutbox(store, plugins, log, () => this.deliverer.wake());
  }

  async start(): Promise<void> {
    // Should the endpoints not be read now, a change of one (or the next start) reads them again.
    await this.outbox.reload().catch((err: unknown) => this.log.error({ err }, 'could not read the webhook endpoints'));
    this.deliverer.start();
  }

  /** After the change stream closed: nothing more is observed. */
  async stop(): Promise<void> {
    await this.outbox.drain();
    await this.deliverer.stop();
  }
}
