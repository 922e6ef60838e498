import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { StoredMemberToken } from '../../../activities/store';
import { keyFingerprintOf, newMemberToken, secretMatches } from '../../../server/member-token-secrets';
import { QUICK_TTL, TTL_TEST, TTL_WAIT_MS } from '../../support/mongo';
import { useStore } from './fixtures';

const ctx = useStore('member_tokens', QUICK_TTL);

/** A token of usr_ann's, expiring at `expiresAt` (ms). */
function tokenExpiringAt(expiresAt: number): StoredMemberToken {
  const { id, secretHash } = newMemberToken();
  const createdAt = new Date(expiresAt - 3_600_000).toISOString();
  return { id, websiteId: 'web_tokens', userId: 'usr_ann', role: 'agent', createdAt, expiresAt: new Date(expiresAt).toISOString(), secretHash, keyFingerprint: 'fp' };
}

describe('Store', () => {
  describe('#revokeMemberTokens', () => {
    it('leaves a revoked token unusable also to a reader that looks tokens up by id alone (an instance of an earlier version)', async () => {
      const store = ctx.get();
      const { id, token, secretHash } = newMemberToken();
      const secretKey = 'sk_member_tokens_test';
      const now = Date.now();
      await store.addMemberToken({
        id,
        websiteId: 'web_tokens',
        userId: 'usr_ann',
        role: 'agent',
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + 3_600_000).toISOString(),
        secretHash,
        keyFingerprint: keyFingerprintOf(secretKey),
      });
      expect(await store.revokeMemberTokens('web_tokens', 'usr_ann', id)).toBe(1);
      expect(await store.getMemberToken(id)).toBeNull();
      // Kept until it expires (so that revoking it again is told apart), but what an earlier version checks fails.
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        const kept = await client.db(ctx.dbName).collection<{ _id: string; secretHash: string; keyFingerprint: string }>('member_tokens').findOne({ _id: id });
        expect(kept).not.toBeNull();
        expect(secretMatches(token.split('.')[1]!, kept!.secretHash)).toBe(false);
        expect(kept!.keyFingerprint).not.toBe(keyFingerprintOf(secretKey));
      } finally {
        await client.close();
      }
      // Revoking it again still names it.
      expect(await store.revokeMemberTokens('web_tokens', 'usr_ann', id)).toBe(1);
    });
  });

  describe('expiry', () => {
    it('deletes tokens once they expire, revoked or not, by the TTL index, and keeps the others till then', TTL_TEST, async () => {
      const store = ctx.get();
      const now = Date.now();
      const [expired, expiredRevoked] = [tokenExpiringAt(now - 1_000), tokenExpiringAt(now - 1_000)];
      const [standing, revoked] = [tokenExpiringAt(now + 3_600_000), tokenExpiringAt(now + 3_600_000)];
      for (const token of [expired, expiredRevoked, standing, revoked]) await store.addMemberToken(token);
      for (const token of [expiredRevoked, revoked]) await store.revokeMemberTokens('web_tokens', 'usr_ann', token.id);
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        const tokens = client.db(ctx.dbName).collection<{ _id: string }>('member_tokens');
        const ids = [expired, expiredRevoked, standing, revoked].map((token) => token.id);
        const kept = async () => (await tokens.find({ _id: { $in: ids } }).toArray()).map((doc) => doc._id).sort();
        await expect.poll(kept, { timeout: TTL_WAIT_MS }).toEqual([standing.id, revoked.id].sort());
      } finally {
        await client.close();
      }
      // The revoked one is still told from a token that is not the member's.
      expect(await store.revokeMemberTokens('web_tokens', 'usr_ann', revoked.id)).toBe(1);
    });
  });
});
