/** Ids made from a client's `Idempotency-Key`, so a retry of a request names what the first attempt made. */
import { createHash } from 'node:crypto';

/**
 * The workflow update id of a lifecycle request that carries an `Idempotency-Key`: the same key from
 * the same agent for the same method, path (so the same conversation, and user where the path names
 * one) and body gives the same id, so a retry is the same Update and the workflow runs it once (see
 * `UpdateRequest.updateId`); any difference gives a new id. Hashed, so the client's key, whatever it
 * holds, never reaches the workflow's history.
 */
export function keyedUpdateId(key: string, request: { websiteId: string; agentId: string; route: string; body: unknown }): string {
  return `keyed-${digestOf([request.websiteId, request.agentId, request.route, request.body, key])}`;
}

/**
 * The id a new team member gets when the `POST` names none but carries an `Idempotency-Key`: the
 * same key from the same member of the same website names the same person, so a retry finds the
 * person the first attempt made (and other fields under it are a conflict, as under a chosen id).
 */
export function keyedMemberId(key: string, request: { websiteId: string; agentId: string }): string {
  return `usr_${digestOf([request.websiteId, request.agentId, 'team member', key]).slice(0, 24)}`;
}

/**
 * The id of a webhook endpoint a `POST` with an `Idempotency-Key` makes: the same key from the same
 * member of the same website names the same endpoint, so a retry finds the one the first attempt made.
 */
export function keyedWebhookId(key: string, request: { websiteId: string; agentId: string }): string {
  return `wh_${digestOf([request.websiteId, request.agentId, 'webhook', key]).slice(0, 24)}`;
}

const digestOf = (parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
