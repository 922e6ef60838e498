/**
 * Member tokens: credentials that act as one person on the team, so that a person's page need not
 * hold the website's secret key (which acts as anyone). Only a hash of each token's secret is kept.
 */
import type { ClientSession } from 'mongodb';
import type { Collections } from './documents';

export interface MemberToken {
  id: string;
  websiteId: string;
  /** The team member the token acts as. */
  userId: string;
  createdAt: string;
  expiresAt: string;
}

/** A token as stored: the SHA-256 of its secret, never the secret. */
export interface StoredMemberToken extends MemberToken {
  secretHash: string;
}

export function memberTokenMethods({ memberTokens }: Collections) {
  return {
    /** Keeps a new token, and forgets the member's expired ones. */
    async addMemberToken(token: StoredMemberToken): Promise<void> {
      const { id, ...fields } = token;
      await memberTokens.insertOne({ _id: id, ...fields, expiresAt: new Date(token.expiresAt) });
      await memberTokens.deleteMany({ websiteId: token.websiteId, userId: token.userId, expiresAt: { $lte: new Date() }, _id: { $ne: id } });
    },

    /** The token with this id, expired or not; null when there is none (never made, or revoked). */
    async getMemberToken(id: string): Promise<StoredMemberToken | null> {
      const doc = await memberTokens.findOne({ _id: id });
      if (!doc) return null;
      const { _id, expiresAt, ...fields } = doc;
      return { id: _id, ...fields, expiresAt: expiresAt.toISOString() };
    },

    /** Revokes one of a member's tokens, or all of them (`tokenId` left out); how many there were. */
    async revokeMemberTokens(websiteId: string, userId: string, tokenId?: string, session?: ClientSession): Promise<number> {
      const result = await memberTokens.deleteMany({ websiteId, userId, ...(tokenId === undefined ? {} : { _id: tokenId }) }, { session });
      return result.deletedCount;
    },
  };
}
