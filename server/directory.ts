/**
 * The store behind authentication, with short-lived caches: every request authenticates, and on
 * the message hot path a store round trip per lookup would dominate. Websites and team members
 * change rarely; visitors are re-read (and their lastSeenAt touched) at most once a minute,
 * and at once after any instance links them to a contact (the change feed forgets them).
 */
import type { Store, StoredMemberToken } from '../activities/store';
import { MAX_KEY_CHARS } from '../runtime/config';
import type { TeamMember, Visitor, Website } from '../domain/people';
import type { AuthDirectory } from './auth';
import { TtlCache, type TtlCacheLimits } from './ttl-cache';

const WEBSITE_TTL_MS = 30_000;
/**
 * How old a website read may be and still answer `lastReadWebsiteByPublicKey`: a few times its
 * TTL, so a caller that only ever gets refusals (a page held at the rate limit) keeps its CORS
 * headers for a while, but an origin the website no longer allows stops getting them within
 * this time, whether or not anything reads the website again.
 */
export const WEBSITE_PEEK_MS = 4 * WEBSITE_TTL_MS;
const MEMBER_TTL_MS = 5_000;
const VISITOR_TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;
/**
 * Unknown keys (misses) are kept apart, for at most this long and this many: enough to spare the
 * store a caller retrying one key, never enough to push out what real callers use.
 */
const MISS_TTL_MS = 5_000;
const MAX_MISSES = 10_000;
/**
 * No website key is longer (the configuration allows `pk_`/`sk_` and MAX_KEY_CHARS): a longer
 * one is unknown without a lookup, and is not cached, so unknown keys cannot fill memory with
 * large entries (at most MAX_MISSES of this size).
 */
export const MAX_KEY_LENGTH = 'sk_'.length + MAX_KEY_CHARS;

export interface StoreDirectory extends AuthDirectory {
  /** The website of a public key as last read, without reading the store: undefined if this instance has not read it within WEBSITE_PEEK_MS. */
  lastReadWebsiteByPublicKey(publicKey: string): Website | undefined;
  /** Drops the cached visitor (after linking it to a contact). */
  forgetVisitor(websiteId: string, visitorId: string): void;
  /** Drops every cached visitor (links the change stream may not have told of). */
  forgetVisitors(): void;
  /** Drops the cached team member (changed or removed on this instance). */
  forgetMember(websiteId: string, userId: string): void;
  /** Drops the cached member tokens of this team member (some were revoked). */
  forgetMemberTokens(memberId: string): void;
}

const limits = (ttlMs: number): TtlCacheLimits => ({ ttlMs, maxEntries: MAX_ENTRIES, missTtlMs: Math.min(ttlMs, MISS_TTL_MS), maxMisses: MAX_MISSES });

export function storeDirectory(store: Store): StoreDirectory {
  const websites = new TtlCache<Website | undefined>(limits(WEBSITE_TTL_MS));
  const members = new TtlCache<TeamMember | undefined>(limits(MEMBER_TTL_MS));
  const visitors = new TtlCache<Visitor>(limits(VISITOR_TTL_MS));
  // As short-lived as members': a token revoked on another instance is refused here within this time at most.
  const tokens = new TtlCache<{ token: StoredMemberToken; website: Website } | undefined>(limits(MEMBER_TTL_MS));
  return {
    websiteByPublicKey: (key) =>
      key.length > MAX_KEY_LENGTH ? Promise.resolve(undefined) : websites.get(`pk/${key}`, async () => (await store.getWebsiteByPublicKey(key)) ?? undefined),
    lastReadWebsiteByPublicKey: (key) => websites.peek(`pk/${key}`, WEBSITE_PEEK_MS),
    websiteBySecretKey: (key) =>
      key.length > MAX_KEY_LENGTH ? Promise.resolve(undefined) : websites.get(`sk/${key}`, async () => (await store.getWebsiteBySecretKey(key)) ?? undefined),
    teamMember: (websiteId, userId) =>
      members.get(`${websiteId}/${userId}`, async () => {
        const member = await store.getTeamMember(userId);
        return member?.websiteId === websiteId ? member : undefined;
      }),
    memberToken: (tokenId) =>
      tokens.get(tokenId, async () => {
        const token = await store.getMemberToken(tokenId);
        const website = token && (await store.getWebsite(token.websiteId));
        return token && website ? { token, website } : undefined;
      }),
    visitor: (websiteId, visitorId) =>
      visitorId === undefined ? store.upsertVisitor(websiteId) : visitors.get(`${websiteId}/${visitorId}`, () => store.upsertVisitor(websiteId, visitorId)),
    forgetVisitor: (websiteId, visitorId) => visitors.forget(`${websiteId}/${visitorId}`),
    forgetVisitors: () => visitors.forgetAll(),
    forgetMember: (websiteId, userId) => members.forget(`${websiteId}/${userId}`),
    forgetMemberTokens: (memberId) => tokens.forgetWhere((found) => found?.token.userId === memberId),
  };
}
