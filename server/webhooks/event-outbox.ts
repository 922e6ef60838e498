/**
 * Turns what the store's change stream shows into webhook deliveries owed, written to the store's
 * outbox (`webhook_deliveries`) for the deliverer. Only websites with an endpoint cost anything:
 * the endpoints are held here, so a message of a website without one is passed over without a
 * store call; one with endpoints costs one write per event. Every instance sees every change and writes the same
 * deliveries (their ids are the event's and the endpoint's), so whichever writes first wins and
 * an instance stopping loses nothing the others saw. What no instance wrote (the last changes
 * before every instance stopped, a failed write) is caught up on from the store (`catchUp`) from
 * the cursor `cover` moves.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { NewWebhookDelivery, Store, StoreChange, WebhookEndpoint } from '../../activities/store';
import type { Conversation } from '../../domain/conversation';
import { NewestAnswer } from '../../domain/newest-answer';
import type { TimelineItem } from '../../domain/timeline';
import { webhookTypeOfItem, type WebhookEventType } from '../../domain/webhooks';
import type { PluginRegistry } from '../../plugins/registry';
import { itemFor } from '../access';

type OutboxStore = Pick<Store, 'listWebhooks' | 'enqueueWebhookDeliveries' | 'changedSince' | 'coverWebhooksUntil'>;

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
  /** The oldest change whose deliveries could not be written, until a catch-up wrote them. */
  private failedSince?: string;
  /**
   * When the newest conversation or item the stream showed was stored (at first, when this outbox
   * was made): a stream that falls behind may show nothing newer for a while, so this, not now, says
   * how far it was seen (webhooks.ts moves the cursor no further). Kept as stored, an ISO time,
   * so a change costs a string comparison, not a parse.
   */
  seenUntil = new Date().toISOString();
  private readonly reloads = new NewestAnswer();
  /** While the change stream is down: from when changes may not have been observed. */
  private unseenSince?: string;

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

  /** When the oldest endpoint was made; undefined when there is none. */
  firstMadeAt(): string | undefined {
    const times = [...this.byWebsite.values()].flat().map((endpoint) => endpoint.createdAt);
    return times.length === 0 ? undefined : times.reduce((a, b) => (a < b ? a : b));
  }

  /** Reads the endpoints afresh (at a start, when any instance changed one, and every few seconds); a read answered after a later one is dropped. */
  async reload(): Promise<void> {
    const take = this.reloads.ask();
    const endpoints = await this.store.listWebhooks();
    if (!take()) return;
    const byWebsite = new Map<string, WebhookEndpoint[]>();
    for (const endpoint of endpoints) byWebsite.set(endpoint.websiteId, [...(byWebsite.get(endpoint.websiteId) ?? []), endpoint]);
    this.byWebsite = byWebsite;
  }

  /** Takes a change without keeping the change stream waiting; `drain` waits for what it writes. */
  readonly observe = (change: StoreChange): void => {
    if (change.type === 'ephemeral') {
      if (change.event.type === 'webhooksChanged') this.track(this.reload());
      return;
    }
    const source = sourceOf(change);
    if (!source) return;
    if (source.createdAt > this.seenUntil) this.seenUntil = source.createdAt;
    if (this.byWebsite.has(source.websiteId)) this.track(this.enqueue(source), source.createdAt);
  };

  /** The change stream failed: what was stored from `since` on may not be observed, and the cursor stays before it. */
  unseenFrom(since: string): void {
    if (this.unseenSince === undefined || since < this.unseenSince) this.unseenSince = since;
  }

  /** The change stream is back: what it may not have shown is caught up on now. */
  seeingAgain(): void {
    const since = this.unseenSince;
    this.unseenSince = undefined;
    if (since !== undefined) this.catchUpFrom(since);
  }

  /** Catches up from `since` without waiting: the cursor moves only once it is done (at the next cover, should it fail). */
  catchUpFrom(since: string): void {
    this.track(this.catchUp(since), since);
  }

  /**
   * Writes the deliveries of what the store holds since `since` (what the stream showed before a
   * stop and was not written yet, or what a write failed on): those written already are left as they are.
   */
  async catchUp(since: string): Promise<void> {
    for (const websiteId of [...this.byWebsite.keys()]) {
      const { created, items } = await this.store.changedSince(websiteId, since);
      for (const conversation of created) await this.enqueue({ kind: 'created', websiteId, createdAt: conversation.createdAt, conversation });
      for (const { conversationId, item } of items) await this.enqueue({ kind: 'item', websiteId, createdAt: item.createdAt, conversationId, item });
    }
  }

  /**
   * Once what was observed is written, records that every change stored before `until` was (the
   * cursor a restart catches up from); should a write have failed, it is caught up on first.
   */
  async cover(until: string): Promise<void> {
    // Not past what the stream, down, has not shown.
    const covered = this.unseenSince !== undefined && this.unseenSince < until ? this.unseenSince : until;
    await this.drain();
    const failedSince = this.failedSince;
    if (failedSince !== undefined) {
      this.failedSince = undefined;
      await this.catchUp(failedSince).catch((err: unknown) => {
        this.failedSince = failedSince;
        throw err;
      });
    }
    await this.store.coverWebhooksUntil(covered);
  }

  /** Resolves once what was observed so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.writing.size > 0) await Promise.all([...this.writing]);
  }

  /** `since`: what a failure leaves to catch up on. */
  private track(work: Promise<void>, since?: string): void {
    const tracked = work
      .catch((err: unknown) => {
        this.log.error({ err }, 'writing webhook deliveries failed');
        if (since !== undefined && (this.failedSince === undefined || since < this.failedSince)) this.failedSince = since;
      })
      .finally(() => this.writing.delete(tracked));
    this.writing.add(tracked);
  }

  private async enqueue(source: EventSource): Promise<void> {
    const endpoints = this.byWebsite.get(source.websiteId) ?? [];
    const event = this.eventOf(source, (type) => endpoints.some((e) => e.events.includes(type)));
    if (!event) return;
    const body = JSON.stringify(event);
    const deliveries = endpoints
      .filter((endpoint) => endpoint.events.includes(event.type))
      .map((endpoint): NewWebhookDelivery => ({ websiteId: event.websiteId, endpointId: endpoint.id, eventId: event.id, type: event.type, body }));
    if (deliveries.length === 0) return;
    await this.store.enqueueWebhookDeliveries(deliveries);
    this.written();
  }

  /** The event a source is, if it is one told and some endpoint `wants` it. */
  private eventOf(source: EventSource, wants: (type: WebhookEventType) => boolean): WebhookEvent | undefined {
    const { websiteId } = source;
    if (source.kind === 'created') {
      if (!wants('conversation.created')) return undefined;
      const { conversation } = source;
      return { id: eventIdOf(`${conversation.id}/created`), type: 'conversation.created', createdAt: conversation.createdAt, websiteId, data: { conversation } };
    }
    // A lifecycle event's item is stored before the conversation's projection of it: the item is
    // what changed (its `event` names it), and the conversation is not read here to go with it.
    const { conversationId } = source;
    const type = webhookTypeOfItem(source.item);
    const item = type && wants(type) ? itemFor('team', source.item, this.plugins) : undefined;
    if (!type || !item) return undefined;
    return { id: eventIdOf(`${conversationId}/${item.seq}`), type, createdAt: item.createdAt, websiteId, data: { conversationId, item } };
  }
}

/** What an event is made from, whether the change stream showed it or a catch-up read it. */
type EventSource = { websiteId: string; createdAt: string } & (
  | { kind: 'created'; conversation: Conversation }
  | { kind: 'item'; conversationId: string; item: TimelineItem }
);

function sourceOf(change: Exclude<StoreChange, { type: 'ephemeral' }>): EventSource | undefined {
  const { websiteId, conversationId } = change;
  if (change.type === 'conversationCreated') return { kind: 'created', websiteId, createdAt: change.views.all.createdAt, conversation: change.views.all };
  if (change.type === 'itemCreated') return { kind: 'item', websiteId, createdAt: change.item.createdAt, conversationId, item: change.item };
  return undefined;
}
