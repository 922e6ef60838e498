/**
 * Member tokens: credentials that act as one person on the team, so that a person's page need not
 * hold the website's secret key (which acts as anyone). Only a hash of each token's secret is kept.
 */
import type { ClientSession } from 'mongodb';
import type { Collections } from './documents';

/** What a member token may do: `agent`, the conversations; `admin`, the website's configuration too (team, settings, assistants). */
export type MemberTokenRole = 'agent' | 'admin';

export interface MemberToken {
  id: string;
  websiteId: string;
  /** The team member the token acts as. */
  userId: string;
  role: MemberTokenRole;
  createdAt: string;
  expiresAt: string;
}

/**
 * A token as stored: the SHA-256 of its secret, never the secret; and a fingerprint of the secret
 * key it was made under, so that a new secret key ends the tokens the old one made.
 */
export interface StoredMemberToken extends MemberToken {
  secretHash: string;
  keyFingerprint: string;
}

/** Not revoked. */
const standing = { revokedAt: { $exists: false } } as const;

export function memberTokenMethods({ memberTokens }: Collections) {
  return {
    /** Keeps a new token. */
    async addMemberToken(token: StoredMemberToken, session?: ClientSession): Promise<void> {
      const { id, ...fields } = token;
      await memberTokens.insertOne({ _id: id, ...fields, expiresAt: new Date(token.expiresAt) }, { session });
    },

    /**
     * The token with this id, expired or not; null when there is none (never made, revoked, or
     * deleted once expired: a TTL index does that within about a minute, indexes.ts).
     */
    async getMemberToken(id: string): Promise<StoredMemberToken | null> {
      const doc = await memberTokens.findOne({ _id: id, ...standing });
      if (!doc) return null;
      const { _id, expiresAt, ...fields } = doc;
      return { id: _id, ...fields, expiresAt: expiresAt.toISOString() };
    },

    /** Of these token ids, those still standing (not revoked), with when each expires and the key fingerprint it was made under. */
    async memberTokensStanding(ids: string[]): Promise<Map<string, Pick<StoredMemberToken, 'expiresAt' | 'keyFingerprint'>>> {
      const docs = await memberTokens.find({ _id: { $in: ids }, ...standing }, { projection: { expiresAt: 1, keyFingerprint: 1 } }).toArray();
      return new Map(docs.map((doc) => [doc._id, { expiresAt: doc.expiresAt.toISOString(), keyFingerprint: doc.keyFingerprint }]));
    },

    /**
     * Revokes one of a member's tokens, or all of them (`tokenId` left out); how many of the member's
     * tokens it named, revoked now or before. A revoked token is kept until it would have expired
     * (then the TTL index deletes it), so that revoking it again is told from naming a token that is
     * not the member's; its secret's hash and key fingerprint are blanked, so that no version
     * authenticates it, also one before `revokedAt` that reads tokens by id alone (a rolling
     * deploy, a rollback).
     */
    async revokeMemberTokens(websiteId: string, userId: string, tokenId?: string, session?: ClientSession): Promise<number> {
      const result = await memberTokens.updateMany(
        { websiteId, userId, ...(tokenId === undefined ? {} : { _id: tokenId }) },
        { $min: { revokedAt: new Date() }, $set: { secretHash: '', keyFingerprint: '' } },
        { session },
      );
      return result.matchedCount;
    },
  };
}
