/** Webhook endpoints as the admin routes take them (routes/webhooks.ts). */
import { z } from 'zod';
import { readableText } from '../../domain/label-schema';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { urlRefusal } from '../webhooks/url-policy';
import { entityId, queryTime } from './common';

/** An endpoint's URL, refused where the server may not send (url-policy.ts). */
const endpointUrl = (allowPrivate: boolean) =>
  z
    .string()
    .max(2_048)
    .refine((value) => URL.canParse(value), 'expected an absolute URL')
    .transform((value) => new URL(value))
    .superRefine((url, ctx) => {
      const refusal = urlRefusal(url, allowPrivate);
      if (refusal) ctx.addIssue({ code: 'custom', message: refusal });
    })
    .transform((url) => url.href);

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, 'name at least one event type')
  .transform((types) => [...new Set(types)]);

const description = readableText(z.string().trim().max(500));

export const newWebhookBody = (allowPrivate: boolean) => z.strictObject({ url: endpointUrl(allowPrivate), events, description: description.optional() });

/** A PATCH: what it names changes; `description: null` takes it off. */
export const changedWebhookBody = (allowPrivate: boolean) =>
  z
    .strictObject({ url: endpointUrl(allowPrivate).optional(), events: events.optional(), description: description.nullable().optional() })
    .refine((body) => Object.keys(body).length > 0, 'name a field to change: url, events or description');

export const webhookParams = z.object({ id: entityId });

/** An event as deliveries name it (event-outbox.ts): `evt_` and 32 hex digits. */
export const webhookEventParams = webhookParams.extend({ eventId: z.string().regex(/^evt_[0-9a-f]{32}$/, 'expected an event id, as evt_ and 32 hex digits') });

/** What to send again: every event not delivered (given up, or waiting for its next retry) since a time. */
export const redeliveryBody = z.strictObject({ since: queryTime });
