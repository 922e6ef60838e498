/**
 * Webhook endpoints, the deliveries owed to them (a durable outbox: one document per event and
 * endpoint, kept until delivered or given up) and the record of their attempts.
 */
import { MongoBulkWriteError, type Filter } from 'mongodb';
import type { Conversation } from '../../domain/conversation';
import type { TimelineItem } from '../../domain/timeline';
import { AppError } from '../../domain/errors';
import { MAX_WEBHOOK_ENDPOINTS, type WebhookAttempt } from '../../domain/webhooks';
import { toConversation } from './conversations';
import { toItem, type Collections, type WebhookDeliveryDoc, type WebhookEndpointDoc } from './documents';
import { isDuplicateKey } from './duplicate-key';
import { newId } from './ids';

/** The one cursor every instance moves (`$max`: only forward). */
const CURSOR_ID = 'changes';

/** How long the record of an attempt is kept. */
const ATTEMPT_KEEP_MS = 7 * 24 * 3_600_000;

export type WebhookEndpoint = Omit<WebhookEndpointDoc, '_id'> & { id: string };
export type NewWebhookEndpoint = Pick<WebhookEndpoint, 'websiteId' | 'url' | 'events' | 'secret' | 'description'>;
export type WebhookEndpointChange = Partial<Pick<WebhookEndpoint, 'url' | 'events' | 'secret'>> & { description?: string | null };
export type WebhookDelivery = Omit<WebhookDeliveryDoc, '_id'> & { id: string };
export type NewWebhookDelivery = Pick<WebhookDelivery, 'websiteId' | 'endpointId' | 'eventId' | 'type' | 'body'>;

/** How a delivery's attempt ended: delivered, due again at `retryAt`, or given up. */
export type WebhookOutcome = { status: 'delivered' } | { status: 'pending'; retryAt: Date } | { status: 'failed' };

/** Which deliveries of an endpoint to send again: one event (whatever became of it), or all not delivered since a time. */
type Redelivery = { eventId: string } | { undeliveredSince: string };
/** One event's redelivery: made due, or refused, as there is no such delivery (never, or no longer kept) or an instance sends it now. */
export type EventRedelivery = 'due' | 'unknown' | 'sending';

const endpointOf = ({ _id, ...doc }: WebhookEndpointDoc): WebhookEndpoint => ({ id: _id, ...doc });
const deliveryOf = ({ _id, ...doc }: WebhookDeliveryDoc): WebhookDelivery => ({ id: _id, ...doc });

/** An event already owed to that endpoint (another instance's write, a catch-up's) is what writing it again wants. */
const onlyDuplicates = (error: unknown): boolean => error instanceof MongoBulkWriteError && [error.writeErrors].flat().every((e) => e.code === 11000);

/** Not past its week, though the TTL index may not have swept it yet (it runs once a minute): a delivery that is gone to a redelivery. */
const stillKept = (now: Date): Filter<WebhookDeliveryDoc> => ({ $or: [{ expireAt: { $exists: false } }, { expireAt: { $gt: now } }] });

