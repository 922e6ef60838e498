/**
 * What the page passes to `SupportChat.identify`, checked before anything is sent: what is wrong is
 * said naming the field and what it takes (zod's own words, "Invalid input", say neither).
 */
import * as z from 'zod/mini';
import type { Identity } from '../shared/api-client';

/** A string field, saying when it is missing or not a string (a number id, say) what it must be. */
const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `missing: give ${what}, a string` : `must be a string (${what}), not a ${typeof issue.input}`) });

const identity = z.object({
  externalId: text("the signed-in user's id in your system").check(z.minLength(1), z.maxLength(256)),
  userHash: text('the hex HMAC-SHA256 of externalId, from your backend').check(z.minLength(1), z.maxLength(256)),
  email: z.optional(text("the user's email address")),
  name: z.optional(text("the user's name")),
}, { error: 'give an object: {externalId, userHash, email?, name?}' });

/** The identity, or why it cannot be one, each failing field named. */
export function parseIdentity(argument: unknown): { identity: Identity } | { problem: string } {
  const parsed = identity.safeParse(argument);
  if (parsed.success) return { identity: parsed.data };
  return { problem: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'argument'}: ${issue.message}`).join('; ') };
}
