/**
 * Sends the deliveries the outbox holds (event-outbox.ts), from every instance: each takes the one
 * due first from the store (a lease: should it stop while sending, the delivery is due again when
 * the lease ends, at-least-once), sends it, and records the attempt. A 2xx answer delivers it;
 * anything else (another status, a redirect, which is never followed, no answer in time) is tried
 * again after a delay that doubles each time, until the event is older than `giveUpAfterMs`, when
 * it is marked failed (an admin may have it sent again: it is then retried as a new one). Several
 * go at once, at most `perEndpoint` to one endpoint, so a slow endpoint holds its own deliveries
 * back and no one else's; nothing here is on a request's path.
 */
import type { Logger } from 'pino';
import type { Store, WebhookDelivery, WebhookOutcome } from '../../activities/store';
import { postJson, type PostResult } from './post';
import { SIGNATURE_HEADER, signatureHeader } from './signature';

export interface WebhookSettings {
  /** `http:` URLs and loopback, private and link-local addresses allowed (WEBHOOK_ALLOW_PRIVATE_URLS). */
  allowPrivateUrls: boolean;
  /** How long an endpoint has to answer. */
  timeoutMs: number;
  /** The delay after the first failed attempt, doubled after each until `maxDelayMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** An event not delivered this long after it happened is given up. */
  giveUpAfterMs: number;
  /** How often pending deliveries are looked for while any endpoint exists (another instance's, a retry come due). */
  pollMs: number;
}

type DelivererStore = Pick<Store, 'claimWebhookDelivery' | 'finishWebhookAttempt' | 'getWebhook' | 'dropWebhookDelivery'>;

/** Deliveries sent at once by an instance, and to one endpoint. */
const AT_ONCE = 16;
const PER_ENDPOINT = 2;
/** A claimed delivery's lease beyond the request's timeout: time to record the attempt. */
const LEASE_MARGIN_MS = 30_000;

export class WebhookDeliverer {
  private readonly sending = new Map<string, number>();
  private readonly attempts = new Set<Promise<void>>();
  private claiming = false;
  private again = false;
  private stopped = false;
  private poll?: NodeJS.Timeout;

  constructor(
    private readonly store: DelivererStore,
    private readonly settings: WebhookSettings,
    /** Whether any endpoint exists: without one, the store is not polled. */
    private readonly configured: () => boolean,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.poll = setInterval(() => this.configured() && this.wake(), this.settings.pollMs);
    this.poll.unref();
    if (this.configured()) this.wake();
  }

  /** Stops taking deliveries and waits for those being sent (a stop's deadline may cut it: their leases end and they are sent again). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    await Promise.all([...this.attempts]);
  }

  /** Takes what is due now, up to the limits. */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = true;
    void this.claimDue()
      .catch((err: unknown) => this.log.error({ err }, 'taking webhook deliveries failed'))
      .finally(() => {
        this.claiming = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async claimDue(): Promise<void> {
    const leaseMs = this.settings.timeoutMs + LEASE_MARGIN_MS;
    while (!this.stopped && this.attempts.size < AT_ONCE) {
      const busy = [...this.sending].filter(([, count]) => count >= PER_ENDPOINT).map(([endpointId]) => endpointId);
      const delivery = await this.store.claimWebhookDelivery(busy, leaseMs);
      if (!delivery) return;
      const attempt = this.attempt(delivery).catch((err: unknown) => this.log.error({ err, delivery: delivery.id }, 'a webhook attempt failed to be recorded'));
      const tracked = attempt.finally(() => {
        this.attempts.delete(tracked);
        this.wake();
      });
      this.attempts.add(tracked);
    }
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const { endpointId } = delivery;
    this.sending.set(endpointId, (this.sending.get(endpointId) ?? 0) + 1);
    try {
      // Read now: its URL and secret as they are, and none for an endpoint deleted meanwhile.
      const endpoint = await this.store.getWebhook(delivery.websiteId, endpointId);
      // Deleted: what another instance still wrote for it before it heard is owed to nobody.
      if (!endpoint) return await this.store.dropWebhookDelivery(delivery.id);
      const timestamp = Math.floor(Date.now() / 1000);
      const result = await postJson(endpoint.url, delivery.body, {
        headers: { 'User-Agent': 'support-chat-webhooks', 'Webhook-Id': delivery.eventId, [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, delivery.body) },
        timeoutMs: this.settings.timeoutMs,
        allowPrivate: this.settings.allowPrivateUrls,
      });
      await this.store.finishWebhookAttempt(delivery, result, this.outcomeOf(delivery, result));
    } finally {
      const left = (this.sending.get(endpointId) ?? 1) - 1;
      if (left === 0) this.sending.delete(endpointId);
      else this.sending.set(endpointId, left);
    }
  }

  private outcomeOf({ attempts, createdAt, redeliveredAt }: WebhookDelivery, result: PostResult): WebhookOutcome {
    if ('statusCode' in result && result.statusCode >= 200 && result.statusCode < 300) return { status: 'delivered' };
    const { firstRetryMs, maxRetryMs, giveUpAfterMs } = this.settings;
    const retryAt = Date.now() + Math.min(firstRetryMs * 2 ** (attempts - 1), maxRetryMs);
    // A redelivery is retried as long from when it was asked for as a new event is.
    if (retryAt - Date.parse(redeliveredAt ?? createdAt) > giveUpAfterMs) return { status: 'failed' };
    return { status: 'pending', retryAt: new Date(retryAt) };
  }
}
