import { createHash } from 'node:crypto';

/**
 * The workflow update id of a lifecycle request that carries an `Idempotency-Key`: the same key from
 * the same agent for the same method, path (so the same conversation, and user where the path names
 * one) and body gives the same id, so a retry is the same Update and the workflow runs it once (see
 * `UpdateRequest.updateId`); any difference gives a new id. Hashed, so the client's key, whatever it
 * holds, never reaches the workflow's history.
 */
export function keyedUpdateId(key: string, request: { websiteId: string; agentId: string; route: string; body: unknown }): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([request.websiteId, request.agentId, request.route, request.body, key]))
    .digest('base64url');
  return `keyed-${digest}`;
}