export function webhookMethods({ webhookEndpoints, webhookDeliveries, webhookAttempts, webhookCursors, conversations, items }: Collections) {
  /**
   * Makes deliveries of an endpoint due now, as if new: pending again (kept until done), their
   * attempts counted from 1 and retried as long from now as a new one. One an instance is sending
   * is left to it (its lease: `leasedUntil`). Answers how many were made due.
   */
  async function redeliver(endpointId: string, which: Redelivery): Promise<number> {
    const now = new Date();
    const selected: Filter<WebhookDeliveryDoc> =
      'eventId' in which ? { _id: `${which.eventId}:${endpointId}` } : { endpointId, status: { $in: ['pending', 'failed'] }, createdAt: { $gte: which.undeliveredSince } };
    const { modifiedCount } = await webhookDeliveries.updateMany(
      {
        ...selected,
        $and: [
          { $or: [{ leasedUntil: { $exists: false } }, { leasedUntil: { $lte: now } }] },
          stillKept(now),
        ],
      },
      { $set: { status: 'pending', dueAt: now, attempts: 0, redeliveredAt: now.toISOString() }, $unset: { expireAt: '', leasedUntil: '' } },
    );
    return modifiedCount;
  }

  return {
    /** Up to when every change was turned into deliveries; null before the first time it was said. */
    async webhookCoveredUntil(): Promise<string | null> {
      return (await webhookCursors.findOne({ _id: CURSOR_ID }))?.coveredUntil ?? null;
    },

    async coverWebhooksUntil(time: string): Promise<void> {
      await webhookCursors.updateOne({ _id: CURSOR_ID }, { $max: { coveredUntil: time } }, { upsert: true });
    },

    /**
     * What a website's conversations got since `since`, to catch up on: the conversations created
     * since, and the items appended since (found through the conversations changed since, by the `sync` index).
     */
    async changedSince(websiteId: string, since: string): Promise<{ created: Conversation[]; items: Array<{ conversationId: string; item: TimelineItem }> }> {
      const changed = await conversations.find({ websiteId, updatedAt: { $gte: since } }).toArray();
      const docs = changed.length === 0 ? [] : await items.find({ conversationId: { $in: changed.map((c) => c._id) }, createdAt: { $gte: since } }).toArray();
      return {
        created: changed.filter((doc) => doc.createdAt >= since).map((doc) => toConversation(doc, 'all')),
        items: docs.map((doc) => ({ conversationId: doc.conversationId, item: toItem(doc) })),
      };
    },

    /**
     * Made under `id` when given (an `Idempotency-Key`'s): undefined when that id is taken, by the
     * first attempt or since. `409` when the website has `MAX_WEBHOOK_ENDPOINTS` (two made at once
     * may both pass the count), unless `id` is one of them: a retry is answered with what it made.
     */
    async createWebhook(input: NewWebhookEndpoint, id = newId('wh')): Promise<WebhookEndpoint | undefined> {
      const { websiteId } = input;
      if ((await webhookEndpoints.countDocuments({ websiteId }, { limit: MAX_WEBHOOK_ENDPOINTS })) >= MAX_WEBHOOK_ENDPOINTS) {
        if (await webhookEndpoints.findOne({ _id: id, websiteId })) return undefined;
        throw new AppError('ERR_CONFLICT', `The website has ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints, the most it keeps: delete one first`, { limit: MAX_WEBHOOK_ENDPOINTS });
      }
      const now = new Date().toISOString();
      const doc: WebhookEndpointDoc = { _id: id, ...input, createdAt: now, updatedAt: now };
      if (doc.description === undefined) delete doc.description;
      try {
        await webhookEndpoints.insertOne(doc);
      } catch (error) {
        if (isDuplicateKey(error)) return undefined;
        throw error;
      }
      return endpointOf(doc);
    },

    async listWebhooks(websiteId?: string): Promise<WebhookEndpoint[]> {
      const docs = await webhookEndpoints.find(websiteId === undefined ? {} : { websiteId }).sort({ createdAt: 1, _id: 1 }).toArray();
      return docs.map(endpointOf);
    },

    async getWebhook(websiteId: string, id: string): Promise<WebhookEndpoint | null> {
      const doc = await webhookEndpoints.findOne({ _id: id, websiteId });
      return doc && endpointOf(doc);
    },

    /** `description: null` removes it; null when there is no such endpoint. */
    async updateWebhook(websiteId: string, id: string, change: WebhookEndpointChange): Promise<WebhookEndpoint | null> {
      const { description, ...set } = change;
      const doc = await webhookEndpoints.findOneAndUpdate(
        { _id: id, websiteId },
        {
          $set: { ...set, ...(typeof description === 'string' ? { description } : {}), updatedAt: new Date().toISOString() },
          ...(description === null ? { $unset: { description: '' as const } } : {}),
        },
        { returnDocument: 'after' },
      );
      return doc && endpointOf(doc);
    },

    /** Deletes the endpoint and what it is still owed; false when there was none. */
    async deleteWebhook(websiteId: string, id: string): Promise<boolean> {
      const { deletedCount } = await webhookEndpoints.deleteOne({ _id: id, websiteId });
      if (deletedCount === 0) return false;
      await webhookDeliveries.deleteMany({ endpointId: id });
      return true;
    },

    /** Forgets a delivery whose endpoint is gone (deleted while another instance still wrote for it). */
    async dropWebhookDelivery(id: string): Promise<void> {
      await webhookDeliveries.deleteOne({ _id: id });
    },

    /** Owes these events to their endpoints; one owed already is left as it is. */
    async enqueueWebhookDeliveries(deliveries: NewWebhookDelivery[]): Promise<void> {
      if (deliveries.length === 0) return;
      const now = new Date();
      const docs = deliveries.map((d): WebhookDeliveryDoc => ({ _id: `${d.eventId}:${d.endpointId}`, ...d, status: 'pending', attempts: 0, createdAt: now.toISOString(), dueAt: now }));
      try {
        await webhookDeliveries.insertMany(docs, { ordered: false });
      } catch (error) {
        if (!onlyDuplicates(error)) throw error;
      }
    },

    /**
     * Takes the pending delivery due first, of an endpoint not in `busy`, and moves its `dueAt` on
     * by `leaseMs`: no other instance takes it meanwhile, and should this one stop before it is
     * done, it is due again then.
     */
    async claimWebhookDelivery(busy: string[], leaseMs: number): Promise<WebhookDelivery | null> {
      const now = Date.now();
      const doc = await webhookDeliveries.findOneAndUpdate(
        { status: 'pending', dueAt: { $lte: new Date(now) }, ...(busy.length > 0 ? { endpointId: { $nin: busy } } : {}) },
        { $set: { dueAt: new Date(now + leaseMs), leasedUntil: new Date(now + leaseMs) }, $inc: { attempts: 1 } },
        { sort: { dueAt: 1 }, returnDocument: 'after' },
      );
      return doc && deliveryOf(doc);
    },

    /** When the next pending delivery is due; null when none is owed. */
    async nextWebhookDueAt(): Promise<Date | null> {
      const doc = await webhookDeliveries.findOne({ status: 'pending' }, { sort: { dueAt: 1 }, projection: { dueAt: 1 } });
      return doc?.dueAt ?? null;
    },

    /** Records an attempt and where the delivery stands after it. */
    async finishWebhookAttempt(delivery: WebhookDelivery, attempt: Pick<WebhookAttempt, 'statusCode' | 'error'>, outcome: WebhookOutcome): Promise<void> {
      const now = new Date();
      const { id, endpointId, eventId, type, attempts } = delivery;
      const expireAt = new Date(now.getTime() + ATTEMPT_KEEP_MS);
      // A finished one is kept as long as its attempts (a catch-up's overlap must still find it written), then a TTL index deletes it.
      // Only while its lease holds: one that ran out was taken by another instance (or made due again by a redelivery), whose word stands.
      const { matchedCount } = await webhookDeliveries.updateOne(
        delivery.leasedUntil ? { _id: id, leasedUntil: delivery.leasedUntil } : { _id: id },
        { $set: { status: outcome.status, ...(outcome.status === 'pending' ? { dueAt: outcome.retryAt } : { expireAt }) }, $unset: { leasedUntil: '' } },
      );
      // The attempt happened either way; what became of the event is said only when this attempt decided it.
      const decided = matchedCount === 0 ? {} : outcome.status === 'pending' ? { outcome: 'retrying' as const, retryAt: outcome.retryAt.toISOString() } : { outcome: outcome.status };
      await webhookAttempts.insertOne({ _id: newId('whatt'), endpointId, eventId, type, attempt: attempts, ...attempt, ...decided, at: now.toISOString(), expireAt });
    },

    /** Sends again all of an endpoint's events not delivered since a time (given up, or waiting for a retry): how many. */
    redeliverWebhookEvents: (endpointId: string, undeliveredSince: string): Promise<number> => redeliver(endpointId, { undeliveredSince }),

    /** Sends one event to an endpoint again: whether it was made due, or why not. */
    async redeliverWebhookEvent(endpointId: string, eventId: string): Promise<EventRedelivery> {
      if ((await redeliver(endpointId, { eventId })) === 1) return 'due';
      const kept = await webhookDeliveries.countDocuments({ _id: `${eventId}:${endpointId}`, ...stillKept(new Date()) }, { limit: 1 });
      return kept === 0 ? 'unknown' : 'sending';
    },

    /** An endpoint's latest attempts, newest first. */
    async listWebhookAttempts(endpointId: string, limit: number): Promise<WebhookAttempt[]> {
      const docs = await webhookAttempts.find({ endpointId }).sort({ at: -1, _id: -1 }).limit(limit).toArray();
      return docs.map(({ _id, expireAt, ...attempt }) => attempt);
    },
  };
}
