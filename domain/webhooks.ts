/**
 * What outgoing webhooks tell: a small set of events an integrator (a CRM, a chat bot) acts on,
 * each from something the store already keeps (a conversation inserted, a timeline item appended).
 */
import { isEvent, type EventKind, type TimelineItem } from './timeline';

/** The lifecycle events told, each an event item the workflow records: `conversation.<kind>`. */
const LIFECYCLE_KINDS = ['assigned', 'unassigned', 'resolved', 'reopened', 'priority_changed'] as const satisfies readonly EventKind[];

export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'message.created',
  'note.created',
  ...LIFECYCLE_KINDS.map((kind) => `conversation.${kind}` as const),
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** How many endpoints a website has: each is sent every event it asks for, so each costs a write per event. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

/** One try of sending an event to an endpoint, as `GET /v1/webhooks/:id/deliveries` lists it. */
export interface WebhookAttempt {
  endpointId: string;
  eventId: string;
  type: string;
  /** Counted from 1 for each event, and again from 1 when an admin has it sent again. */
  attempt: number;
  /** What the endpoint answered; `error` says why there was no answer. */
  statusCode?: number;
  error?: string;
  /** What became of the event: delivered, tried again at `retryAt`, or given up (absent on attempts an older version recorded). */
  outcome?: 'delivered' | 'retrying' | 'failed';
  retryAt?: string;
  at: string;
}

/** The event an appended item is, if it is one told. */
export function webhookTypeOfItem(item: TimelineItem): WebhookEventType | undefined {
  if (item.type === 'message') return 'message.created';
  if (item.type === 'note') return 'note.created';
  if (!isEvent(item)) return undefined;
  const kind = LIFECYCLE_KINDS.find((k) => k === item.event.kind);
  return kind && `conversation.${kind}`;
}
