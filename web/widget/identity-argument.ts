/**
 * What the page passes to `SupportChat.identify`, checked before anything is sent: what is wrong is
 * said naming the field and what it takes (zod's own words, "Invalid input", say neither).
 */
import * as z from 'zod/mini';
import { MAX_EMAIL_LENGTH, MAX_NAME_LENGTH } from '../../domain/people';
import type { Identity } from '../shared/api-client';
import { readableLine } from './readable-line';

/** A string field, saying when it is missing or not a string (a number id, say) what it must be. */
const text = (what: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? `missing: give ${what}, a string` : `must be a string (${what}), not a ${typeof issue.input}`) });

const identity = z.object({
  externalId: text("the signed-in user's id in your system").check(z.minLength(1), z.maxLength(256)),
  userHash: text('the hex HMAC-SHA256 of externalId, from your backend').check(z.minLength(1), z.maxLength(256)),
  email: z.optional(text("the user's email address")),
  name: z.optional(text("the user's name")),
}, { error: 'give an object: {externalId, userHash, email?, name?} or {userJwt}' });

/** An address as the server takes it (zod's own pattern, the same on both sides). */
const emailAddress = z.email().check(z.maxLength(MAX_EMAIL_LENGTH));

const signed = z.object({ userJwt: text('the JWT your backend signed for the user (HS256, with sub and exp)').check(z.minLength(1), z.maxLength(8_192)) });

/**
 * The user a token names (its `sub`), read without checking the signature (the server checks it):
 * the widget keeps it, to know when another user signs in on this browser.
 */
function subjectOf(userJwt: string): string | undefined {
  try {
    const payload = userJwt.split('.')[1] ?? '';
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
    const { sub } = JSON.parse(json) as { sub?: unknown };
    return typeof sub === 'string' && sub !== '' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The identity, or why it cannot be one, each failing field named. `leftOut`: what of the profile
 * is not sent, and why (for the page's console).
 */
export function parseIdentity(argument: unknown): { identity: Identity; leftOut?: string } | { problem: string } {
  if (typeof argument === 'object' && argument !== null && 'userJwt' in argument) {
    const token = signed.safeParse(argument);
    if (!token.success) return { problem: problemOf(token.error.issues) };
    const externalId = subjectOf(token.data.userJwt);
    return externalId === undefined ? { problem: 'userJwt: not a JWT naming the user in its sub claim' } : { identity: { externalId, userJwt: token.data.userJwt } };
  }
  const parsed = identity.safeParse(argument);
  if (!parsed.success) return { problem: problemOf(parsed.error.issues) };
  // The name and email are the user's profile's, not the page's to fix: each is sent as the server
  // takes it, or not at all, rather than lose the link over it.
  const { name, email, ...rest } = parsed.data;
  const line = name === undefined ? undefined : readableLine(name, MAX_NAME_LENGTH);
  const address = email?.trim() || undefined; // An empty profile field is no address.
  const emailTaken = address !== undefined && emailAddress.safeParse(address).success;
  const sent = { ...rest, ...(line === undefined ? {} : { name: line }), ...(emailTaken ? { email: address } : {}) };
  return address === undefined || emailTaken ? { identity: sent } : { identity: sent, leftOut: `email: not sent, as it is no address the server takes (an email address of at most ${MAX_EMAIL_LENGTH} characters); the contact is linked without it` };
}

const problemOf = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string =>
  issues.map((issue) => `${issue.path.join('.') || 'argument'}: ${issue.message}`).join('; ');
