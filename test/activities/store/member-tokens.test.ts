import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { keyFingerprintOf, newMemberToken, secretMatches } from '../../../server/member-token-secrets';
import { useStore } from './fixtures';

const ctx = useStore('member_tokens');

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
});
