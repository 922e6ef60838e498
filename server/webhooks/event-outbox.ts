/**
 * Turns what the store's change stream shows into webhook deliveries owed, written to the store's
 * outbox (`webhook_deliveries`) for the deliverer. Only websites with an endpoint cost anything:
 * the endpoints are held here, so a message of a website without one is passed over without a
 * store call; one with endpoints costs one write per event. Every instance sees every change and writes the same
 * deliveries (their ids are the event's and the endpoint's), so whichever writes first wins and
 * an instance stopping loses nothing the others saw.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { NewWebhookDelivery, Store, StoreChange, WebhookEndpoint } from '../../activities/store';
import { webhookTypeOfItem, type WebhookEventType } from '../../domain/webhooks';
import type { PluginRegistry } from '../../plugins/registry';
import { itemFor } from '../access';

type OutboxStore = Pick<Store, 'listWebhooks' | 'enqueueWebhookDeliveries'>;

/** An event's id, the same however often and by whichever instance it is made: receivers deduplicate on it. */
const eventIdOf = (source: string): string => `evt_${createHash('sha256').update(source).digest('hex').slice(0, 32)}`;

interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  websiteId: string;
  data: Record<string, unknown>;
}

export class WebhookEventOutbox {
  private byWebsite = new Map<string, WebhookEndpoint[]>();
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly store: OutboxStore,
    private readonly plugins: Pick<PluginRegistry, 'isVisibleTo'>,
    private readonly log: Logger,
    /** Told once deliveries were written. */
    private readonly written: () => void,
  ) {}

  /** Whether any website has an endpoint. */
  get configured(): boolean {
    return this.byWebsite.size > 0;
  }

  /** Reads the endpoints afresh (at a start, and when any instance changed one). */
  async reload(): Promise<void> {
    const byWebsite = new Map<string, WebhookEndpoint[]>();
    for (const endpoint of await this.store.listWebhooks()) byWebsite.set(endpoint.websiteId, [...(byWebsite.get(endpoint.websiteId) ?? []), endpoint]);
    this.byWebsite = byWebsite;
  }

  /** Takes a change without keeping the change stream waiting; `drain` waits for what it writes. */
  readonly observe = (change: StoreChange): void => {
    if (change.type === 'ephemeral') {
      if (change.event.type === 'webhooksChanged') this.track(this.reload());
      return;
    }
    const endpoints = this.byWebsite.get(change.websiteId);
    if (endpoints) this.track(this.enqueue(change, endpoints));
  };

  /** Resolves once what was observed so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.writing.size > 0) await Promise.all([...this.writing]);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((err: unknown) => this.log.error({ err }, 'writing webhook deliveries failed')).finally(() => this.writing.delete(tracked));
    this.writing.add(tracked);
  }

  private async enqueue(change: Exclude<StoreChange, { type: 'ephemeral' }>, endpoints: WebhookEndpoint[]): Promise<void> {
    const event = this.eventOf(change, (type) => endpoints.some((e) => e.events.includes(type)));
    if (!event) return;
    const body = JSON.stringify(event);
    const deliveries = endpoints
      .filter((endpoint) => endpoint.events.includes(event.type))
      .map((endpoint): NewWebhookDelivery => ({ websiteId: event.websiteId, endpointId: endpoint.id, eventId: event.id, type: event.type, body }));
    await this.store.enqueueWebhookDeliveries(deliveries);
    this.written();
  }

  /** The event a change is, if it is one told and some endpoint `wants` it. */
  private eventOf(change: Exclude<StoreChange, { type: 'ephemeral' }>, wants: (type: WebhookEventType) => boolean): WebhookEvent | undefined {
    const { websiteId, conversationId } = change;
    if (change.type === 'conversationCreated') {
      if (!wants('conversation.created')) return undefined;
      const conversation = change.views.all;
      return { id: eventIdOf(`${conversationId}/created`), type: 'conversation.created', createdAt: conversation.createdAt, websiteId, data: { conversation } };
    }
    if (change.type !== 'itemCreated') return undefined;
    // A lifecycle event's item is stored before the conversation's projection of it: the item is
    // what changed (its `event` names it), and the conversation is not read here to go with it.
    const type = webhookTypeOfItem(change.item);
    const item = type && wants(type) ? itemFor('team', change.item, this.plugins) : undefined;
    if (!type || !item) return undefined;
    return { id: eventIdOf(`${conversationId}/${item.seq}`), type, createdAt: item.createdAt, websiteId, data: { conversationId, item } };
  }
}
